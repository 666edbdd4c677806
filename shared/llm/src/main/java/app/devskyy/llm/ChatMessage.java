package app.devskyy.llm;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One message of a conversation in OpenAI's shape, the lingua franca every provider adapter
 * translates from and to. {@code role} is {@code system}, {@code user}, {@code assistant} or
 * {@code tool}; an assistant message may carry tool calls instead of text, a tool message answers
 * one call ({@code toolCallId}).
 */
public record ChatMessage(String role, List<Part> content, String name, List<ToolCall> toolCalls, String toolCallId) {

    public ChatMessage {
        content = content == null ? List.of() : List.copyOf(content);
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /** A content part: text, or an image by URL ({@code https:} or a {@code data:} URL). */
    public record Part(String type, String text, String imageUrl) {

        public static Part text(String text) {
            return new Part("text", text, null);
        }

        public static Part image(String url) {
            return new Part("image_url", null, url);
        }

        public boolean isText() {
            return "text".equals(type);
        }
    }

    /** A function call the model asks for; {@code arguments} is a JSON document as text. */
    public record ToolCall(String id, String name, String arguments) {}

    public static ChatMessage of(String role, String text) {
        return new ChatMessage(role, List.of(Part.text(text)), null, List.of(), null);
    }

    public static ChatMessage assistant(String text, List<ToolCall> toolCalls) {
        return new ChatMessage(
                "assistant",
                text == null || text.isEmpty() ? List.of() : List.of(Part.text(text)),
                null,
                toolCalls,
                null);
    }

    /** The text parts, joined. */
    public String text() {
        return content.stream().filter(Part::isText).map(Part::text).collect(Collectors.joining());
    }
}

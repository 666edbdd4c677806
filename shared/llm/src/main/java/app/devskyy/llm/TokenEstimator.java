package app.devskyy.llm;

import java.nio.charset.StandardCharsets;

/**
 * Token counts before the provider counts them. Two uses, two rules: {@link #estimate} is the
 * usual four bytes a token, for figures that are reported; {@link #promptUpperBound} never falls
 * short of any provider's count (a BPE token is at least one byte), because budget reservations
 * rest on it: a reservation that can be exceeded is not a reservation.
 */
public final class TokenEstimator {

    /** Per message: role and separators in every provider's template. */
    static final int MESSAGE_OVERHEAD = 8;
    /** Per image: above what any provider charges for one image at its default detail. */
    static final int IMAGE_TOKENS = 2_000;

    static final int REQUEST_OVERHEAD = 16;

    private TokenEstimator() {}

    public static long estimate(String text) {
        return (text.getBytes(StandardCharsets.UTF_8).length + 3) / 4;
    }

    /** At least as many tokens as the prompt of {@code request} counts at any provider. */
    public static long promptUpperBound(ChatRequest request) {
        long tokens = REQUEST_OVERHEAD;
        for (ChatMessage message : request.messages()) {
            tokens += MESSAGE_OVERHEAD;
            for (ChatMessage.Part part : message.content()) {
                tokens += part.isText() ? bytes(part.text()) : IMAGE_TOKENS;
            }
            for (ChatMessage.ToolCall call : message.toolCalls()) {
                tokens += bytes(call.name()) + bytes(call.arguments()) + MESSAGE_OVERHEAD;
            }
        }
        for (ChatRequest.Tool tool : request.tools()) {
            tokens += bytes(tool.name())
                    + bytes(tool.description())
                    + (tool.parameters() == null ? 0 : bytes(tool.parameters().toString()))
                    + MESSAGE_OVERHEAD;
        }
        if (request.responseFormat() != null && request.responseFormat().schema() != null) {
            tokens += bytes(request.responseFormat().schema().toString());
        }
        return tokens;
    }

    private static long bytes(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }
}

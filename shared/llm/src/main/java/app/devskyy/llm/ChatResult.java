package app.devskyy.llm;

import java.util.List;

/**
 * A provider's answer, provider-neutral. {@code finishReason} is one of OpenAI's: {@code stop},
 * {@code length}, {@code tool_calls}, {@code content_filter}.
 */
public record ChatResult(String id, String model, List<Choice> choices, Usage usage) {

    public ChatResult {
        choices = List.copyOf(choices);
    }

    public record Choice(int index, ChatMessage message, String finishReason) {}

    /** The first choice's text: what a caller that asked for one answer reads. */
    public String text() {
        return choices.isEmpty() ? "" : choices.getFirst().message().text();
    }
}

package app.devskyy.llm;

/**
 * Tokens of one call, counted the OpenAI way: {@code promptTokens} includes {@code cachedTokens}
 * (read from the provider's prompt cache, billed at a lower price), {@code completionTokens}
 * includes {@code reasoningTokens}.
 */
public record Usage(long promptTokens, long completionTokens, long cachedTokens, long reasoningTokens) {

    public static final Usage NONE = new Usage(0, 0, 0, 0);

    public long totalTokens() {
        return promptTokens + completionTokens;
    }

    public Usage plus(Usage other) {
        return new Usage(
                promptTokens + other.promptTokens,
                completionTokens + other.completionTokens,
                cachedTokens + other.cachedTokens,
                reasoningTokens + other.reasoningTokens);
    }
}

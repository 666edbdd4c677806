package app.devskyy.llm;

import app.devskyy.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What each model costs, from the price table resource ({@code /llm/prices.json}, USD per million
 * tokens, which is micro-dollars per token). Cached prompt tokens are billed at the cached-input
 * price and reasoning tokens at the reasoning price (the output price unless stated), so neither
 * is counted twice nor at the wrong rate. Costs are whole micro-dollars, rounded up.
 */
public final class Prices {

    /** Micro-dollars per token. */
    public record Price(double input, double cachedInput, double output, double reasoning) {}

    private final String version;
    private final Map<String, Price> prices;

    private Prices(String version, Map<String, Price> prices) {
        this.version = version;
        this.prices = Map.copyOf(prices);
    }

    public static Prices bundled() {
        return parse(Routing.bundledText("/llm/prices.json"));
    }

    public static Prices parse(String json) {
        JsonNode root = Json.tree(json.getBytes(StandardCharsets.UTF_8));
        Map<String, Price> prices = new HashMap<>();
        root.path("models").properties().forEach(e -> {
            JsonNode p = e.getValue();
            double input = p.path("input").asDouble();
            double output = p.path("output").asDouble();
            prices.put(
                    e.getKey(),
                    new Price(
                            input,
                            p.path("cachedInput").asDouble(input),
                            output,
                            p.path("reasoning").asDouble(output)));
        });
        return new Prices(root.path("version").asString("unversioned"), prices);
    }

    public String version() {
        return version;
    }

    public Optional<Price> of(Target target) {
        return Optional.ofNullable(prices.get(target.id()));
    }

    /** The cost of {@code usage} on {@code target}, in micro-dollars; 0 for an unpriced (self-hosted) model. */
    public long costMicros(Target target, Usage usage) {
        return of(target)
                .map(p -> (long) Math.ceil((usage.promptTokens() - usage.cachedTokens()) * p.input()
                        + usage.cachedTokens() * p.cachedInput()
                        + (usage.completionTokens() - usage.reasoningTokens()) * p.output()
                        + usage.reasoningTokens() * p.reasoning()))
                .orElse(0L);
    }

    /**
     * The most a call could cost on any of {@code targets}: every prompt token uncached, every
     * output token at the dearer of the output and reasoning prices. What a budget reserves.
     */
    public long worstCaseMicros(Iterable<Target> targets, long promptTokens, long completionTokens) {
        long worst = 0;
        for (Target target : targets) {
            Price p = prices.get(target.id());
            if (p != null) {
                worst = Math.max(worst, (long) Math.ceil(promptTokens * Math.max(p.input(), p.cachedInput())
                        + completionTokens * Math.max(p.output(), p.reasoning())));
            }
        }
        return worst;
    }
}

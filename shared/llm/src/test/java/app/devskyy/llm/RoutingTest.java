package app.devskyy.llm;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.llm.TaskClassifier.Task;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Aliases, direct models, auto's task classes and the offline fallback, over the bundled routing. */
class RoutingTest {

    private final Routing routing = Routing.bundled();
    private final ChatRequest hello = Requests.simple();

    @Test
    void anAliasKeepsItsOrderAmongTheReachableProviders() {
        var route = routing.resolve("smart", "chat", Set.of("openai", "google"), hello)
                .orElseThrow();
        assertThat(route.targets()).extracting(Target::id).containsExactly("openai/gpt-4.1", "google/gemini-2.5-pro");
        assertThat(routing.resolve("smart", "chat", Set.of("groq"), hello))
                .as("no reachable target")
                .isEmpty();
        assertThat(routing.resolve("embed", "chat", Set.of("openai"), hello))
                .as("an embedding alias is no chat model")
                .isEmpty();
    }

    @Test
    void providerModelsAndBareNamesResolveToOneTarget() {
        assertThat(routing.resolve("anthropic/claude-opus-4-1", "chat", Set.of("anthropic"), hello)
                        .orElseThrow()
                        .targets())
                .containsExactly(new Target("anthropic", "claude-opus-4-1"));
        assertThat(routing.resolve("anthropic/claude-opus-4-1", "chat", Set.of("openai"), hello))
                .isEmpty();
        assertThat(routing.resolve("gpt-4.1-nano", "chat", Set.of("openai"), hello)
                        .orElseThrow()
                        .targets())
                .containsExactly(new Target("openai", "gpt-4.1-nano"));
        assertThat(routing.resolve("no-such-model", "chat", Set.of("openai"), hello))
                .isEmpty();
        assertThat(routing.resolve("/", "chat", Set.of("openai"), hello)).isEmpty();
    }

    @Test
    void autoClassifiesAndRoutesToTheTasksAlias() {
        var code = Requests.of("""
                {"model": "auto", "messages": [{"role": "user", "content": "Fix this Python function: ```def f(): retrun 1```"}]}""");
        var route = routing.resolve("auto", "chat", Set.of("anthropic", "google"), code)
                .orElseThrow();
        assertThat(route.task()).contains(Task.CODE);
        assertThat(route.alias()).isEqualTo("code");
        assertThat(TaskClassifier.classify(Requests.of("""
                {"model": "auto", "messages": [{"role": "user", "content": "Write a short poem about linen."}]}"""))).isEqualTo(Task.CREATIVE);
        assertThat(TaskClassifier.classify(Requests.of("""
                {"model": "auto", "messages": [{"role": "user", "content": "Compare these two plans and explain the trade-offs."}]}"""))).isEqualTo(Task.ANALYSIS);
        assertThat(TaskClassifier.classify(Requests.jsonSchema())).isEqualTo(Task.EXTRACTION);
        assertThat(TaskClassifier.classify(hello)).isEqualTo(Task.CHAT);
    }

    @Test
    void withNoProviderEveryKnownAliasAnswersOffline() {
        Set<String> offline = Set.of("offline");
        assertThat(routing.resolve("smart", "chat", offline, hello)
                        .orElseThrow()
                        .targets())
                .containsExactly(Routing.OFFLINE_TARGET);
        assertThat(routing.resolve("auto", "chat", offline, hello)).isPresent();
        assertThat(routing.resolve("embed", "embedding", offline, hello)).isPresent();
        assertThat(routing.resolve("gpt-4.1", "chat", offline, hello))
                .as("unknown here")
                .isEmpty();
    }

    @Test
    void aDeploymentsOwnRoutingDocumentReplacesTheBundledOne() {
        Routing own = Routing.parse("""
                {"version": "7", "aliases": {"house": {"targets": ["ollama/llama3.2", "openai/gpt-4.1-mini"], "cache": true}},
                 "auto": {"chat": "house"}}""");
        var route =
                own.resolve("auto", "chat", Set.of("ollama", "openai"), hello).orElseThrow();
        assertThat(route.targets()).extracting(Target::id).containsExactly("ollama/llama3.2", "openai/gpt-4.1-mini");
        assertThat(route.cache()).isTrue();
        assertThat(own.version()).isEqualTo("7");
    }

    @Test
    void costsPriceCachedAndReasoningTokensAtTheirOwnRates() {
        Prices prices = Prices.bundled();
        Target gpt = new Target("openai", "gpt-4.1");
        // 1000 prompt of which 600 cached, 500 completion of which 200 reasoning: 400*2 + 600*0.5 + 300*8 + 200*8.
        assertThat(prices.costMicros(gpt, new Usage(1000, 500, 600, 200))).isEqualTo(800 + 300 + 2400 + 1600);
        assertThat(prices.costMicros(new Target("ollama", "llama3.2"), new Usage(1000, 500, 0, 0)))
                .as("unpriced")
                .isZero();
        assertThat(prices.worstCaseMicros(List.of(gpt, new Target("anthropic", "claude-sonnet-4-5")), 100, 10))
                .as("the dearest target, nothing cached")
                .isEqualTo(100 * 3 + 10 * 15);
    }

    @Test
    void redactsWhatMustNotBeLogged() {
        String redacted =
                Redactor.redact("Mail jane.doe@example.com or call +33 6 12 34 56 78; card 4111 1111 1111 1111, "
                        + "order 1234567890123; key sk-proj-abcdefghijklmnopqrstu and AKIAIOSFODNN7EXAMPLE.");
        assertThat(redacted)
                .doesNotContain("jane.doe", "12 34 56", "4111", "abcdefghijklmnop", "AKIAIOSFODNN7EXAMPLE")
                .contains("[EMAIL]", "[PHONE]", "[CARD]", "[KEY]");
    }
}

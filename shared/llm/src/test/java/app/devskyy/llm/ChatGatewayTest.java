package app.devskyy.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.CircuitBreakers;
import app.devskyy.core.CircuitBreakers.Permit;
import app.devskyy.core.OutboundHttp;
import app.devskyy.core.testing.MutableClock;
import app.devskyy.core.testing.UpstashRestEndpoint;
import app.devskyy.core.upstash.UpstashClient;
import app.devskyy.llm.ChatGateway.Attempt;
import app.devskyy.llm.ChatGateway.GatewayException;
import app.devskyy.llm.providers.OpenAiCompatibleProvider;
import app.devskyy.llm.providers.ProviderHttp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fallback, retries, deadlines and circuit breakers, with two providers that speak OpenAI's wire
 * format on mock servers. Waits are recorded rather than slept.
 */
class ChatGatewayTest {

    private static final String OK = """
            {"id": "c", "object": "chat.completion", "created": 1, "model": "m",
             "choices": [{"index": 0, "message": {"role": "assistant", "content": "hello"}, "finish_reason": "stop"}],
             "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}}""";
    private static final List<Target> ROUTE = List.of(new Target("a", "model-a"), new Target("b", "model-b"));

    private final MockWebServer a = new MockWebServer();
    private final MockWebServer b = new MockWebServer();
    private final List<Duration> waits = new ArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    ChatGatewayTest() throws Exception {
        a.start();
        b.start();
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    private Map<String, ChatProvider> providers() {
        return Map.of("a", provider("a", a.url("/v1")), "b", provider("b", b.url("/v1")));
    }

    private static ChatProvider provider(String name, HttpUrl url) {
        return OpenAiCompatibleProvider.compatible(name, url, null, ProviderHttp.shared());
    }

    private ChatGateway gateway(CircuitBreakers breakers, ChatGateway.Policy policy) {
        return new ChatGateway(providers(), breakers, policy, Clock.systemUTC(), waits::add);
    }

    private ChatGateway gateway() {
        return gateway(
                new CircuitBreakers(
                        CircuitBreakers.inInstance(clock), 100, Duration.ofMinutes(1), Duration.ofSeconds(30)),
                ChatGateway.Policy.defaults());
    }

    private static void answer(MockWebServer server, int code, String body, String... headers) {
        MockResponse.Builder response = new MockResponse.Builder().code(code).body(body);
        for (int i = 0; i < headers.length; i += 2) {
            response.addHeader(headers[i], headers[i + 1]);
        }
        server.enqueue(response.build());
    }

    private static List<String> outcomes(List<Attempt> attempts) {
        return attempts.stream()
                .map(t -> t.target().provider() + ":" + t.outcome())
                .toList();
    }

    @Test
    void retriesThenFallsBackInOrderHonouringRetryAfter() throws Exception {
        answer(a, 503, "{\"error\":{\"message\":\"overloaded\"}}");
        answer(a, 502, "bad gateway");
        answer(b, 429, "{\"error\":{\"message\":\"slow down\"}}", "retry-after", "1");
        answer(b, 200, OK);
        var outcome = gateway().chat(ROUTE, Requests.simple());
        assertThat(outcome.target().provider()).isEqualTo("b");
        assertThat(outcome.result().text()).isEqualTo("hello");
        assertThat(outcomes(outcome.attempts()))
                .containsExactly("a:unavailable", "a:unavailable", "b:rate_limited", "b:ok");
        assertThat(waits).hasSize(2);
        assertThat(waits.get(0)).isBetween(Duration.ofMillis(1), Duration.ofMillis(250));
        assertThat(waits.get(1)).as("the provider's Retry-After").isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aRejectedRequestIsNotSentElsewhere() {
        answer(a, 400, "{\"error\":{\"message\":\"Invalid 'messages[0].content'\"}}");
        assertThatThrownBy(() -> gateway().chat(ROUTE, Requests.simple()))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("Invalid 'messages[0].content'");
                });
        assertThat(a.getRequestCount()).isEqualTo(1);
        assertThat(b.getRequestCount()).isZero();
    }

    @Test
    void aLongRetryAfterSendsTheCallToTheNextTargetAtOnce() throws Exception {
        answer(a, 429, "{\"error\":{\"message\":\"quota\"}}", "retry-after", "30");
        answer(b, 200, OK);
        assertThat(gateway().chat(ROUTE, Requests.simple()).target().provider()).isEqualTo("b");
        assertThat(a.getRequestCount()).isEqualTo(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void everyTargetRateLimitedIsA429WithTheProvidersDelay() {
        answer(a, 429, "{}", "retry-after", "20");
        answer(b, 429, "{}", "retry-after", "9");
        assertThatThrownBy(() -> gateway().chat(ROUTE, Requests.simple()))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(9));
                });
    }

    @Test
    void theOverallDeadlineHoldsWhenProvidersHang() {
        a.enqueue(new MockResponse.Builder()
                .body(OK)
                .headersDelay(5, TimeUnit.SECONDS)
                .build());
        b.enqueue(new MockResponse.Builder()
                .body(OK)
                .headersDelay(5, TimeUnit.SECONDS)
                .build());
        var policy = new ChatGateway.Policy(
                Duration.ofMillis(900), Duration.ofMillis(400), 1, Duration.ofMillis(10), Duration.ofSeconds(1));
        var gateway = gateway(
                new CircuitBreakers(
                        CircuitBreakers.inInstance(clock), 100, Duration.ofMinutes(1), Duration.ofSeconds(30)),
                policy);
        assertThatThrownBy(() -> gateway.chat(ROUTE, Requests.simple()))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(504);
                    assertThat(outcomes(e.attempts())).containsExactly("a:timeout", "b:timeout");
                });
    }

    @Test
    void anOpenCircuitSkipsItsProviderUntilAProbeSucceeds() throws Exception {
        var breakers = new CircuitBreakers(
                CircuitBreakers.inInstance(clock), 2, Duration.ofMinutes(1), Duration.ofSeconds(30));
        var policy = new ChatGateway.Policy(
                Duration.ofSeconds(10), Duration.ofSeconds(5), 1, Duration.ofMillis(10), Duration.ofSeconds(1));
        ChatGateway gateway = gateway(breakers, policy);
        for (int i = 0; i < 2; i++) {
            answer(a, 500, "{}");
            answer(b, 200, OK);
            gateway.chat(ROUTE, Requests.simple());
        }
        answer(b, 200, OK);
        var skipped = gateway.chat(ROUTE, Requests.simple());
        assertThat(outcomes(skipped.attempts())).containsExactly("a:circuit_open", "b:ok");
        assertThat(a.getRequestCount()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(31));
        answer(a, 200, OK);
        assertThat(gateway.chat(ROUTE, Requests.simple()).target().provider())
                .as("the half-open probe")
                .isEqualTo("a");
        answer(a, 200, OK);
        assertThat(breakers.check("a", Duration.ofSeconds(1))).isEqualTo(Permit.ALLOWED);
        assertThat(gateway.chat(ROUTE, Requests.simple()).target().provider()).isEqualTo("a");
    }

    @Test
    void everyCircuitOpenIsA503() {
        var breakers = new CircuitBreakers(
                CircuitBreakers.inInstance(clock), 1, Duration.ofMinutes(1), Duration.ofSeconds(30));
        breakers.failed("a", Permit.ALLOWED);
        breakers.failed("b", Permit.ALLOWED);
        assertThatThrownBy(
                        () -> gateway(breakers, ChatGateway.Policy.defaults()).chat(ROUTE, Requests.simple()))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
                });
        assertThat(a.getRequestCount() + b.getRequestCount()).isZero();
    }

    @Test
    void instancesShareABreakerThroughRedis() {
        try (UpstashRestEndpoint redis = UpstashRestEndpoint.start("breaker-token")) {
            UpstashClient upstash = new UpstashClient(HttpUrl.get(redis.url()), redis.token(), OutboundHttp.client());
            var first = new CircuitBreakers(
                    CircuitBreakers.upstash(upstash), 3, Duration.ofMinutes(1), Duration.ofSeconds(30));
            var second = new CircuitBreakers(
                    CircuitBreakers.upstash(upstash), 3, Duration.ofMinutes(1), Duration.ofSeconds(30));
            first.failed("openai", Permit.ALLOWED);
            second.failed("openai", Permit.ALLOWED);
            assertThat(first.check("openai", Duration.ofSeconds(5))).isEqualTo(Permit.ALLOWED);
            first.failed("openai", Permit.ALLOWED);
            assertThat(second.check("openai", Duration.ofSeconds(5)))
                    .as("opened by the other instance")
                    .isEqualTo(Permit.REFUSED);
            assertThat(redis.redis("PTTL", "cb:openai:open").asLong()).isBetween(1L, 30_000L);

            redis.redis("DEL", "cb:openai:open"); // the cool-down has passed
            assertThat(second.check("openai", Duration.ofSeconds(5))).isEqualTo(Permit.PROBE);
            assertThat(first.check("openai", Duration.ofSeconds(5)))
                    .as("one probe at a time")
                    .isEqualTo(Permit.REFUSED);
            second.succeeded("openai", Permit.PROBE);
            assertThat(first.check("openai", Duration.ofSeconds(5))).isEqualTo(Permit.ALLOWED);
        }
    }
}

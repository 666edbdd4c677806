package app.devskyy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.OutboundHttp;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.config.Config;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.ratelimit.Decision;
import app.devskyy.core.ratelimit.DynamoDbRateLimiter;
import app.devskyy.core.ratelimit.Limit;
import app.devskyy.core.ratelimit.RateLimiter;
import app.devskyy.core.ratelimit.RateLimits;
import app.devskyy.core.ratelimit.UpstashRateLimiter;
import app.devskyy.core.testing.EmbeddedDynamoDb;
import app.devskyy.core.testing.Events;
import app.devskyy.core.testing.UpstashRestEndpoint;
import app.devskyy.core.upstash.UpstashClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Both rate limiters against their real stores: Upstash (a real redis-server behind the REST
 * protocol) and DynamoDB (DynamoDB Local with the template's table).
 */
class RateLimiterTest {

    static UpstashRestEndpoint upstash;
    static EmbeddedDynamoDb dynamo;
    static DynamoDbClient dynamoDb;

    @BeforeAll
    static void start() throws Exception {
        upstash = UpstashRestEndpoint.start("AXrl");
        dynamo = EmbeddedDynamoDb.start(null);
        dynamoDb = new AwsClients(Config.of(Map.of(
                        "DEVSKYY_ENV",
                        "local",
                        "AWS_REGION",
                        "us-east-1",
                        "AWS_ENDPOINT_URL_DYNAMODB",
                        dynamo.endpoint().toString())))
                .dynamoDb();
        dynamo.createTables(
                dynamoDb,
                SamTemplate.load(Events.repositoryRoot().resolve("template.yaml"))
                        .tables());
    }

    @AfterAll
    static void stop() {
        upstash.close();
        dynamoDb.close();
        dynamo.close();
    }

    static Stream<RateLimiter> limiters() {
        return Stream.of(
                new UpstashRateLimiter(
                        new UpstashClient(HttpUrl.get(upstash.url()), upstash.token(), OutboundHttp.client())),
                new DynamoDbRateLimiter(dynamoDb, "RateLimitTable", Clock.systemUTC()));
    }

    private static String uniqueKey() {
        return "203.0.113." + System.nanoTime();
    }

    @ParameterizedTest
    @MethodSource("limiters")
    void admitsTheAllowanceThenRefusesWithARetryAfter(RateLimiter limiter) throws Exception {
        Limit limit = new Limit("login-ip", 5, Duration.ofHours(1));
        String key = uniqueKey();
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.acquire(limit, key).allowed())
                    .as("request " + (i + 1))
                    .isTrue();
        }
        Decision refused = limiter.acquire(limit, key);
        assertThat(refused.allowed()).isFalse();
        // The next slot opens one emission interval (12 minutes) after the burst.
        assertThat(refused.retryAfter())
                .isGreaterThan(Duration.ofMinutes(11))
                .isLessThanOrEqualTo(Duration.ofMinutes(12));
        assertThat(refused.retryAfterSeconds()).isBetween(11 * 60, 12 * 60);
    }

    @ParameterizedTest
    @MethodSource("limiters")
    void keysAndLimitsAreCountedApart(RateLimiter limiter) throws Exception {
        Limit one = new Limit("signup-ip", 1, Duration.ofHours(1));
        Limit other = new Limit("refresh-session", 1, Duration.ofHours(1));
        String key = uniqueKey();
        assertThat(limiter.acquire(one, key).allowed()).isTrue();
        assertThat(limiter.acquire(one, key).allowed()).isFalse();
        assertThat(limiter.acquire(one, uniqueKey()).allowed()).isTrue();
        assertThat(limiter.acquire(other, key).allowed()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("limiters")
    void severalLimitsAreDecidedTogether(RateLimiter limiter) throws Exception {
        Limit requests = new Limit("llm-rpm", 3, Duration.ofHours(1));
        Limit tokens = new Limit("llm-tpm", 1_000, Duration.ofHours(1));
        String key = uniqueKey();
        List<RateLimiter.Count> small =
                List.of(new RateLimiter.Count(requests, key, 1), new RateLimiter.Count(tokens, key, 400));
        assertThat(limiter.acquireAll(small).allowed()).isTrue();
        assertThat(limiter.acquireAll(small).allowed()).isTrue();
        // 800 of 1,000 tokens are taken: 400 more are refused, and the wait is the tokens' (the longer one).
        Decision refused = limiter.acquireAll(small);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isGreaterThan(Duration.ofMinutes(11));
        // A count beyond a limit's whole allowance is refused at once, whatever the others.
        assertThat(limiter.acquireAll(List.of(
                                new RateLimiter.Count(requests, uniqueKey(), 1),
                                new RateLimiter.Count(tokens, uniqueKey(), 1_001)))
                        .allowed())
                .isFalse();
    }

    @Test
    void onUpstashARequestRefusedByOneLimitCountsAgainstNone() throws Exception {
        RateLimiter limiter = limiters().findFirst().orElseThrow();
        Limit requests = new Limit("llm-rpm", 2, Duration.ofHours(1));
        Limit tokens = new Limit("llm-tpm", 1_000, Duration.ofHours(1));
        String key = uniqueKey();
        assertThat(limiter.acquireAll(List.of(
                                new RateLimiter.Count(requests, key, 1), new RateLimiter.Count(tokens, key, 900)))
                        .allowed())
                .isTrue();
        // Refused by the tokens: the request is not counted, so one small request still fits, then none.
        assertThat(limiter.acquireAll(List.of(
                                new RateLimiter.Count(requests, key, 1), new RateLimiter.Count(tokens, key, 900)))
                        .allowed())
                .isFalse();
        assertThat(limiter.acquireAll(List.of(
                                new RateLimiter.Count(requests, key, 1), new RateLimiter.Count(tokens, key, 50)))
                        .allowed())
                .isTrue();
        assertThat(limiter.acquire(requests, key).allowed()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("limiters")
    void concurrentRequestsNeverExceedTheAllowance(RateLimiter limiter) throws Exception {
        Limit limit = new Limit("login-account", 10, Duration.ofHours(1));
        String key = uniqueKey();
        List<Callable<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            attempts.add(() -> limiter.acquire(limit, key).allowed());
        }
        int admitted = 0;
        try (var executor = Executors.newFixedThreadPool(8)) {
            for (Future<Boolean> attempt : executor.invokeAll(attempts)) {
                admitted += attempt.get() ? 1 : 0;
            }
        }
        assertThat(admitted).isEqualTo(10);
    }

    @Test
    void keysAreNotStoredInTheClear() {
        String storage = RateLimiter.storageKey(Limit.perMinute("login-ip", 10), "198.51.100.7");
        assertThat(storage).startsWith("rl:login-ip:").doesNotContain("198.51.100.7");
    }

    @Test
    void anUnreachableStoreFailsOpenOrClosedAsTheCallerSays() {
        RateLimiter unreachable = new UpstashRateLimiter(
                new UpstashClient(HttpUrl.get("http://127.0.0.1:1/"), "t", OutboundHttp.client()));
        RateLimits limits = new RateLimits(unreachable);
        Limit limit = Limit.perMinute("login-ip", 10);
        limits.enforce(limit, "198.51.100.7", RateLimits.FailurePolicy.OPEN);
        assertThatThrownBy(() -> limits.enforce(limit, "198.51.100.7", RateLimits.FailurePolicy.CLOSED))
                .isInstanceOfSatisfying(ApiProblem.class, p -> {
                    assertThat(p.status()).isEqualTo(503);
                    assertThat(p.headers()).containsKey("retry-after");
                });
    }

    @Test
    void anExhaustedLimitIsA429WithRetryAfter() {
        RateLimits limits = new RateLimits(new DynamoDbRateLimiter(dynamoDb, "RateLimitTable", Clock.systemUTC()));
        Limit limit = new Limit("signup-ip", 1, Duration.ofMinutes(1));
        String key = uniqueKey();
        limits.enforce(limit, key, RateLimits.FailurePolicy.CLOSED);
        assertThatThrownBy(() -> limits.enforce(limit, key, RateLimits.FailurePolicy.CLOSED))
                .isInstanceOfSatisfying(ApiProblem.class, p -> {
                    assertThat(p.status()).isEqualTo(429);
                    assertThat(Integer.parseInt(p.headers().get("retry-after"))).isBetween(1, 60);
                });
    }
}

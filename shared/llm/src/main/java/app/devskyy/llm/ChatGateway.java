package app.devskyy.llm;

import app.devskyy.core.CircuitBreakers;
import app.devskyy.core.CircuitBreakers.Permit;
import app.devskyy.llm.ProviderException.Kind;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends a request down a route's targets in order until one answers: retries a target on 429,
 * 5xx, timeouts and connection errors with jittered exponential backoff (or the provider's
 * {@code Retry-After}, when it fits), falls back to the next target when retrying does not help,
 * skips targets whose circuit is open, and never runs past the overall deadline (inside API
 * Gateway's 30 s). A request the provider rejects as malformed (400-class) is not sent elsewhere:
 * every provider would reject it.
 */
public final class ChatGateway {

    /**
     * @param overall the whole call, all attempts and waits included
     * @param perAttempt one provider call at most
     * @param attemptsPerTarget tries of one target before falling back
     * @param backoff the first retry's wait; doubled per retry, with full jitter
     * @param longestWait a provider's {@code Retry-After} beyond this sends the call to the next target instead
     */
    public record Policy(
            Duration overall, Duration perAttempt, int attemptsPerTarget, Duration backoff, Duration longestWait) {

        /** API Gateway cuts at 30 s: 25 s leaves room for accounting and the answer. */
        public static Policy defaults() {
            return new Policy(
                    Duration.ofSeconds(25), Duration.ofSeconds(20), 2, Duration.ofMillis(250), Duration.ofSeconds(4));
        }
    }

    /** What happened to one attempt: {@code ok}, a failure kind in lower case, or {@code circuit_open}. */
    public record Attempt(Target target, String outcome, long millis) {}

    /** The answer, the target that gave it, and every attempt on the way. */
    public record Outcome<T>(T result, Target target, List<Attempt> attempts, long latencyMillis) {}

    /** A provider call, for chat or embeddings. */
    @FunctionalInterface
    public interface Call<T> {
        T run(ChatProvider provider, String model, Duration timeout) throws ProviderException;
    }

    /** No target answered; {@link #status()} is what the caller should be told. */
    public static final class GatewayException extends Exception {
        private final int status;
        private final Duration retryAfter;
        private final List<Attempt> attempts;

        GatewayException(int status, String message, Duration retryAfter, List<Attempt> attempts) {
            super(message, null, false, false);
            this.status = status;
            this.retryAfter = retryAfter;
            this.attempts = List.copyOf(attempts);
        }

        /** 400 (rejected), 429 (every target rate limited), 503 (every circuit open), 504 (deadline), 502 (failed). */
        public int status() {
            return status;
        }

        public Optional<Duration> retryAfter() {
            return Optional.ofNullable(retryAfter);
        }

        public List<Attempt> attempts() {
            return attempts;
        }
    }

    /** Waits between attempts; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private static final Duration SHORTEST_ATTEMPT = Duration.ofMillis(200);

    private final Map<String, ChatProvider> providers;
    private final CircuitBreakers breakers;
    private final Policy policy;
    private final Clock clock;
    private final Sleeper sleeper;

    public ChatGateway(
            Map<String, ChatProvider> providers,
            CircuitBreakers breakers,
            Policy policy,
            Clock clock,
            Sleeper sleeper) {
        this.providers = Map.copyOf(providers);
        this.breakers = breakers;
        this.policy = policy;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    public ChatGateway(Map<String, ChatProvider> providers, CircuitBreakers breakers, Policy policy) {
        this(providers, breakers, policy, Clock.systemUTC(), d -> Thread.sleep(d));
    }

    public Set<String> reachableProviders() {
        return providers.keySet();
    }

    public Outcome<ChatResult> chat(List<Target> targets, ChatRequest request) throws GatewayException {
        return call(targets, (provider, model, timeout) -> provider.chat(request, model, timeout));
    }

    public Outcome<EmbeddingResult> embed(List<Target> targets, List<String> inputs, Integer dimensions)
            throws GatewayException {
        return call(targets, (provider, model, timeout) -> provider.embed(inputs, model, dimensions, timeout));
    }

    public <T> Outcome<T> call(List<Target> targets, Call<T> call) throws GatewayException {
        long start = clock.millis();
        long deadline = start + policy.overall().toMillis();
        List<Attempt> attempts = new ArrayList<>();
        ProviderException last = null;
        boolean deadlineReached = false;
        targets:
        for (Target target : targets) {
            ChatProvider provider = providers.get(target.provider());
            for (int attempt = 1; attempt <= policy.attemptsPerTarget(); attempt++) {
                long remaining = deadline - clock.millis();
                if (remaining < SHORTEST_ATTEMPT.toMillis()) {
                    deadlineReached = true;
                    break targets;
                }
                Duration timeout =
                        Duration.ofMillis(Math.min(policy.perAttempt().toMillis(), remaining));
                Permit permit = breakers.check(target.provider(), timeout);
                if (permit == Permit.REFUSED) {
                    attempts.add(new Attempt(target, "circuit_open", 0));
                    continue targets;
                }
                long began = clock.millis();
                try {
                    T result = call.run(provider, target.model(), timeout);
                    breakers.succeeded(target.provider(), permit);
                    attempts.add(new Attempt(target, "ok", clock.millis() - began));
                    return new Outcome<>(result, target, attempts, clock.millis() - start);
                } catch (ProviderException failure) {
                    attempts.add(new Attempt(
                            target, failure.kind().name().toLowerCase(Locale.ROOT), clock.millis() - began));
                    last = failure;
                    if (failure.kind().countsAsFailure()) {
                        breakers.failed(target.provider(), permit);
                    } else {
                        breakers.succeeded(target.provider(), permit);
                    }
                    if (failure.kind() == Kind.REJECTED) {
                        throw new GatewayException(400, failure.getMessage(), null, attempts);
                    }
                    if (!failure.kind().retryable() || attempt == policy.attemptsPerTarget()) {
                        continue targets;
                    }
                    Duration wait = failure.retryAfter().orElseGet(() -> backoff(attempts.size()));
                    if (wait.compareTo(policy.longestWait()) > 0
                            || clock.millis() + wait.toMillis() + SHORTEST_ATTEMPT.toMillis() > deadline) {
                        continue targets;
                    }
                    try {
                        sleeper.sleep(wait);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        break targets;
                    }
                }
            }
        }
        throw failure(attempts, last, deadlineReached);
    }

    /** Full jitter: anywhere up to the doubled base, never zero. */
    private Duration backoff(int attempt) {
        long ceiling = policy.backoff().toMillis() << Math.min(6, Math.max(0, attempt - 1));
        return Duration.ofMillis(1 + ThreadLocalRandom.current().nextLong(Math.max(1, ceiling)));
    }

    private GatewayException failure(List<Attempt> attempts, ProviderException last, boolean deadlineReached) {
        boolean allOpen = !attempts.isEmpty()
                && attempts.stream().allMatch(a -> a.outcome().equals("circuit_open"));
        if (allOpen) {
            return new GatewayException(
                    503, "Every provider for this model is failing; retry shortly.", breakers.coolDown(), attempts);
        }
        if (deadlineReached || (last != null && last.kind() == Kind.TIMEOUT)) {
            return new GatewayException(504, "No provider answered in time.", null, attempts);
        }
        boolean allLimited = attempts.stream()
                .filter(a -> !a.outcome().equals("circuit_open"))
                .allMatch(a -> a.outcome().equals("rate_limited"));
        if (allLimited && last != null) {
            return new GatewayException(
                    429,
                    "Every provider for this model is rate limiting; retry later.",
                    last.retryAfter().orElse(Duration.ofSeconds(1)),
                    attempts);
        }
        return new GatewayException(
                502,
                "No provider could answer: " + (last == null ? "none reachable" : last.getMessage()),
                null,
                attempts);
    }
}

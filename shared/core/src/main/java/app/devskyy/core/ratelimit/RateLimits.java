package app.devskyy.core.ratelimit;

import app.devskyy.core.config.Config;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.upstash.UpstashClient;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Applies limits to requests: 429 with {@code Retry-After} when a limit is exhausted, and the
 * caller's stated policy when the store is unreachable.
 */
public final class RateLimits {

    /** The rate-limit table, declared free of personal data for the registry. */
    public static final Map<String, String> FREE_OF_PERSONAL_DATA = Map.of(
            "RateLimitTable",
            "one-way hashes of limit keys and arrival times, gone by TTL within each limit's period; nothing to find by person");

    /** What to do when the limiter's store cannot be reached. */
    public enum FailurePolicy {
        /** Admit the request: availability wins, some other control (a lockout, say) still holds. */
        OPEN,
        /** Refuse with 503 and {@code Retry-After}: the limit is the only protection. */
        CLOSED
    }

    private static final Logger LOG = LoggerFactory.getLogger(RateLimits.class);

    private final RateLimiter limiter;

    public RateLimits(RateLimiter limiter) {
        this.limiter = limiter;
    }

    /**
     * Upstash when the deployment configures it, otherwise DynamoDB ({@code RATE_LIMIT_TABLE},
     * the local default).
     */
    public static RateLimits fromConfig(Config config, DynamoDbClient dynamoDb) {
        RateLimiter limiter = UpstashClient.fromConfig(config)
                .<RateLimiter>map(UpstashRateLimiter::new)
                .orElseGet(() -> new DynamoDbRateLimiter(
                        dynamoDb, config.required("RATE_LIMIT_TABLE", "RateLimitTable"), Clock.systemUTC()));
        return new RateLimits(limiter);
    }

    /** Counts one request; throws the 429 (or 503) problem when it must not proceed. */
    public void enforce(Limit limit, String key, FailurePolicy policy) {
        enforce(limit, key, 1, policy);
    }

    /** Counts {@code units} at once (tokens per minute); the 429 (or 503) problem when they do not fit. */
    public void enforce(Limit limit, String key, int units, FailurePolicy policy) {
        enforceAll(List.of(new RateLimiter.Count(limit, key, units)), policy);
    }

    /**
     * Counts several limits in one decision ({@link RateLimiter#acquireAll}: one script on Upstash);
     * the 429 (or 503) problem when any of them is exhausted.
     */
    public void enforceAll(List<RateLimiter.Count> counts, FailurePolicy policy) {
        Decision decision = decide(counts, policy);
        if (!decision.allowed()) {
            throw ApiProblem.tooManyRequests(decision.retryAfterSeconds());
        }
    }

    /**
     * Counts one request and says whether it may proceed, for callers that must answer the same
     * either way (a password-reset request reveals nothing, not even being limited).
     */
    public boolean allows(Limit limit, String key, FailurePolicy policy) {
        return decide(List.of(new RateLimiter.Count(limit, key, 1)), policy).allowed();
    }

    private Decision decide(List<RateLimiter.Count> counts, FailurePolicy policy) {
        try {
            return limiter.acquireAll(counts);
        } catch (RateLimiter.StoreUnavailableException e) {
            return unavailable(counts.getFirst().limit(), policy);
        }
    }

    private static Decision unavailable(Limit limit, FailurePolicy policy) {
        LOG.warn("rate limit {} not checked, store unavailable; failing {}", limit.name(), policy);
        if (policy == FailurePolicy.CLOSED) {
            throw ApiProblem.serviceUnavailable("Please retry shortly.", 5);
        }
        return Decision.allow();
    }
}

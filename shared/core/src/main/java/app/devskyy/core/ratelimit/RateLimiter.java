package app.devskyy.core.ratelimit;

import app.devskyy.core.crypto.Digests;
import java.util.List;

/**
 * Counts requests against a {@link Limit}, atomically across all function instances.
 * Implementations: {@link UpstashRateLimiter} (a Lua script on Upstash Redis) and
 * {@link DynamoDbRateLimiter} (conditional writes), the local default.
 */
public interface RateLimiter {

    /**
     * Counts one request for {@code key} (an IP address, a user id, ...).
     *
     * @throws StoreUnavailableException when the store cannot be reached: the caller applies its
     *         failure policy, see {@link RateLimits}
     */
    default Decision acquire(Limit limit, String key) throws StoreUnavailableException {
        return acquire(limit, key, 1);
    }

    /**
     * Counts {@code units} at once (tokens against a tokens-per-minute limit, say); refused when
     * they do not fit in the allowance, which is never the case for more units than the limit has.
     *
     * @throws StoreUnavailableException as above
     */
    Decision acquire(Limit limit, String key, int units) throws StoreUnavailableException;

    /** {@code units} counted against {@code limit} for {@code key}: one part of {@link #acquireAll}. */
    record Count(Limit limit, String key, int units) {}

    /**
     * Counts several limits in one decision (a request's rate and its tokens' rate): refused when
     * any of them is, with the longest wait. Where the store can decide them together (Upstash, one
     * script), a refused request counts against none; otherwise each is counted on its own, at the
     * same time.
     *
     * @throws StoreUnavailableException as above
     */
    Decision acquireAll(List<Count> counts) throws StoreUnavailableException;

    /**
     * The storage key: the limit's name and a hash of the caller's key, so that IP addresses and
     * account ids are not stored in the clear in the limiter's store.
     */
    static String storageKey(Limit limit, String key) {
        return "rl:" + limit.name() + ":" + Digests.sha256(key).substring(0, 22);
    }

    /** The limiter's store did not answer. */
    final class StoreUnavailableException extends Exception {
        public StoreUnavailableException(Throwable cause) {
            super("rate limiter store unavailable: " + cause.getClass().getSimpleName(), cause, false, false);
        }
    }
}

package app.devskyy.core.ratelimit;

import app.devskyy.core.upstash.UpstashClient;
import java.io.IOException;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * GCRA in one Lua script on Upstash Redis: read the key's theoretical arrival time, decide, and
 * write it back, atomically. The clock is Redis's own ({@code TIME}), so instances with skewed
 * clocks still agree.
 */
public final class UpstashRateLimiter implements RateLimiter {

    /** KEYS[1] = key; ARGV[1] = emission interval ms (times the units counted), ARGV[2] = period ms. Returns {allowed, retryAfterMs}. */
    static final String SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local interval = tonumber(ARGV[1])
            local period = tonumber(ARGV[2])
            local tat = tonumber(redis.call('GET', KEYS[1]) or now)
            if tat < now then tat = now end
            local next_tat = tat + interval
            local allow_at = next_tat - period
            if now < allow_at then
              return {0, allow_at - now}
            end
            redis.call('SET', KEYS[1], next_tat, 'PX', next_tat - now)
            return {1, 0}
            """;

    private final UpstashClient upstash;

    public UpstashRateLimiter(UpstashClient upstash) {
        this.upstash = upstash;
    }

    @Override
    public Decision acquire(Limit limit, String key, int units) throws StoreUnavailableException {
        if (units > limit.requests()) {
            return Decision.deny(limit.period().toMillis());
        }
        JsonNode result;
        try {
            result = upstash.eval(
                    SCRIPT,
                    List.of(RateLimiter.storageKey(limit, key)),
                    List.of(
                            Long.toString(limit.intervalMillis(Math.max(1, units))),
                            Long.toString(limit.period().toMillis())));
        } catch (IOException e) {
            throw new StoreUnavailableException(e);
        }
        return result.get(0).asLong() == 1
                ? Decision.allow()
                : Decision.deny(result.get(1).asLong());
    }
}

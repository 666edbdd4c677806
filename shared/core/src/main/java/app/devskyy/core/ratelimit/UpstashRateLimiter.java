package app.devskyy.core.ratelimit;

import app.devskyy.core.upstash.UpstashClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * GCRA in one Lua script on Upstash Redis: read each key's theoretical arrival time, decide, and
 * write them back, atomically; a request refused by one limit counts against none. The clock is
 * Redis's own ({@code TIME}), so instances with skewed clocks still agree.
 */
public final class UpstashRateLimiter implements RateLimiter {

    /**
     * KEYS = the limits' keys; ARGV = for each key, its emission interval ms (times the units
     * counted) and its period ms. Returns {allowed, retryAfterMs}: the longest wait of those refused.
     */
    static final String SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local next_tats = {}
            local wait = 0
            for i, key in ipairs(KEYS) do
              local interval = tonumber(ARGV[2 * i - 1])
              local period = tonumber(ARGV[2 * i])
              local tat = tonumber(redis.call('GET', key) or now)
              if tat < now then tat = now end
              next_tats[i] = tat + interval
              local allow_at = next_tats[i] - period
              if now < allow_at and allow_at - now > wait then wait = allow_at - now end
            end
            if wait > 0 then
              return {0, wait}
            end
            for i, key in ipairs(KEYS) do
              redis.call('SET', key, next_tats[i], 'PX', next_tats[i] - now)
            end
            return {1, 0}
            """;

    private final UpstashClient upstash;

    public UpstashRateLimiter(UpstashClient upstash) {
        this.upstash = upstash;
    }

    @Override
    public Decision acquire(Limit limit, String key, int units) throws StoreUnavailableException {
        return acquireAll(List.of(new Count(limit, key, units)));
    }

    @Override
    public Decision acquireAll(List<Count> counts) throws StoreUnavailableException {
        List<String> keys = new ArrayList<>();
        List<String> arguments = new ArrayList<>();
        long tooMany = 0;
        for (Count count : counts) {
            if (count.units() > count.limit().requests()) {
                tooMany = Math.max(tooMany, count.limit().period().toMillis());
            }
            keys.add(RateLimiter.storageKey(count.limit(), count.key()));
            arguments.add(Long.toString(count.limit().intervalMillis(Math.max(1, count.units()))));
            arguments.add(Long.toString(count.limit().period().toMillis()));
        }
        if (tooMany > 0) {
            return Decision.deny(tooMany);
        }
        JsonNode result;
        try {
            result = upstash.eval(SCRIPT, keys, arguments);
        } catch (IOException e) {
            throw new StoreUnavailableException(e);
        }
        return result.get(0).asLong() == 1
                ? Decision.allow()
                : Decision.deny(result.get(1).asLong());
    }
}

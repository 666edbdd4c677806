package app.devskyy.core;

import app.devskyy.core.upstash.UpstashClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One circuit breaker per outbound dependency (an LLM provider, a tool of a workspace, a payment
 * provider's API). Closed, it counts the dependency's failures (5xx, timeouts, connection errors)
 * in a window; {@code threshold} of them open it for {@code coolDown}, during which calls are
 * skipped; then it is half-open: one caller probes, and the probe's outcome closes it or opens it
 * again. The state lives in Redis (Upstash) where configured, so that every instance of the
 * function sees an outage at once; otherwise in the instance. A breaker whose store cannot be
 * reached lets calls through (fail open): it protects, it must not block.
 */
public final class CircuitBreakers {

    /** What the breaker says about one call. */
    public enum Permit {
        /** Closed: go ahead. */
        ALLOWED,
        /** Half-open, and this call is the probe. */
        PROBE,
        /** Open, or half-open with a probe under way: skip the provider. */
        REFUSED
    }

    /** The few operations the breaker needs from its store, with expiry on every key. */
    public interface Store {
        /** Whether {@code open} and {@code tripped} exist, and the failure count. */
        long[] read(String open, String tripped, String failures) throws IOException;

        boolean setIfAbsent(String key, Duration ttl) throws IOException;

        long increment(String key, Duration ttl) throws IOException;

        void set(String key, Duration ttl) throws IOException;

        void delete(List<String> keys) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreakers.class);

    private final Store store;
    private final int threshold;
    private final Duration window;
    private final Duration coolDown;

    public CircuitBreakers(Store store, int threshold, Duration window, Duration coolDown) {
        this.store = store;
        this.threshold = threshold;
        this.window = window;
        this.coolDown = coolDown;
    }

    private static String key(String provider, String part) {
        return "cb:" + provider + ":" + part;
    }

    /** May a call to {@code provider} go ahead? {@code probeTime} bounds how long a probe holds the half-open state. */
    public Permit check(String provider, Duration probeTime) {
        try {
            long[] state = store.read(key(provider, "open"), key(provider, "tripped"), key(provider, "failures"));
            if (state[0] == 1) {
                return Permit.REFUSED;
            }
            if (state[1] == 1) {
                return store.setIfAbsent(key(provider, "probe"), probeTime) ? Permit.PROBE : Permit.REFUSED;
            }
            return Permit.ALLOWED;
        } catch (IOException unavailable) {
            LOG.warn("circuit breaker store unavailable for {}; failing open", provider);
            return Permit.ALLOWED;
        }
    }

    /** The provider answered (even with a 4xx: it is up). */
    public void succeeded(String provider, Permit permit) {
        try {
            if (permit == Permit.PROBE) {
                store.delete(List.of(key(provider, "tripped"), key(provider, "probe"), key(provider, "failures")));
                LOG.info("circuit for {} closed after a successful probe", provider);
            }
        } catch (IOException unavailable) {
            LOG.warn("circuit breaker store unavailable for {}", provider);
        }
    }

    /** The provider failed (5xx, timeout, connection). */
    public void failed(String provider, Permit permit) {
        try {
            if (permit == Permit.PROBE || store.increment(key(provider, "failures"), window) >= threshold) {
                store.set(key(provider, "open"), coolDown);
                // "tripped" outlives "open": once open expires, the provider is half-open until a probe succeeds.
                store.set(key(provider, "tripped"), coolDown.multipliedBy(20));
                store.delete(List.of(key(provider, "probe"), key(provider, "failures")));
                LOG.warn("circuit for {} opened for {} s", provider, coolDown.toSeconds());
            }
        } catch (IOException unavailable) {
            LOG.warn("circuit breaker store unavailable for {}", provider);
        }
    }

    /** How long an open breaker stays open: the {@code Retry-After} when every provider is skipped. */
    public Duration coolDown() {
        return coolDown;
    }

    /** How long an instance reuses a reading of a closed breaker from a shared store. */
    static final Duration CLOSED_READING_REUSED = Duration.ofSeconds(1);

    /**
     * The breakers' state on Upstash Redis, shared by every instance. A closed reading is reused
     * for {@link #CLOSED_READING_REUSED}, so that a call does not wait for Redis before its
     * provider (docs/performance.md): an outage seen by other instances reaches this one within a
     * second, and this instance's own failures are counted in Redis at once.
     */
    public static Store upstash(UpstashClient upstash) {
        return closedReadingsReused(redis(upstash), CLOSED_READING_REUSED);
    }

    /** Reuses a reading without {@code open} or {@code tripped} for {@code reuse}; any write of this instance drops them all. */
    static Store closedReadingsReused(Store store, Duration reuse) {
        return new Store() {
            private final Map<String, Long> closedUntil = new ConcurrentHashMap<>();

            @Override
            public long[] read(String open, String tripped, String failures) throws IOException {
                Long until = closedUntil.get(open);
                if (until != null && until - System.nanoTime() > 0) {
                    return new long[] {0, 0, 0};
                }
                long[] state = store.read(open, tripped, failures);
                if (state[0] == 0 && state[1] == 0) {
                    closedUntil.put(open, System.nanoTime() + reuse.toNanos());
                } else {
                    closedUntil.remove(open);
                }
                return state;
            }

            @Override
            public boolean setIfAbsent(String key, Duration ttl) throws IOException {
                closedUntil.clear();
                return store.setIfAbsent(key, ttl);
            }

            @Override
            public long increment(String key, Duration ttl) throws IOException {
                closedUntil.clear();
                return store.increment(key, ttl);
            }

            @Override
            public void set(String key, Duration ttl) throws IOException {
                closedUntil.clear();
                store.set(key, ttl);
            }

            @Override
            public void delete(List<String> keys) throws IOException {
                closedUntil.clear();
                store.delete(keys);
            }
        };
    }

    private static Store redis(UpstashClient upstash) {
        return new Store() {
            @Override
            public long[] read(String open, String tripped, String failures) throws IOException {
                var answers = upstash.pipeline(
                        List.of(List.of("EXISTS", open), List.of("EXISTS", tripped), List.of("GET", failures)));
                return new long[] {
                    answers.get(0).asLong(),
                    answers.get(1).asLong(),
                    answers.get(2).isNull() ? 0 : Long.parseLong(answers.get(2).asString())
                };
            }

            @Override
            public boolean setIfAbsent(String key, Duration ttl) throws IOException {
                return !upstash.command("SET", key, "1", "NX", "PX", Long.toString(ttl.toMillis()))
                        .isNull();
            }

            @Override
            public long increment(String key, Duration ttl) throws IOException {
                // The window starts with the first failure: SET NX gives the key its expiry, INCR keeps it.
                var answers = upstash.pipeline(List.of(
                        List.of("SET", key, "0", "NX", "PX", Long.toString(ttl.toMillis())), List.of("INCR", key)));
                return answers.get(1).asLong();
            }

            @Override
            public void set(String key, Duration ttl) throws IOException {
                upstash.command("SET", key, "1", "PX", Long.toString(ttl.toMillis()));
            }

            @Override
            public void delete(List<String> keys) throws IOException {
                String[] command = new String[keys.size() + 1];
                command[0] = "DEL";
                for (int i = 0; i < keys.size(); i++) {
                    command[i + 1] = keys.get(i);
                }
                upstash.command(command);
            }
        };
    }

    /** The breakers' state in this instance only: each instance learns of an outage by itself. */
    public static Store inInstance(Clock clock) {
        return new Store() {
            private final Map<String, long[]> entries = new ConcurrentHashMap<>();

            private long[] live(String key) {
                long[] entry = entries.get(key);
                if (entry != null && entry[1] <= clock.millis()) {
                    entries.remove(key, entry);
                    return null;
                }
                return entry;
            }

            @Override
            public synchronized long[] read(String open, String tripped, String failures) {
                long[] count = live(failures);
                return new long[] {
                    live(open) == null ? 0 : 1, live(tripped) == null ? 0 : 1, count == null ? 0 : count[0]
                };
            }

            @Override
            public synchronized boolean setIfAbsent(String key, Duration ttl) {
                if (live(key) != null) {
                    return false;
                }
                entries.put(key, new long[] {1, clock.millis() + ttl.toMillis()});
                return true;
            }

            @Override
            public synchronized long increment(String key, Duration ttl) {
                long[] entry = live(key);
                long[] next = entry == null
                        ? new long[] {1, clock.millis() + ttl.toMillis()}
                        : new long[] {entry[0] + 1, entry[1]};
                entries.put(key, next);
                return next[0];
            }

            @Override
            public synchronized void set(String key, Duration ttl) {
                entries.put(key, new long[] {1, clock.millis() + ttl.toMillis()});
            }

            @Override
            public synchronized void delete(List<String> keys) {
                keys.forEach(entries::remove);
            }
        };
    }
}

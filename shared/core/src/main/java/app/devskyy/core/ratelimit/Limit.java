package app.devskyy.core.ratelimit;

import java.time.Duration;

/**
 * A rate limit: at most {@code requests} per {@code period} for one key, such as "login attempts
 * per IP address: 10 a minute". Bursts up to the full allowance are accepted; after that, requests
 * are admitted at the steady rate (GCRA).
 *
 * @param name a short identifier, part of the storage key ({@code login-ip})
 */
public record Limit(String name, int requests, Duration period) {

    public Limit {
        if (requests < 1 || period.isNegative() || period.isZero() || !name.matches("[a-z0-9-]{1,32}")) {
            throw new IllegalArgumentException("invalid limit " + name);
        }
    }

    public static Limit perMinute(String name, int requests) {
        return new Limit(name, requests, Duration.ofMinutes(1));
    }

    /** The spacing between admitted requests at the steady rate, in milliseconds. */
    long intervalMillis() {
        return intervalMillis(1);
    }

    /** The spacing that {@code units} counted at once take up (computed whole, so large limits stay exact). */
    long intervalMillis(int units) {
        return Math.max(1, period.toMillis() * units / requests);
    }
}

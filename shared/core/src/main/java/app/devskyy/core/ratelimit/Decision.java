package app.devskyy.core.ratelimit;

import java.time.Duration;

/** Whether a request is admitted, and if not, how long until it would be. */
public record Decision(boolean allowed, Duration retryAfter) {

    static Decision allow() {
        return new Decision(true, Duration.ZERO);
    }

    static Decision deny(long retryAfterMillis) {
        return new Decision(false, Duration.ofMillis(Math.max(1, retryAfterMillis)));
    }

    /** Whole seconds for a {@code Retry-After} header, rounded up and at least 1. */
    public int retryAfterSeconds() {
        return (int) Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}

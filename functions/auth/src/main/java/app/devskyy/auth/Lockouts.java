package app.devskyy.auth;

import java.time.Duration;

/**
 * Progressive lockout: after {@link #THRESHOLD} consecutive failures an email is locked for 30 s,
 * and each further failure doubles the lock, up to 15 minutes. A success resets it.
 */
final class Lockouts {

    static final int THRESHOLD = 5;
    static final Duration FIRST_LOCK = Duration.ofSeconds(30);
    static final Duration MAX_LOCK = Duration.ofMinutes(15);
    /** How long failures are remembered without a new one. */
    static final Duration MEMORY = Duration.ofHours(24);

    private Lockouts() {
    }

    static Duration lockFor(long consecutiveFailures) {
        if (consecutiveFailures < THRESHOLD) {
            return Duration.ZERO;
        }
        long doublings = Math.min(consecutiveFailures - THRESHOLD, 20);
        Duration lock = FIRST_LOCK.multipliedBy(1L << doublings);
        return lock.compareTo(MAX_LOCK) > 0 ? MAX_LOCK : lock;
    }
}

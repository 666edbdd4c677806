package app.devskyy.auth;

import app.devskyy.core.http.ApiProblem;
import java.time.Duration;
import java.util.Optional;

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

    private Lockouts() {}

    /** 429 with Retry-After while the email is locked; otherwise its lockout record, if any. */
    static Optional<AuthItems.Lockout> refuseIfLocked(AccountStore accountStore, String emailIndex, long nowMillis) {
        Optional<AuthItems.Lockout> lockout = accountStore.lockout(emailIndex);
        if (lockout.isPresent() && lockout.get().lockedUntil() > nowMillis) {
            throw ApiProblem.tooManyRequests((int) Math.max(1, (lockout.get().lockedUntil() - nowMillis + 999) / 1000));
        }
        return lockout;
    }

    /** Counts one more failure for the email and locks it when the count calls for it; returns the lock. */
    static Duration recordFailure(AccountStore accountStore, String emailIndex, long nowMillis) {
        Duration lock = lockFor(accountStore.recordFailure(emailIndex, (nowMillis + MEMORY.toMillis()) / 1000));
        if (!lock.isZero()) {
            accountStore.lockUntil(emailIndex, nowMillis + lock.toMillis());
        }
        return lock;
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

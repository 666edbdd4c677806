package app.devskyy.core.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a session was revoked (logout, password change, refresh-token reuse). Access tokens
 * are short-lived but not that short: the {@link Authenticator} asks this, and a revocation is
 * honoured within {@link #STALENESS} because answers are reused for at most that long.
 */
@FunctionalInterface
public interface SessionRevocations {

    Duration STALENESS = Duration.ofMinutes(1);

    boolean isRevoked(String sessionId);

    /** Reuses each answer for up to a minute, so that a session costs one look-up a minute per instance. */
    static SessionRevocations cached(SessionRevocations source, Clock clock) {
        return new SessionRevocations() {
            private static final int MAX_ENTRIES = 50_000;
            private final ConcurrentHashMap<String, Answer> answers = new ConcurrentHashMap<>();

            record Answer(boolean revoked, Instant until) {}

            @Override
            public boolean isRevoked(String sessionId) {
                Instant now = clock.instant();
                Answer answer = answers.get(sessionId);
                if (answer == null || !answer.until().isAfter(now)) {
                    if (answers.size() >= MAX_ENTRIES) {
                        answers.clear();
                    }
                    answer = new Answer(source.isRevoked(sessionId), now.plus(STALENESS));
                    answers.put(sessionId, answer);
                }
                return answer.revoked();
            }
        };
    }
}

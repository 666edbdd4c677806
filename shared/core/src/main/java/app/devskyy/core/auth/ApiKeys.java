package app.devskyy.core.auth;

import app.devskyy.core.crypto.Digests;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Machine clients' keys: {@code dsk_} and 256 random bits, shown once, stored as a SHA-256 hash,
 * scoped to one workspace and role. The {@link Authenticator} resolves a presented key to a
 * principal of the same shape as a token's ({@code userId} and {@code sessionId} are
 * {@code key:<id>}), so that no route needs to know which of the two the caller used.
 */
@FunctionalInterface
public interface ApiKeys {

    String PREFIX = "dsk_";

    /** The principal of an active key; empty for an unknown, revoked or expired one. */
    Optional<Principal> resolve(String presentedKey);

    /** Keys are never resolved (for functions that take tokens only). */
    ApiKeys NONE = key -> Optional.empty();

    static boolean looksLikeKey(String credential) {
        return credential.startsWith(PREFIX)
                && credential.length() == PREFIX.length() + 43
                && credential.substring(PREFIX.length()).matches("[A-Za-z0-9_-]{43}");
    }

    static String hash(String key) {
        return Digests.sha256(key);
    }

    /** Reuses each answer for up to a minute: a revoked key stops working within a minute. */
    static ApiKeys cached(ApiKeys source, Clock clock) {
        return new ApiKeys() {
            private static final int MAX_ENTRIES = 10_000;
            private final ConcurrentHashMap<String, Answer> answers = new ConcurrentHashMap<>();

            record Answer(Optional<Principal> principal, Instant until) {}

            @Override
            public Optional<Principal> resolve(String presentedKey) {
                String hash = hash(presentedKey);
                Instant now = clock.instant();
                Answer answer = answers.get(hash);
                if (answer == null || !answer.until().isAfter(now)) {
                    if (answers.size() >= MAX_ENTRIES) {
                        answers.clear();
                    }
                    answer = new Answer(source.resolve(presentedKey), now.plus(Duration.ofMinutes(1)));
                    answers.put(hash, answer);
                }
                return answer.principal();
            }
        };
    }
}

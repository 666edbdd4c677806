package app.devskyy.health;

import java.time.Instant;
import java.util.Locale;

/**
 * The outcome of one dependency check, in the terms of the health+json draft
 * (draft-inadarei-api-health-check): {@code output} is a short generic reason, never an exception
 * message, because the public health document must not disclose internals. {@code target} (the
 * table, the host) and {@code failure} (the exception's type and message) are for
 * {@code /health/detailed}, which only platform administrators may read.
 */
public record CheckResult(
        String name,
        String componentType,
        Status status,
        double observedMillis,
        Instant time,
        String output,
        String target,
        String failure) {

    public enum Status {
        PASS,
        WARN,
        FAIL;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The worse of two statuses. */
        public Status and(Status other) {
            return compareTo(other) >= 0 ? this : other;
        }
    }
}

package app.devskyy.llm;

import java.time.Duration;
import java.util.Optional;

/**
 * A provider call that did not produce an answer, classified by what the gateway should do next.
 * The message is the provider's own (shortened); it never carries our keys.
 */
public final class ProviderException extends Exception {

    public enum Kind {
        /** The request itself is wrong (400, 413, 422): another provider would refuse it too. */
        REJECTED(false, false),
        /** 429: retry after the provider's delay, or go to the next provider. */
        RATE_LIMITED(true, true),
        /** 5xx, overloaded: retry with backoff, then the next provider. */
        UNAVAILABLE(true, true),
        /** No answer within the attempt's time. */
        TIMEOUT(true, true),
        /** The connection failed (refused, reset, DNS). */
        CONNECTION(true, true),
        /** Our side is wrong for this provider (401, 403, 404: key, permission, model): next provider, no retry. */
        MISCONFIGURED(false, true);

        private final boolean retryable;
        private final boolean fallsBack;

        Kind(boolean retryable, boolean fallsBack) {
            this.retryable = retryable;
            this.fallsBack = fallsBack;
        }

        /** Worth trying the same provider again. */
        public boolean retryable() {
            return retryable;
        }

        /** Worth trying the next provider. */
        public boolean fallsBack() {
            return fallsBack;
        }

        /** Counts against the provider's circuit breaker: the provider, not the request or our setup, failed. */
        public boolean countsAsFailure() {
            return this == UNAVAILABLE || this == TIMEOUT || this == CONNECTION;
        }
    }

    private final Kind kind;
    private final String provider;
    private final int status;
    private final Duration retryAfter;

    public ProviderException(Kind kind, String provider, int status, Duration retryAfter, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.provider = provider;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    /** For providers that answer one choice: a request for several goes to the next target. */
    public static void requireSingleChoice(String provider, ChatRequest request) throws ProviderException {
        if (request.choices() > 1) {
            throw new ProviderException(
                    Kind.MISCONFIGURED, provider, 0, null, provider + " answers one choice (n = 1)");
        }
    }

    /** The kind a provider's HTTP status stands for. */
    public static Kind kindOf(int status) {
        return switch (status) {
            case 429 -> Kind.RATE_LIMITED;
            case 401, 403, 404 -> Kind.MISCONFIGURED;
            case 408 -> Kind.TIMEOUT;
            default -> status >= 500 ? Kind.UNAVAILABLE : Kind.REJECTED;
        };
    }

    public Kind kind() {
        return kind;
    }

    public String provider() {
        return provider;
    }

    /** The provider's HTTP status; 0 when there was none (timeout, connection). */
    public int status() {
        return status;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}

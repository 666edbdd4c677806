package app.devskyy.webhooks;

import app.devskyy.core.CircuitBreakers;
import app.devskyy.core.Json;
import app.devskyy.core.http.ApiProblem;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The payment APIs' one way to make a call, over the project's OkHttp client: a deadline per
 * attempt, a circuit breaker per provider, and retries only for calls the caller marks safe to
 * repeat (reads, and writes that carry the provider's idempotency key). An outage (5xx, timeout,
 * connection failure, the provider's rate limit, or an open breaker) is a 503 with
 * {@code Retry-After}; a refusal (any other 4xx) is a {@link Refusal} for the caller to explain.
 * Neither carries the provider's message, which may hold a customer's details.
 */
final class PaymentHttp {

    /** A provider's refusal: its HTTP status and, where it sends them, its error type and code. */
    static final class Refusal extends RuntimeException {

        private final String provider;
        private final int status;
        private final JsonNode body;

        Refusal(String provider, int status, JsonNode body) {
            super(provider + " refused the request with " + status, null, false, false);
            this.provider = provider;
            this.status = status;
            this.body = body;
        }

        String provider() {
            return provider;
        }

        int status() {
            return status;
        }

        /** The provider's error document (empty when it sent none). */
        JsonNode body() {
            return body;
        }
    }

    /** Whether the provider says an answer may be retried ({@code null} when it does not say). */
    @FunctionalInterface
    interface RetryAdvice {
        Boolean shouldRetry(Response response);
    }

    private static final Logger LOG = LoggerFactory.getLogger(PaymentHttp.class);

    /** Three attempts at most, the last starting at most about a second after the first. */
    private static final int ATTEMPTS = 3;

    private static final long BACKOFF_MILLIS = 250;
    private static final int RETRY_AFTER_SECONDS = 5;

    private final OkHttpClient http;
    private final CircuitBreakers breakers;
    private final Duration timeout;

    PaymentHttp(OkHttpClient http, CircuitBreakers breakers, Duration timeout) {
        this.http = http;
        this.breakers = breakers;
        this.timeout = timeout;
    }

    /** Sends {@code request}, retrying where {@code repeatable} and the provider allows; answers the JSON body. */
    JsonNode send(String provider, Request request, boolean repeatable, RetryAdvice advice) {
        String breaker = "payments:" + provider;
        for (int attempt = 1; ; attempt++) {
            CircuitBreakers.Permit permit = breakers.check(breaker, timeout);
            if (permit == CircuitBreakers.Permit.REFUSED) {
                throw unavailable(
                        provider, (int) Math.max(1, breakers.coolDown().toSeconds()));
            }
            boolean last = !repeatable || attempt == ATTEMPTS;
            Call call = http.newCall(request);
            call.timeout().timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
            try (Response response = call.execute()) {
                byte[] bytes = response.body().bytes();
                int status = response.code();
                boolean outage = status >= 500;
                if (outage) {
                    breakers.failed(breaker, permit);
                } else {
                    breakers.succeeded(breaker, permit);
                }
                if (response.isSuccessful()) {
                    return json(provider, bytes);
                }
                Boolean retry = advice.shouldRetry(response);
                boolean retryable = retry != null ? retry : outage || status == 429 || status == 409;
                if (retryable && !last) {
                    pause(attempt, response.header("retry-after"));
                    continue;
                }
                if (outage || status == 429) {
                    LOG.warn(
                            "{} answered {} on {}",
                            provider,
                            status,
                            request.url().encodedPath());
                    throw unavailable(provider, retryAfter(response.header("retry-after")));
                }
                if (status == 401 || status == 403) {
                    // Our credentials, not the caller's request: an operator must fix them.
                    LOG.error("{} refused this stage's credentials ({})", provider, status);
                    throw unavailable(provider, RETRY_AFTER_SECONDS * 12);
                }
                throw new Refusal(provider, status, errorBody(bytes));
            } catch (InterruptedIOException timedOut) {
                breakers.failed(breaker, permit);
                if (last) {
                    LOG.warn("{} did not answer within {} ms", provider, timeout.toMillis());
                    throw unavailable(provider, RETRY_AFTER_SECONDS);
                }
            } catch (IOException failed) {
                breakers.failed(breaker, permit);
                if (last) {
                    LOG.warn(
                            "{} could not be reached: {}",
                            provider,
                            failed.getClass().getSimpleName());
                    throw unavailable(provider, RETRY_AFTER_SECONDS);
                }
            }
            pause(attempt, null);
        }
    }

    private static JsonNode json(String provider, byte[] bytes) {
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (JacksonException unreadable) {
            LOG.warn("{} answered with a body that is not JSON", provider);
            throw unavailable(provider, RETRY_AFTER_SECONDS);
        }
    }

    private static JsonNode errorBody(byte[] bytes) {
        try {
            JsonNode body = Json.MAPPER.readTree(bytes);
            return body == null ? Json.MAPPER.createObjectNode() : body;
        } catch (JacksonException unreadable) {
            return Json.MAPPER.createObjectNode();
        }
    }

    private static void pause(int attempt, String retryAfter) {
        long wait = BACKOFF_MILLIS << (attempt - 1);
        if (retryAfter != null && retryAfter.matches("\\d{1,2}")) {
            // Honoured up to two seconds: a longer wait belongs to the caller, who gets the 503.
            wait = Math.min(2_000, Math.max(wait, Long.parseLong(retryAfter) * 1000));
        }
        try {
            Thread.sleep(wait);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw ApiProblem.serviceUnavailable("The payment provider could not be reached; retry.", 1);
        }
    }

    private static int retryAfter(String header) {
        return header != null && header.matches("\\d{1,4}")
                ? Math.max(1, Integer.parseInt(header))
                : RETRY_AFTER_SECONDS;
    }

    static ApiProblem unavailable(String provider, int retryAfterSeconds) {
        return ApiProblem.serviceUnavailable(
                "The payment provider (" + provider + ") is not answering; retry.", retryAfterSeconds);
    }
}

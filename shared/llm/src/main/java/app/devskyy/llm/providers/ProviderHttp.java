package app.devskyy.llm.providers;

import app.devskyy.core.Json;
import app.devskyy.core.OutboundHttp;
import app.devskyy.llm.ProviderException;
import app.devskyy.llm.ProviderException.Kind;
import app.devskyy.llm.Redactor;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The providers' one way to make a JSON call over the project's OkHttp client: a deadline per
 * call, and every failure classified ({@link Kind}) with the provider's {@code Retry-After}.
 */
public final class ProviderHttp {

    private static final MediaType JSON = MediaType.get("application/json");
    private static final int MAX_MESSAGE = 300;

    private final OkHttpClient http;

    public ProviderHttp(OkHttpClient http) {
        this.http = http;
    }

    public static ProviderHttp shared() {
        return new ProviderHttp(OutboundHttp.client());
    }

    /** POSTs {@code body} and returns the provider's JSON answer. */
    public JsonNode post(String provider, HttpUrl url, Headers headers, JsonNode body, Duration timeout)
            throws ProviderException {
        Request request = new Request.Builder()
                .url(url)
                .headers(headers)
                .post(RequestBody.create(Json.writeBytes(body), JSON))
                .build();
        Call call = http.newCall(request);
        call.timeout().timeout(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        try (Response response = call.execute()) {
            byte[] bytes = response.body().bytes();
            if (!response.isSuccessful()) {
                throw new ProviderException(
                        ProviderException.kindOf(response.code()),
                        provider,
                        response.code(),
                        retryAfter(response),
                        message(bytes, response.code()));
            }
            try {
                return Json.MAPPER.readTree(bytes);
            } catch (JacksonException unreadable) {
                throw new ProviderException(
                        Kind.UNAVAILABLE,
                        provider,
                        response.code(),
                        null,
                        provider + " answered with a body that is not JSON");
            }
        } catch (InterruptedIOException timedOut) {
            throw new ProviderException(Kind.TIMEOUT, provider, 0, null, provider + " did not answer in time");
        } catch (IOException failed) {
            throw new ProviderException(
                    Kind.CONNECTION,
                    provider,
                    0,
                    null,
                    provider + " could not be reached (" + failed.getClass().getSimpleName() + ")");
        }
    }

    /** {@code Retry-After} in seconds or as an HTTP date, or OpenAI's {@code retry-after-ms}. */
    static Duration retryAfter(Response response) {
        String millis = response.header("retry-after-ms");
        String value = response.header("retry-after");
        try {
            if (millis != null) {
                return Duration.ofMillis((long) Double.parseDouble(millis));
            }
            if (value == null) {
                return null;
            }
            if (value.strip().matches("\\d+(\\.\\d+)?")) {
                return Duration.ofMillis((long) (Double.parseDouble(value.strip()) * 1000));
            }
            Duration until = Duration.between(
                    Instant.now(),
                    ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                            .toInstant());
            return until.isNegative() ? Duration.ZERO : until;
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /** The provider's error message from the shapes they use, shortened. */
    static String message(byte[] body, int status) {
        String message;
        try {
            JsonNode error = Json.MAPPER.readTree(body);
            JsonNode nested = error.path("error");
            message = nested.isString()
                    ? nested.asString()
                    : nested.path("message").isString()
                            ? nested.path("message").asString()
                            : error.path("message").asString("");
        } catch (JacksonException | IllegalArgumentException notJson) {
            message = "";
        }
        if (message.isBlank()) {
            message = "HTTP " + status;
        }
        // Providers quote parts of keys in their errors ("Incorrect API key provided: sk-...").
        message = Redactor.redact(message);
        return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message;
    }

    /** {@code base} plus a path that may hold a model name (escaped segment by segment). */
    public static HttpUrl url(HttpUrl base, String... segments) {
        HttpUrl.Builder url = base.newBuilder();
        for (String segment : segments) {
            url.addPathSegments(segment);
        }
        return url.build();
    }
}

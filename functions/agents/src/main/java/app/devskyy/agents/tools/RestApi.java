package app.devskyy.agents.tools;

import app.devskyy.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * JSON calls to a workspace's WordPress or WooCommerce REST API (both answer errors as
 * {@code {"code", "message", "data": {"status"}}}), with HTTP Basic credentials (WooCommerce's
 * consumer key and secret, WordPress's application password), through {@link SafeHttp}. Their
 * error codes become the tool's failures; their messages are shortened, credentials never echoed.
 */
final class RestApi {

    static final int MAX_BYTES = 2 * 1024 * 1024;
    private static final MediaType JSON = MediaType.get("application/json");

    private final SafeHttp http;

    RestApi(SafeHttp http) {
        this.http = http;
    }

    /** The API's URL of {@code path} under the integration's base URL, with the query's present values. */
    static HttpUrl url(String baseUrl, String path, Map<String, String> query) throws ToolFailure {
        HttpUrl base = HttpUrl.parse(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        if (base == null) {
            throw new ToolFailure("not_configured", "the integration's base URL is not valid", false);
        }
        HttpUrl.Builder url = base.resolve(path).newBuilder();
        query.forEach((name, value) -> {
            if (value != null) {
                url.addQueryParameter(name, value);
            }
        });
        return url.build();
    }

    JsonNode get(HttpUrl url, String user, String password) throws ToolFailure {
        return call(new Request.Builder().url(url).get(), user, password);
    }

    JsonNode post(HttpUrl url, JsonNode body, String user, String password) throws ToolFailure {
        return call(
                new Request.Builder()
                        .url(url)
                        .post(RequestBody.create(Json.write(body).getBytes(StandardCharsets.UTF_8), JSON)),
                user,
                password);
    }

    private JsonNode call(Request.Builder request, String user, String password) throws ToolFailure {
        SafeHttp.Fetched answer = http.send(
                request.header("authorization", Credentials.basic(user, password, StandardCharsets.UTF_8))
                        .header("accept", "application/json")
                        .build(),
                MAX_BYTES);
        if (answer.truncated()) {
            throw new ToolFailure("failed", "the answer was larger than " + MAX_BYTES + " bytes", false);
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(answer.body());
        } catch (JacksonException notJson) {
            body = null;
        }
        if (answer.status() >= 200 && answer.status() < 300 && body != null) {
            return body;
        }
        String code = body == null ? "" : body.path("code").asString("");
        String message = body == null ? "" : body.path("message").asString("");
        String said =
                code.isEmpty() ? "" : " (" + shorten(code) + (message.isEmpty() ? "" : ": " + shorten(message)) + ")";
        throw switch (answer.status()) {
            case 401, 403 ->
                new ToolFailure("not_authorised", "the site refused the integration's credentials" + said, false);
            case 404 -> new ToolFailure("not_found", "the site has no such resource" + said, false);
            case 429 -> new ToolFailure("rate_limited", "the site asked to slow down" + said, true);
            default ->
                answer.status() >= 500 || body == null
                        ? new ToolFailure("unavailable", "the site answered " + answer.status(), true)
                        : new ToolFailure(
                                code.isEmpty() ? "rejected" : code, "the site refused the call" + said, false);
        };
    }

    private static String shorten(String text) {
        String plain = text.replaceAll("[\\p{Cntrl}]", " ");
        return plain.length() <= 200 ? plain : plain.substring(0, 200) + "…";
    }
}

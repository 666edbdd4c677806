package app.devskyy.core.upstash;

import app.devskyy.core.Json;
import app.devskyy.core.OutboundHttp;
import app.devskyy.core.config.Config;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A client of the Upstash Redis REST API: a command is a JSON array POSTed to the database URL
 * with a bearer token; the answer is {@code {"result": ...}} or {@code {"error": "..."}}.
 */
public final class UpstashClient {

    private static final MediaType JSON = MediaType.get("application/json");

    private final HttpUrl url;
    private final String token;
    private final OkHttpClient http;

    public UpstashClient(HttpUrl url, String token, OkHttpClient http) {
        this.url = url;
        this.token = token;
        this.http = http;
    }

    /**
     * The deployment's Upstash database, when {@code UPSTASH_REDIS_REST_URL} is set (the token,
     * {@code UPSTASH_REDIS_REST_TOKEN}, is then required).
     */
    public static Optional<UpstashClient> fromConfig(Config config) {
        return config.optional("UPSTASH_REDIS_REST_URL")
                .map(url -> new UpstashClient(
                        HttpUrl.get(url), config.required("UPSTASH_REDIS_REST_TOKEN"), OutboundHttp.client()));
    }

    /** The same client with another deadline for a whole call. */
    public UpstashClient withCallTimeout(Duration timeout) {
        return new UpstashClient(
                url, token, http.newBuilder().callTimeout(timeout).build());
    }

    /** Runs one command and returns its {@code result} ({@code null} node for a Redis nil). */
    public JsonNode command(String... arguments) throws IOException {
        return result(post(url, List.of(arguments)));
    }

    /**
     * Runs a Lua script atomically ({@code EVAL}): the way to read-and-write one key without a
     * race between function instances.
     */
    public JsonNode eval(String script, List<String> keys, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("EVAL", script, Integer.toString(keys.size())));
        command.addAll(keys);
        command.addAll(arguments);
        return command(command.toArray(String[]::new));
    }

    /**
     * Sends several commands in one HTTP request ({@code /pipeline}); they run in order, not as a
     * transaction. Fails when any of them failed.
     */
    public List<JsonNode> pipeline(List<List<String>> commands) throws IOException {
        JsonNode answers = post(url.newBuilder().addPathSegment("pipeline").build(), commands);
        if (!answers.isArray() || answers.size() != commands.size()) {
            throw new UpstashException("pipeline answer does not match its " + commands.size() + " commands");
        }
        List<JsonNode> results = new ArrayList<>();
        for (JsonNode answer : answers) {
            results.add(result(answer));
        }
        return results;
    }

    private JsonNode post(HttpUrl target, Object body) throws IOException {
        Request request = new Request.Builder()
                .url(target)
                .header("authorization", "Bearer " + token)
                .post(RequestBody.create(Json.writeBytes(body), JSON))
                .build();
        try (Response response = http.newCall(request).execute()) {
            JsonNode answer;
            try {
                answer = Json.tree(response.body().bytes());
            } catch (JacksonException e) {
                throw new UpstashException("answer of HTTP " + response.code() + " is not JSON");
            }
            if (!response.isSuccessful()) {
                throw new UpstashException(
                        answer.has("error")
                                ? "command failed with HTTP " + response.code()
                                : "unexpected answer, HTTP " + response.code());
            }
            return answer;
        }
    }

    private static JsonNode result(JsonNode answer) throws UpstashException {
        if (answer == null || answer.has("error") || !answer.has("result")) {
            throw new UpstashException("command failed");
        }
        return answer.get("result");
    }

    /** Upstash answered, but not with a result. The message never quotes the command's arguments. */
    public static final class UpstashException extends IOException {
        public UpstashException(String message) {
            super(message);
        }
    }
}

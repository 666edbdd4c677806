package app.devskyy.core.upstash;

import app.devskyy.core.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
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

    /** The same client with another deadline for a whole call. */
    public UpstashClient withCallTimeout(Duration timeout) {
        return new UpstashClient(url, token, http.newBuilder().callTimeout(timeout).build());
    }

    /** Runs one command and returns its {@code result}. */
    public JsonNode command(String... arguments) throws IOException {
        Request request = new Request.Builder()
                .url(url)
                .header("authorization", "Bearer " + token)
                .post(RequestBody.create(Json.writeBytes(List.of(arguments)), JSON))
                .build();
        try (Response response = http.newCall(request).execute()) {
            JsonNode answer;
            try {
                answer = Json.tree(response.body().bytes());
            } catch (JacksonException e) {
                throw new UpstashException("answer of HTTP " + response.code() + " is not JSON");
            }
            if (answer.has("error")) {
                throw new UpstashException("command failed with HTTP " + response.code());
            }
            if (!response.isSuccessful() || !answer.has("result")) {
                throw new UpstashException("unexpected answer, HTTP " + response.code());
            }
            return answer.get("result");
        }
    }

    /** Upstash answered, but not with a result. The message never quotes the command's arguments. */
    public static final class UpstashException extends IOException {
        public UpstashException(String message) {
            super(message);
        }
    }
}

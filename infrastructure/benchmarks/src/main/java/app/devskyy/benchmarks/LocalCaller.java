package app.devskyy.benchmarks;

import app.devskyy.core.Json;
import app.devskyy.core.OutboundHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import tools.jackson.databind.JsonNode;

/**
 * A person of a local API, signed up and signed in over HTTP as a browser would: their access
 * and refresh tokens, their personal workspace, and JSON calls made with both. What the HTTP
 * benchmarks share.
 */
record LocalCaller(OkHttpClient http, String base, String token, String refreshToken, String workspaceId) {

    static final String PASSWORD = "correct horse battery";

    static LocalCaller signUp(int port) {
        OkHttpClient http = OutboundHttp.client();
        String base = "http://127.0.0.1:" + port;
        String email = "bench+" + System.nanoTime() + "@example.com";
        call(
                http,
                post(
                        base + "/api/v1/auth/signup",
                        "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\",\"displayName\":\"Bench\"}",
                        null,
                        Map.of()));
        JsonNode login = call(
                http,
                post(
                        base + "/api/v1/auth/login",
                        "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}",
                        null,
                        Map.of()));
        String token = login.path("access_token").asString();
        String workspaceId = call(
                        http,
                        new Request.Builder()
                                .url(base + "/api/v1/auth/workspaces")
                                .header("authorization", "Bearer " + token)
                                .build())
                .path("workspaces")
                .get(0)
                .path("id")
                .asString();
        return new LocalCaller(http, base, token, login.path("refresh_token").asString(), workspaceId);
    }

    /** The same person with tokens refreshed: what changed about them since (a role) is in the new token. */
    LocalCaller refreshed() {
        JsonNode tokens = call(
                http,
                post(base + "/api/v1/auth/refresh", "{\"refresh_token\":\"" + refreshToken + "\"}", null, Map.of()));
        return new LocalCaller(
                http,
                base,
                tokens.path("access_token").asString(),
                tokens.path("refresh_token").asString(),
                workspaceId);
    }

    JsonNode post(String path, String json) {
        return call(http, post(base + path, json, token, Map.of()));
    }

    JsonNode put(String path, String json) {
        return call(
                http,
                new Request.Builder()
                        .url(base + path)
                        .header("authorization", "Bearer " + token)
                        .put(RequestBody.create(
                                json.getBytes(StandardCharsets.UTF_8), MediaType.get("application/json")))
                        .build());
    }

    JsonNode get(String path) {
        return call(
                http,
                new Request.Builder()
                        .url(base + path)
                        .header("authorization", "Bearer " + token)
                        .build());
    }

    static Request post(String url, String json, String token, Map<String, String> headers) {
        Request.Builder request = new Request.Builder()
                .url(url)
                .post(RequestBody.create(json.getBytes(StandardCharsets.UTF_8), MediaType.get("application/json")));
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        return request.build();
    }

    /** Sends {@code request}; its JSON answer, or an exception for any status from 300. */
    static JsonNode call(OkHttpClient http, Request request) {
        try (Response response = http.newCall(request).execute()) {
            byte[] body = response.body().bytes();
            if (response.code() >= 300) {
                throw new IllegalStateException(request.url().encodedPath() + " answered " + response.code() + ": "
                        + new String(body, StandardCharsets.UTF_8));
            }
            return body.length == 0 ? Json.MAPPER.nullNode() : Json.tree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

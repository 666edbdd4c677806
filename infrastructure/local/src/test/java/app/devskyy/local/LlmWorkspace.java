package app.devskyy.local;

import static app.devskyy.local.ApiClient.unique;

import app.devskyy.local.ApiClient.Answer;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A workspace made through the auth API for the tests of other families: its admin's token (refreshed after
 * the workspace was created, so that it carries the membership) and API keys of chosen roles.
 */
record LlmWorkspace(ApiClient client, String adminToken, String workspaceId) {

    static final String PASSWORD = "correct horse battery";

    static LlmWorkspace create(LocalApi api) throws IOException {
        ApiClient client = new ApiClient(api.port());
        Answer login = client.account(unique("llm"), PASSWORD);
        String workspaceId = client.post("/api/v1/auth/workspaces", "{\"name\":\"LLM\"}", login.field("access_token"))
                .field("id");
        String token = client.post(
                        "/api/v1/auth/refresh", "{\"refresh_token\":\"" + login.field("refresh_token") + "\"}", null)
                .field("access_token");
        return new LlmWorkspace(client, token, workspaceId);
    }

    /** A new API key of {@code role}: its id and secret. */
    String[] key(String role) throws IOException {
        Answer created = client.post(
                "/api/v1/auth/workspaces/" + workspaceId + "/api-keys",
                "{\"name\":\"llm\",\"role\":\"" + role + "\"}",
                adminToken);
        if (created.status() != 201) {
            throw new AssertionError(created.raw());
        }
        return new String[] {created.field("id"), created.field("key")};
    }

    /** The path of one of the workspace's own LLM routes ({@code /usage}, {@code /budget}, {@code /round-table}). */
    String at(String route) {
        return "/api/v1/llm/workspaces/" + workspaceId + route;
    }

    /** Calls with the admin's token name the workspace: the account also has the personal one made at signup. */
    Answer chat(String credential, String json, Map<String, String> headers) throws IOException {
        return client.send(
                "POST",
                "/api/v1/llm/chat/completions",
                json,
                credential,
                "application/json",
                named(credential, headers));
    }

    private Map<String, String> named(String credential, Map<String, String> headers) {
        if (!adminToken.equals(credential) || headers.containsKey("x-workspace-id")) {
            return headers;
        }
        Map<String, String> all = new HashMap<>(headers);
        all.put("x-workspace-id", workspaceId);
        return all;
    }

    Answer post(String path, String json) throws IOException {
        return client.send("POST", path, json, adminToken, "application/json", named(adminToken, Map.of()));
    }

    Answer chat(String credential, String json) throws IOException {
        return chat(credential, json, Map.of());
    }

    Answer get(String path) throws IOException {
        return client.send("GET", path, null, adminToken, "application/json", named(adminToken, Map.of()));
    }

    Answer put(String path, String json) throws IOException {
        return client.send("PUT", path, json, adminToken, "application/json", named(adminToken, Map.of()));
    }
}

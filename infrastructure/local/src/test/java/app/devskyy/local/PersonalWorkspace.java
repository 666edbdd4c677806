package app.devskyy.local;

import static app.devskyy.local.ApiClient.unique;

import java.io.IOException;
import java.time.Duration;

/** A new account signed in through the auth API, with the personal workspace signup made for it. */
record PersonalWorkspace(ApiClient client, String token, String workspaceId) {

    static final String PASSWORD = "correct horse battery";

    static PersonalWorkspace signUp(LocalApi api, String name, Duration timeout) throws IOException {
        ApiClient client = new ApiClient(api.port(), timeout);
        String token = client.account(unique(name), PASSWORD).field("access_token");
        String workspaceId = client.get("/api/v1/auth/workspaces", token)
                .body()
                .path("workspaces")
                .get(0)
                .path("id")
                .asString();
        return new PersonalWorkspace(client, token, workspaceId);
    }
}

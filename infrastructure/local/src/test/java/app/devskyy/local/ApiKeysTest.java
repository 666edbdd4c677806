package app.devskyy.local;

import static app.devskyy.local.ApiClient.unique;
import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.local.ApiClient.Answer;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** API keys for machine clients, through the local API. */
class ApiKeysTest extends UsingLocalApi {

    private static final String PASSWORD = "correct horse battery";

    record Owner(ApiClient client, String token, String workspaceId) {}

    private static Owner owner() throws IOException {
        ApiClient client = new ApiClient(api.port());
        String token = client.account(unique("KeyOwner"), PASSWORD).field("access_token");
        String workspaceId = client.post("/api/v1/auth/workspaces", "{\"name\":\"Keys\"}", token)
                .field("id");
        return new Owner(client, token, workspaceId);
    }

    private static Answer create(Owner owner, String role, String extra) throws IOException {
        return owner.client()
                .post(keys(owner), "{\"name\":\"CI\",\"role\":\"" + role + "\"" + extra + "}", owner.token());
    }

    private static String keys(Owner owner) {
        return "/api/v1/auth/workspaces/" + owner.workspaceId() + "/api-keys";
    }

    @Test
    void aKeyActsWithItsRoleInEveryFunctionUntilRevoked() throws Exception {
        Owner owner = owner();
        Answer created = create(owner, "read_only", "");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String key = created.field("key");
        assertThat(key).startsWith("dsk_").hasSize(47);
        // The key reads its workspace with its own role.
        Answer read = owner.client().get("/api/v1/auth/workspaces/" + owner.workspaceId(), key);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.field("role")).isEqualTo("read_only");
        assertThat(owner.client()
                        .patch("/api/v1/auth/workspaces/" + owner.workspaceId(), "{\"name\":\"x\"}", key)
                        .status())
                .isEqualTo(403);
        // Another function's Authenticator knows it too: authenticated, but not a platform admin.
        assertThat(owner.client().get("/health/detailed", key).status()).isEqualTo(403);
        assertThat(owner.client()
                        .get("/health/detailed", "dsk_" + "A".repeat(43))
                        .status())
                .isEqualTo(401);
        // Listed without the secret, with its last use.
        Answer listed = owner.client().get(keys(owner), owner.token());
        assertThat(listed.raw()).doesNotContain(key).contains(created.field("prefix"));
        assertThat(Instant.parse(
                        listed.body().path("apiKeys").get(0).path("lastUsedAt").asString()))
                .isAfter(Instant.parse(created.field("createdAt")).minusSeconds(1));
        assertThat(listed.body().path("apiKeys").get(0).has("expiresAt"))
                .as("absent, not 0, when the key does not expire")
                .isFalse();
        // Keys do not mint keys.
        assertThat(owner.client()
                        .post(keys(owner), "{\"name\":\"x\",\"role\":\"read_only\"}", key)
                        .status())
                .isEqualTo(403);
        assertThat(owner.client()
                        .delete(keys(owner) + "/" + created.field("id"), owner.token())
                        .status())
                .isEqualTo(204);
        assertThat(owner.client()
                        .get("/api/v1/auth/workspaces/" + owner.workspaceId(), key)
                        .status())
                .isEqualTo(401);
        assertThat(owner.client()
                        .get(keys(owner), owner.token())
                        .body()
                        .path("apiKeys")
                        .get(0)
                        .path("revoked")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void aKeyCannotExceedItsCreatorsRole() throws Exception {
        Owner owner = owner();
        ApiClient devClient = new ApiClient(api.port());
        String devEmail = unique("KeyDev");
        String devToken = devClient.account(devEmail, PASSWORD).field("access_token");
        owner.client()
                .post(
                        "/api/v1/auth/workspaces/" + owner.workspaceId() + "/members",
                        "{\"email\":\"" + devEmail + "\",\"role\":\"developer\"}",
                        owner.token());
        Owner dev = new Owner(devClient, devToken, owner.workspaceId());
        assertThat(create(dev, "admin", "").status()).isEqualTo(403);
        assertThat(create(dev, "developer", "").status()).isEqualTo(201);
        assertThat(create(owner, "super_admin", "").status()).isEqualTo(422);
        // A read-only member creates none.
        ApiClient viewerClient = new ApiClient(api.port());
        String viewerEmail = unique("KeyViewer");
        String viewerToken = viewerClient.account(viewerEmail, PASSWORD).field("access_token");
        owner.client()
                .post(
                        "/api/v1/auth/workspaces/" + owner.workspaceId() + "/members",
                        "{\"email\":\"" + viewerEmail + "\",\"role\":\"read_only\"}",
                        owner.token());
        assertThat(create(new Owner(viewerClient, viewerToken, owner.workspaceId()), "read_only", "")
                        .status())
                .isEqualTo(403);
    }

    @Test
    void aPlatformKeyReadsHealthDetailsInTheHealthFunction() throws Exception {
        Owner operator = owner();
        assertThat(create(operator, "read_only", ",\"platform\":true").status()).isEqualTo(403);
        String operatorId =
                operator.client().get("/api/v1/auth/me", operator.token()).field("id");
        grantPlatformRole(operatorId, "super_admin");
        Answer created = create(operator, "read_only", ",\"platform\":true");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.field("platformRole")).isEqualTo("admin");
        Answer details = operator.client().get("/health/detailed", created.field("key"));
        assertThat(details.status()).isEqualTo(200);
        assertThat(details.raw()).contains("componentId");
    }

    @Test
    void badInput() throws Exception {
        Owner owner = owner();
        Instant now = Instant.now();
        Answer past = create(owner, "read_only", ",\"expiresAt\":\"" + now.minusSeconds(10) + "\"");
        assertThat(past.status()).isEqualTo(422);
        assertThat(past.body().at("/errors/0/pointer").asString()).isEqualTo("/expiresAt");
        assertThat(past.body().at("/errors/0/code").asString()).isEqualTo("out-of-range");
        assertThat(create(owner, "read_only", ",\"expiresAt\":\"" + now.plusSeconds(400L * 86400) + "\"")
                        .status())
                .isEqualTo(422);
        Answer soon = create(owner, "read_only", ",\"expiresAt\":\"soon\"");
        assertThat(soon.status()).isEqualTo(422);
        assertThat(soon.body().at("/errors/0/code").asString()).isEqualTo("invalid-format");
        assertThat(soon.body().at("/errors/0/detail").asString()).contains("RFC 3339");
        assertThat(create(owner, "read_only", ",\"expiresAt\":1826878800").status())
                .as("epoch seconds are no longer taken")
                .isEqualTo(422);

        assertThat(owner.client()
                        .post(
                                "/api/v1/auth/workspaces/ws_other/api-keys",
                                "{\"name\":\"x\",\"role\":\"read_only\"}",
                                owner.token())
                        .status())
                .isEqualTo(404);
        assertThat(owner.client()
                        .post(
                                keys(owner),
                                "{\"workspaceId\":\"" + owner.workspaceId()
                                        + "\",\"name\":\"x\",\"role\":\"read_only\"}",
                                owner.token())
                        .body()
                        .at("/errors/0/code")
                        .asString())
                .as("the workspace is named by the path only")
                .isEqualTo("unknown-field");
        assertThat(owner.client()
                        .delete(keys(owner) + "/key_nope", owner.token())
                        .status())
                .isEqualTo(404);
        assertThat(owner.client().get(keys(owner), owner.token()).body().path("apiKeys"))
                .isEmpty();
    }
}

package app.devskyy.local;

import static app.devskyy.local.ApiClient.unique;
import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.testing.Events;
import app.devskyy.local.ApiClient.Answer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The first platform super admin without editing tables: in AWS by a direct invocation of the
 * auth operations function (no HTTP route reaches it), once; locally by the email the server was
 * started with, on signup.
 */
class PlatformBootstrapTest extends UsingLocalApi {

    private static final String PASSWORD = "correct horse battery";

    private static JsonNode operation(String json) {
        return Json.tree(api.invoke("AuthOperationsFunction", json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String refreshed(ApiClient client, Answer login) throws Exception {
        return client.post("/api/v1/auth/refresh", "{\"refresh_token\":\"" + login.field("refresh_token") + "\"}", null)
                .field("access_token");
    }

    @Test
    void theOperationsFunctionNamesTheFirstSuperAdminOnce() throws Exception {
        ApiClient client = new ApiClient(api.port());
        String email = unique("first-admin");
        Answer login = client.account(email, PASSWORD);
        assertThat(client.get("/api/v1/auth/users", login.field("access_token")).status())
                .isEqualTo(403);

        assertThat(operation("{\"operation\":\"bootstrap-super-admin\",\"email\":\"nobody@example.com\"}")
                        .path("errorMessage")
                        .asString())
                .contains("No account has this email");
        assertThat(operation("{\"operation\":\"drop-tables\",\"email\":\"" + email + "\"}")
                        .path("errorMessage")
                        .asString())
                .contains("Unknown operation");

        // The sample event, with this test's account (in capitals: emails are matched case-insensitively).
        ObjectNode sample = Events.tree("auth/operations-bootstrap-super-admin.json");
        JsonNode granted = operation(Json.write(sample.put("email", email.toUpperCase(Locale.ROOT))));
        String userId =
                client.get("/api/v1/auth/me", login.field("access_token")).field("id");
        assertThat(granted.path("userId").asString()).isEqualTo(userId);
        assertThat(granted.path("platformRole").asString()).isEqualTo("super_admin");
        assertThat(granted.toString())
                .as("the answer names the account by id only")
                .doesNotContain("@");
        assertThat(client.get("/api/v1/auth/users", refreshed(client, login)).status())
                .isEqualTo(200);

        String second = unique("second-admin");
        client.account(second, PASSWORD);
        assertThat(operation("{\"operation\":\"bootstrap-super-admin\",\"email\":\"" + second + "\"}")
                        .path("errorMessage")
                        .asString())
                .as("one-time")
                .contains("named before");
    }

    @Test
    void locallyTheNamedEmailBecomesSuperAdminOnSignup(@TempDir Path otherDir) throws Exception {
        String email = unique("local-admin");
        try (LocalApi local = startNaming(otherDir, email)) {
            ApiClient client = new ApiClient(local.port());
            Answer named = client.account(email, PASSWORD);
            assertThat(client.get("/api/v1/auth/users", named.field("access_token"))
                            .status())
                    .isEqualTo(200);
            Answer other = client.account(unique("local-user"), PASSWORD);
            assertThat(client.get("/api/v1/auth/users", other.field("access_token"))
                            .status())
                    .isEqualTo(403);
        }
        // Restarted on the same data with another email: the signup works, the bootstrap stays done.
        String later = unique("later-admin");
        try (LocalApi local = startNaming(otherDir, later)) {
            ApiClient client = new ApiClient(local.port());
            Answer named = client.account(later, PASSWORD);
            assertThat(client.get("/api/v1/auth/users", named.field("access_token"))
                            .status())
                    .isEqualTo(403);
        }
    }

    private static LocalApi startNaming(Path dataDir, String email) throws Exception {
        return LocalApi.start(new LocalApi.Options(
                0,
                dataDir,
                Events.repositoryRoot().resolve("template.yaml"),
                Map.of(),
                LocalApi.DEV_SERVER_ORIGINS,
                Optional.of(email),
                false));
    }
}

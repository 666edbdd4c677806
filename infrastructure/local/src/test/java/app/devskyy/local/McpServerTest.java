package app.devskyy.local;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.testing.Events;
import app.devskyy.local.ApiClient.Answer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The MCP server at {@code /api/v1/mcp}: driven end to end by the official TypeScript SDK's client
 * ({@code infrastructure/contract/mcp-client.mjs}), and at the HTTP level for what a client meets
 * before it has a session: the 401 that points to the protected resource metadata, the metadata
 * itself, the methods a stateless server refuses, and messages that are not JSON-RPC.
 */
class McpServerTest {

    @TempDir
    static Path dataDir;

    static LocalApi api;
    static ApiClient client;
    static String token;
    static String workspace;

    @BeforeAll
    static void start() throws IOException {
        api = LocalApi.start(new LocalApi.Options(
                0,
                dataDir,
                Events.repositoryRoot().resolve("template.yaml"),
                Map.of(LocalApi.RETRY_SCALE_SETTING, "0.001")));
        PersonalWorkspace member = PersonalWorkspace.signUp(api, "mcp", Duration.ofSeconds(30));
        client = member.client();
        token = member.token();
        workspace = member.workspaceId();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void theOfficialTypeScriptClientListsToolsRunsAnAgentAndReadsTheResult() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        "node", "mcp-client.mjs", "http://127.0.0.1:" + api.port(), token, workspace)
                .directory(Events.repositoryRoot()
                        .resolve("infrastructure/contract")
                        .toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Process node = builder.start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(node.exitValue())
                .as("mcp-client.mjs failed (needs `npm ci` in infrastructure/contract): " + out)
                .isZero();
        JsonNode seen = Json.tree(out.strip().getBytes(StandardCharsets.UTF_8));
        assertThat(seen.path("protocolVersion").asString()).isEqualTo("2025-11-25");
        assertThat(seen.path("server").path("name").asString()).isEqualTo("devskyy-agents");
        assertThat(seen.path("tools").valueStream().map(JsonNode::asString))
                .contains(
                        "agents.list",
                        "runs.start",
                        "runs.get",
                        "runs.decide",
                        "knowledge.search",
                        "woocommerce.products",
                        "analytics.usage")
                .doesNotContain("woocommerce.coupon.create", "wordpress.draft.create", "web.fetch");
        assertThat(seen.path("templates").get(0).asString())
                .isEqualTo("devskyy://workspaces/{workspaceId}/runs/{runId}/result");
        assertThat(seen.path("status").asString()).as(out).isEqualTo("succeeded");
        assertThat(seen.path("result").path("status").asString()).isEqualTo("succeeded");
        assertThat(seen.path("result").path("result").path("summary").asString())
                .isNotEmpty();
        assertThat(seen.path("mimeType").asString()).isEqualTo("application/json");
        assertThat(seen.path("unknownRunIsError").asBoolean()).isTrue();
        // The run is an ordinary run of the workspace.
        Answer run = client.get(
                "/api/v1/agents/workspaces/" + workspace + "/runs/"
                        + seen.path("runId").asString(),
                token);
        assertThat(run.field("status")).isEqualTo("succeeded");
    }

    @Test
    void aClientWithoutATokenIsPointedToTheProtectedResourceMetadata() throws IOException {
        Answer refused = client.send(
                "POST",
                "/api/v1/mcp",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
                null,
                "application/json",
                Map.of("accept", "application/json, text/event-stream"));
        assertThat(refused.status()).isEqualTo(401);
        String challenge = refused.headers().get("www-authenticate");
        assertThat(challenge).startsWith("Bearer ").contains("resource_metadata=\"");
        String metadataUrl = challenge.replaceAll(".*resource_metadata=\"([^\"]+)\".*", "$1");
        String path = metadataUrl.replaceFirst("^https?://[^/]+", "");
        assertThat(path).isEqualTo("/.well-known/oauth-protected-resource/api/v1/mcp");
        for (String at : new String[] {path, "/.well-known/oauth-protected-resource"}) {
            JsonNode metadata = client.get(at, null).body();
            assertThat(metadata.path("resource").asString()).endsWith("/api/v1/mcp");
            String issuer = metadata.path("authorization_servers").get(0).asString();
            JsonNode server =
                    client.get("/.well-known/oauth-authorization-server", null).body();
            assertThat(server.path("issuer").asString()).isEqualTo(issuer);
        }
    }

    @Test
    void aStatelessServerRefusesStreamsAndWhatIsNotJsonRpc() throws IOException {
        Map<String, String> accept = Map.of("accept", "application/json, text/event-stream");
        assertThat(client.send("GET", "/api/v1/mcp", null, token, null, accept).status())
                .isEqualTo(405);
        assertThat(client.send("DELETE", "/api/v1/mcp", null, token, null, accept)
                        .status())
                .isEqualTo(405);
        Answer notJson = client.send("POST", "/api/v1/mcp", "{not json", token, "application/json", accept);
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.body().path("error").path("code").asInt()).isEqualTo(-32700);
        Answer notRpc = client.send("POST", "/api/v1/mcp", "{\"hello\":1}", token, "application/json", accept);
        assertThat(notRpc.status()).isEqualTo(400);
        Answer version = client.send(
                "POST",
                "/api/v1/mcp",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
                token,
                "application/json",
                Map.of("accept", "application/json", "mcp-protocol-version", "1999-01-01"));
        assertThat(version.status()).isEqualTo(400);
        Answer notification = client.send(
                "POST",
                "/api/v1/mcp",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                token,
                "application/json",
                accept);
        assertThat(notification.status()).isEqualTo(202);
        Answer unknown = client.send(
                "POST",
                "/api/v1/mcp",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"no.such.tool\",\"arguments\":{}}}",
                token,
                "application/json",
                accept);
        assertThat(unknown.status()).isEqualTo(200);
        assertThat(unknown.body().path("id").asInt()).isEqualTo(7);
        assertThat(unknown.body().has("error")).isTrue();
    }
}

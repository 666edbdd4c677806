package app.devskyy.local;

import static app.devskyy.local.ApiClient.unique;
import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.testing.Events;
import app.devskyy.local.ApiClient.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DynamoDB taken away mid-test, with every family still running: each answers 503 with
 * {@code Retry-After} in its own error format (problem+json, or OpenAI's envelope for the LLM
 * proxy), never a 500.
 */
class OutageTest {

    @TempDir
    static Path dataDir;

    /** The SDK gives up on an unreachable DynamoDB after its own timeouts; API Gateway waits 30 s. */
    static final Duration WAIT = Duration.ofSeconds(45);

    static LocalApi api;
    static ApiClient client;
    static String token;
    static String workspaceId;

    @BeforeAll
    static void startThenLoseDynamoDb() throws Exception {
        api = LocalApi.start(
                new LocalApi.Options(0, dataDir, Events.repositoryRoot().resolve("template.yaml")));
        client = new ApiClient(api.port(), WAIT);
        LlmWorkspace workspace = LlmWorkspace.create(api);
        token = workspace.adminToken();
        workspaceId = workspace.workspaceId();
        // Warm every path first, so that what fails below is the outage, not a first use.
        assertThat(client.get("/api/v1/auth/me", token).status()).isEqualTo(200);
        api.stopDynamoDb();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static void assertUnavailable(Answer answer) {
        assertThat(answer.status()).as(answer.raw()).isEqualTo(503);
        assertThat(answer.headers()).containsKey("retry-after");
        assertThat(Integer.parseInt(answer.headers().get("retry-after"))).isPositive();
    }

    @Test
    void knowledgeToolsAndTheMcpServerAnswer503WithRetryAfter() throws Exception {
        String agents = "/api/v1/agents/workspaces/" + workspaceId;
        assertUnavailable(client.post(agents + "/knowledge/search", "{\"query\":\"returns\"}", token));
        assertUnavailable(
                client.post(agents + "/knowledge/documents", "{\"title\":\"T\",\"content\":\"Some text.\"}", token));
        assertUnavailable(client.get(agents + "/integrations", token));
        assertUnavailable(client.send(
                "POST",
                "/api/v1/mcp",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
                token,
                "application/json",
                Map.of("accept", "application/json, text/event-stream")));
    }

    @Test
    void authAnswers503WithRetryAfter() throws Exception {
        Answer me = client.get("/api/v1/auth/me", token);
        assertUnavailable(me);
        assertThat(me.headers().get("content-type")).startsWith("application/problem+json");
        assertThat(me.body().path("status").asInt()).isEqualTo(503);
        assertUnavailable(new ApiClient(api.port(), WAIT)
                .post(
                        "/api/v1/auth/login",
                        "{\"email\":\"" + unique("gone") + "\",\"password\":\"correct horse battery\"}",
                        null));
        assertUnavailable(new ApiClient(api.port(), WAIT)
                .post(
                        "/api/v1/auth/signup",
                        "{\"email\":\"" + unique("gone")
                                + "\",\"password\":\"correct horse battery\",\"displayName\":\"G\"}",
                        null));
    }

    @Test
    void theLlmProxyAnswers503InOpenAisEnvelope() throws Exception {
        Answer chat = client.send(
                "POST",
                "/api/v1/llm/chat/completions",
                "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                token,
                "application/json",
                Map.of("x-workspace-id", workspaceId));
        assertUnavailable(chat);
        assertThat(chat.body().path("error").path("message").asString()).isNotEmpty();
        assertUnavailable(client.send(
                "GET", "/api/v1/llm/workspaces/" + workspaceId + "/usage", null, token, "application/json", Map.of()));
    }

    @Test
    void webhooksAndBillingAnswer503SoProvidersRetry() throws Exception {
        long t = Instant.now().getEpochSecond();
        String body = WebhooksTest.stripeEvent(
                "evt_outage_1",
                "invoice.paid",
                t,
                "{\"id\":\"in_1\",\"object\":\"invoice\",\"customer\":\"cus_1\",\"amount_paid\":100,\"currency\":\"usd\"}");
        assertUnavailable(client.send(
                "POST",
                "/api/v1/webhooks/stripe",
                body,
                null,
                "application/json",
                Map.of("stripe-signature", WebhooksTest.signStripe(body, "whsec_devskyy_local_stripe", t))));
        assertUnavailable(client.get("/api/v1/billing/workspaces/" + workspaceId + "/subscription", token));
        assertUnavailable(client.get("/api/v1/billing/workspaces/" + workspaceId + "/payments", token));
        assertUnavailable(
                client.post("/api/v1/billing/workspaces/" + workspaceId + "/subscription/cancel", null, token));
    }

    @Test
    void consentAnswers503WhenItCannotReadOrRecordADecision() throws Exception {
        assertUnavailable(client.get("/api/v1/gdpr/consents", token));
        assertUnavailable(client.send(
                "PUT", "/api/v1/gdpr/consents/marketing-email", "{\"granted\":false}", token, "application/json"));
    }

    @Test
    void readinessSaysWhichDependencyIsDown() throws Exception {
        Answer ready = client.get("/health/ready", null);
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.body().path("status").asString()).isEqualTo("fail");
        assertThat(ready.raw()).contains("dynamodb:");
    }
}

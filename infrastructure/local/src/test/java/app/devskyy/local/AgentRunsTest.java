package app.devskyy.local;

import static app.devskyy.local.ApiClient.unique;
import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.testing.Events;
import app.devskyy.local.ApiClient.Answer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Agent runs end to end through the local API on the offline model: the runs API starts a Step
 * Functions execution of the template's ASL file, which the local engine runs against the real
 * step functions.
 */
class AgentRunsTest {

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
        client = new ApiClient(api.port(), Duration.ofSeconds(30));
        token = client.account(unique("agents"), "correct horse battery").field("access_token");
        workspace = client.get("/api/v1/auth/workspaces", token)
                .body()
                .path("workspaces")
                .get(0)
                .path("id")
                .asString();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static String runs() {
        return "/api/v1/agents/workspaces/" + workspace + "/runs";
    }

    /** Polls the run (long polling on its ETag) until it leaves the active statuses. */
    static JsonNode awaitEnd(String runId) throws IOException {
        Instant deadline = Instant.now().plusSeconds(60);
        String etag = null;
        while (Instant.now().isBefore(deadline)) {
            Answer answer = client.send(
                    "GET",
                    runs() + "/" + runId + "?wait=5",
                    null,
                    token,
                    "application/json",
                    etag == null ? Map.of() : Map.of("if-none-match", etag));
            if (answer.status() == 200) {
                etag = answer.headers().get("etag");
                String status = answer.field("status");
                if (!status.equals("starting") && !status.equals("running") && !status.equals("awaiting_approval")) {
                    return answer.body();
                }
            } else {
                assertThat(answer.status()).isEqualTo(304);
            }
        }
        throw new AssertionError("the run did not end");
    }

    /** The execution's failures, for an assertion's message. */
    static String history(String runId) {
        return api.stepFunctions()
                .execution("arn:aws:states:us-east-1:000000000000:execution:AgentRunStateMachine:" + runId)
                .map(e -> e.history().stream()
                        .filter(event -> event.toString().contains("rror"))
                        .map(Object::toString)
                        .toList()
                        .toString())
                .orElse("no execution");
    }

    @Test
    void aMarketingRunSucceedsOnTheOfflineModel() throws Exception {
        Answer started = client.post(
                runs(),
                "{\"agent\":\"marketing\",\"goal\":\"Plan the autumn launch.\",\"inputs\":{\"season\":\"autumn\"}}",
                token);
        assertThat(started.status()).as(started.raw()).isEqualTo(202);
        String runId = started.field("runId");
        assertThat(started.headers().get("location")).endsWith("/runs/" + runId);
        JsonNode run = awaitEnd(runId);
        assertThat(run.path("status").asString())
                .as(() -> run + "\n" + history(runId))
                .isEqualTo("succeeded");
        assertThat(run.path("plan")).isNotEmpty();
        assertThat(run.path("steps").get(0).path("verdict").asString()).isEqualTo("pass");
        assertThat(run.path("result").path("summary").asString()).isNotEmpty();
        assertThat(run.path("usage").path("modelCalls").asInt()).isGreaterThanOrEqualTo(4);
    }
}

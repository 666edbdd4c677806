package app.devskyy.local;

import static app.devskyy.local.ApiClient.unique;
import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.http.BodySchema;
import app.devskyy.core.testing.Events;
import app.devskyy.local.ApiClient.Answer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
                Map.of(LocalApi.RETRY_SCALE_SETTING, "0.001", "BILLING_ENTITLEMENTS_CACHE_SECONDS", "0")));
        PersonalWorkspace member = PersonalWorkspace.signUp(api, "agents", Duration.ofSeconds(30));
        client = member.client();
        token = member.token();
        workspace = member.workspaceId();
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

    static String start(String body) throws IOException {
        Answer started = client.post(runs(), body, token);
        assertThat(started.status()).as(started.raw()).isEqualTo(202);
        return started.field("runId");
    }

    /** Polls until the run has {@code status}. */
    static JsonNode awaitStatus(String runId, String status) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            JsonNode run = client.get(runs() + "/" + runId, token).body();
            if (run.path("status").asString().equals(status)) {
                return run;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the run did not reach " + status + ": "
                + client.get(runs() + "/" + runId, token).raw());
    }

    /**
     * The run's timeline. A run's ending is written before its last event, so a caller that saw the
     * run end reads the timeline until the event of the ending is there too (at most five seconds).
     */
    static List<String> eventTypes(String runId) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plusSeconds(5);
        while (true) {
            List<String> types = new ArrayList<>();
            JsonNode run = client.get(runs() + "/" + runId, token).body();
            client.get(runs() + "/" + runId + "/events?limit=100", token)
                    .body()
                    .path("events")
                    .forEach(e -> types.add(e.path("type").asString()));
            String status = run.path("status").asString();
            boolean ended = !Set.of("starting", "running", "awaiting_approval").contains(status);
            if (!ended || types.contains(status) || Instant.now().isAfter(deadline)) {
                return types;
            }
            Thread.sleep(50);
        }
    }

    static LocalExecution execution(String runId) {
        return api.stepFunctions()
                .execution("arn:aws:states:us-east-1:000000000000:execution:AgentRunStateMachine:" + runId)
                .orElseThrow();
    }

    @Test
    void everyAgentOfTheCatalogueCompletesARunWhoseResultSatisfiesItsSchema() throws Exception {
        JsonNode catalogue = client.get("/api/v1/agents/workspaces/" + workspace + "/agents", token)
                .body();
        assertThat(catalogue.path("agents")).hasSize(6);
        Map<String, String> started = new LinkedHashMap<>();
        for (JsonNode agent : catalogue.path("agents")) {
            String name = agent.path("name").asString();
            started.put(name, start("{\"agent\":\"" + name + "\",\"goal\":\"Help the autumn launch.\"}"));
        }
        for (JsonNode agent : catalogue.path("agents")) {
            JsonNode run = awaitEnd(started.get(agent.path("name").asString()));
            assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("succeeded");
            assertThat(BodySchema.of(agent.path("outputSchema")).accepts(run.path("result")))
                    .as(agent.path("name").asString() + " result " + run.path("result"))
                    .isTrue();
            assertThat(run.path("steps")).allSatisfy(step -> {
                assertThat(step.path("status").asString()).isEqualTo("done");
                assertThat(step.path("model").asString()).isEqualTo("devskyy-offline");
            });
        }
        assertThat(eventTypes(started.get("support")))
                .containsSubsequence(
                        "started", "planned", "context_retrieved", "step_executed", "step_validated", "succeeded");
    }

    @Test
    void anApprovalBeforeEmitIsSingleUseAndItsEditsReachTheResult() throws Exception {
        String runId = start(
                "{\"agent\":\"creative\",\"goal\":\"Three concepts.\",\"options\":{\"approval\":\"before_emit\"}}");
        JsonNode waiting = awaitStatus(runId, "awaiting_approval");
        assertThat(waiting.path("approval").path("expiresAt").asString()).isNotEmpty();
        assertThat(waiting.toString()).doesNotContain("approvalToken");
        Answer approved = client.post(
                runs() + "/" + runId + "/approval", "{\"decision\":\"approve\",\"edits\":\"Make it warmer.\"}", token);
        assertThat(approved.status()).as(approved.raw()).isEqualTo(200);
        Answer again =
                client.post(runs() + "/" + runId + "/approval", "{\"decision\":\"reject\",\"reason\":\"late\"}", token);
        assertThat(again.status()).isEqualTo(409);
        JsonNode run = awaitEnd(runId);
        assertThat(run.path("status").asString()).isEqualTo("succeeded");
        assertThat(eventTypes(runId)).containsSubsequence("approval_requested", "approved", "succeeded");
    }

    @Test
    void aRejectionEndsTheRunRejectedAndAnUnansweredApprovalExpires() throws Exception {
        String rejected = start(
                "{\"agent\":\"support\",\"goal\":\"Reply to a refund request.\",\"options\":{\"approval\":\"before_emit\"}}");
        String expiring = start("{\"agent\":\"support\",\"goal\":\"Reply to a late parcel.\","
                + "\"options\":{\"approval\":\"before_emit\",\"approvalTimeoutSeconds\":1}}");
        awaitStatus(rejected, "awaiting_approval");
        Answer refused = client.post(runs() + "/" + rejected + "/approval", "{\"decision\":\"reject\"}", token);
        assertThat(refused.status()).as("a rejection needs a reason").isEqualTo(422);
        Answer edited = client.post(
                runs() + "/" + rejected + "/approval",
                "{\"decision\":\"reject\",\"reason\":\"No.\",\"edits\":\"Change it.\"}",
                token);
        assertThat(edited.status()).as("a rejection takes no edits").isEqualTo(422);
        assertThat(edited.body().path("errors").get(0).path("pointer").asString())
                .isEqualTo("/edits");
        Answer answer = client.post(
                runs() + "/" + rejected + "/approval", "{\"decision\":\"reject\",\"reason\":\"Off brand.\"}", token);
        assertThat(answer.field("status")).isEqualTo("rejected");
        assertThat(awaitEnd(rejected).path("result").isNull()).isTrue();
        JsonNode expired = awaitEnd(expiring);
        assertThat(expired.path("status").asString()).isEqualTo("expired");
        assertThat(expired.path("reason").asString()).isEqualTo("approval_timed_out");
        Thread.sleep(200);
        assertThat(execution(rejected).status()).isEqualTo(LocalExecution.Status.SUCCEEDED);
    }

    @Test
    void aSideEffectingStepWaitsForItsApprovalAndCancellingThereStopsTheExecution() throws Exception {
        String runId = start("{\"agent\":\"marketing\",\"goal\":\"Publish a draft.\","
                + "\"plan\":[{\"title\":\"Outline\",\"instruction\":\"Outline the post.\"},"
                + "{\"title\":\"Draft in WordPress\",\"instruction\":\"Create the draft.\",\"dependsOn\":[1],\"tool\":\"wordpress.draft.create\",\"arguments\":{\"title\":\"Autumn\",\"content\":\"The autumn edit.\"}}],"
                + "\"options\":{\"approval\":\"per_side_effect\"}}");
        JsonNode waiting = awaitStatus(runId, "awaiting_approval");
        assertThat(waiting.path("approval").path("stepId").asString()).isEqualTo("s002");
        assertThat(waiting.path("steps"))
                .extracting(s -> s.path("stepId").asString())
                .containsExactly("s001");
        Answer cancelled = client.post(runs() + "/" + runId + "/cancel", null, token);
        assertThat(cancelled.status()).as(cancelled.raw()).isEqualTo(200);
        assertThat(cancelled.field("status")).isEqualTo("cancelled");
        Thread.sleep(300);
        assertThat(execution(runId).status()).isEqualTo(LocalExecution.Status.ABORTED);
        JsonNode run = client.get(runs() + "/" + runId, token).body();
        assertThat(run.path("status").asString()).isEqualTo("cancelled");
        assertThat(run.path("steps")).hasSize(1);
        assertThat(client.post(runs() + "/" + runId + "/cancel", null, token).status())
                .isEqualTo(409);
        assertThat(client.post(runs() + "/" + runId + "/retry", null, token).status())
                .isEqualTo(409);
    }

    @Test
    void tenConcurrentStartsWithOneIdempotencyKeyMakeOneRun() throws Exception {
        String body = "{\"agent\":\"analytics\",\"goal\":\"Explain last week's returns.\"}";
        String key = UUID.randomUUID().toString();
        List<Future<Answer>> answers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 10; i++) {
                answers.add(threads.submit(() ->
                        client.send("POST", runs(), body, token, "application/json", Map.of("idempotency-key", key))));
            }
        }
        Set<String> runIds = new TreeSet<>();
        int replayed = 0;
        for (Future<Answer> answer : answers) {
            assertThat(answer.get().status()).as(answer.get().raw()).isEqualTo(202);
            runIds.add(answer.get().field("runId"));
            replayed += answer.get().headers().get("idempotent-replayed").equals("true") ? 1 : 0;
        }
        assertThat(runIds).hasSize(1);
        assertThat(replayed).isEqualTo(9);
        String runId = runIds.iterator().next();
        assertThat(awaitEnd(runId).path("status").asString()).isEqualTo("succeeded");
        assertThat(eventTypes(runId).stream().filter("started"::equals)).hasSize(1);
        assertThat(execution(runId).history().stream()
                        .filter(e -> e.path("type").asString().equals("ExecutionStarted")))
                .hasSize(1);
        Answer other = client.send(
                "POST",
                runs(),
                body.replace("returns", "sales"),
                token,
                "application/json",
                Map.of("idempotency-key", key));
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.body().path("type").asString()).endsWith("idempotency-key-reused");
    }

    @Test
    void aHundredStepPlanRunsWithTheStateAndHistoryFarBelowStepFunctionsLimits() throws Exception {
        // A hundred steps hold a larger cost cap than the free plan's monthly LLM budget affords.
        UsingLocalApi.subscribe(api, workspace, "team");
        StringBuilder plan = new StringBuilder("[");
        for (int i = 1; i <= 100; i++) {
            // Ten chains of ten: each step needs the one ten before it, so waves are ten wide.
            plan.append(i == 1 ? "" : ",")
                    .append("{\"title\":\"Step ")
                    .append(i)
                    .append("\",\"instruction\":\"Write part ")
                    .append(i)
                    .append(".\"")
                    .append(i > 10 ? ",\"dependsOn\":[" + (i - 10) + "]" : "")
                    .append('}');
        }
        plan.append(']');
        String runId = start("{\"agent\":\"operations\",\"goal\":\"A long checklist.\",\"plan\":" + plan
                + ",\"options\":{\"maxSteps\":100}}");
        JsonNode run = awaitEnd(runId);
        assertThat(run.path("status").asString())
                .as(run.path("reason").toString())
                .isEqualTo("succeeded");
        assertThat(run.path("steps")).hasSize(100);
        LocalExecution execution = execution(runId);
        int events = execution.history().size();
        int largest = execution.largestState();
        System.out.printf("100-step run: %d history events, largest state %d characters%n", events, largest);
        assertThat(largest).isLessThan(256 * 1024 / 10);
        assertThat(events).isLessThan(25_000 / 5);
        Answer tooLong = client.post(
                runs(),
                "{\"agent\":\"operations\",\"goal\":\"x\",\"plan\":" + plan + ",\"options\":{\"maxSteps\":99}}",
                token);
        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(tooLong.body().path("errors").get(0).path("pointer").asString())
                .isEqualTo("/plan");
    }

    @Test
    void noRunEventOrApprovalIsVisibleOrActionableFromAnotherWorkspace() throws Exception {
        String runId = start(
                "{\"agent\":\"commerce\",\"goal\":\"Price the scarves.\",\"options\":{\"approval\":\"before_emit\"}}");
        awaitStatus(runId, "awaiting_approval");
        ApiClient stranger = new ApiClient(api.port());
        String theirs =
                stranger.account(unique("stranger"), "correct horse battery").field("access_token");
        String theirWorkspace = stranger.get("/api/v1/auth/workspaces", theirs)
                .body()
                .path("workspaces")
                .get(0)
                .path("id")
                .asString();
        String mine = runs() + "/" + runId;
        String viaTheirs = "/api/v1/agents/workspaces/" + theirWorkspace + "/runs/" + runId;
        for (String path : List.of(mine, viaTheirs)) {
            assertThat(stranger.get(path, theirs).status()).as(path).isEqualTo(404);
            assertThat(stranger.get(path + "/events", theirs).status()).isEqualTo(404);
            assertThat(stranger.post(path + "/approval", "{\"decision\":\"approve\"}", theirs)
                            .status())
                    .isEqualTo(404);
            assertThat(stranger.post(path + "/cancel", null, theirs).status()).isEqualTo(404);
            assertThat(stranger.post(path + "/retry", null, theirs).status()).isEqualTo(404);
        }
        assertThat(stranger.get("/api/v1/agents/workspaces/" + theirWorkspace + "/runs", theirs)
                        .body()
                        .path("runs"))
                .isEmpty();
        assertThat(client.get(mine, token).field("status")).isEqualTo("awaiting_approval");
        assertThat(client.post(mine + "/cancel", null, token).field("status")).isEqualTo("cancelled");
    }

    @Test
    void runsListNewestFirstFilteredAndPaged() throws Exception {
        String older = start("{\"agent\":\"operations\",\"goal\":\"First.\"}");
        String newer = start("{\"agent\":\"operations\",\"goal\":\"Second.\"}");
        awaitEnd(older);
        awaitEnd(newer);
        JsonNode page = client.get(runs() + "?agent=operations&status=succeeded&limit=1", token)
                .body();
        assertThat(page.path("runs").get(0).path("runId").asString()).isEqualTo(newer);
        JsonNode next = client.get(
                        runs() + "?agent=operations&status=succeeded&limit=1&cursor="
                                + page.path("nextCursor").asString(),
                        token)
                .body();
        assertThat(next.path("runs").get(0).path("runId").asString()).isEqualTo(older);
        assertThat(client.get(runs() + "?status=sleeping", token).status()).isEqualTo(400);
        Answer first = client.get(runs() + "/" + older, token);
        Answer unchanged = client.send(
                "GET",
                runs() + "/" + older + "?wait=1",
                null,
                token,
                "application/json",
                Map.of("if-none-match", first.headers().get("etag")));
        assertThat(unchanged.status()).isEqualTo(304);
    }
}

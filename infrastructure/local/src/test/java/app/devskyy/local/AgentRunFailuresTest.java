package app.devskyy.local;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.testing.Events;
import app.devskyy.local.ApiClient.Answer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Agent runs against a priced provider speaking OpenAI's wire format (MockWebServer): outages that
 * pass, outages that outlast every retry and the redrive after them, the workspace budget under ten
 * concurrent runs, and the run's own cost cap.
 */
class AgentRunFailuresTest {

    private static final String ROUTING = """
            {"version": "test", "aliases": {"smart": {"targets": ["openai/gpt-4.1-mini"]}}}""";
    /** Four dollars per million output tokens; the mock spends every output token allowed, so costs are known. */
    private static final String PRICES = """
            {"models": {"openai/gpt-4.1-mini": {"input": 0, "output": 4.0}}}""";

    @TempDir
    static Path dataDir;

    static LocalApi api;
    static final MockWebServer openai = new MockWebServer();
    /** Whether the provider fails a request, by the answer it would give (plan, verdict, result, text). */
    static volatile Function<String, Boolean> failing = kind -> false;

    static final Map<String, AtomicInteger> answered = new HashMap<>();
    /** The last request of each kind, as the provider received it. */
    static final Map<String, JsonNode> lastRequest = new HashMap<>();

    @BeforeAll
    static void start() throws IOException {
        openai.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                JsonNode body = Json.tree(request.getBody().toByteArray());
                String kind = body.at("/response_format/json_schema/name").asString("text");
                if (failing.apply(kind)) {
                    return new MockResponse.Builder()
                            .code(503)
                            .body("{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}")
                            .build();
                }
                synchronized (answered) {
                    answered.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
                    lastRequest.put(kind, body);
                }
                String content = switch (kind) {
                    case "plan" ->
                        "{\"steps\":[{\"title\":\"Draft\",\"instruction\":\"Write the copy.\"},"
                                + "{\"title\":\"Review\",\"instruction\":\"Check it.\",\"dependsOn\":[1]}]}";
                    case "verdict" -> "{\"verdict\":\"pass\"}";
                    case "result" ->
                        "{\"summary\":\"Launch plan\",\"channels\":[{\"channel\":\"email\",\"message\":\"Hello\"}]}";
                    default -> "Step output.";
                };
                int max = body.path("max_completion_tokens")
                        .asInt(body.path("max_tokens").asInt(100));
                ObjectBody answer = new ObjectBody(content, max);
                return new MockResponse.Builder()
                        .code(200)
                        .addHeader("content-type", "application/json")
                        .body(answer.json())
                        .build();
            }
        });
        openai.start();
        Map<String, String> settings = new HashMap<>(Map.of(
                "OPENAI_API_KEY",
                "sk-mock",
                "OPENAI_BASE_URL",
                openai.url("/v1").toString(),
                "LLM_ROUTING",
                ROUTING,
                "LLM_PRICES",
                PRICES,
                "LLM_BACKOFF_MS",
                "1",
                "LLM_BREAKER_FAILURES",
                "100000",
                LocalApi.RETRY_SCALE_SETTING,
                "0.001"));
        for (String unused :
                List.of("ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "MISTRAL_API_KEY", "COHERE_API_KEY", "GROQ_API_KEY")) {
            settings.put(unused, "");
        }
        api = LocalApi.start(
                new LocalApi.Options(0, dataDir, Events.repositoryRoot().resolve("template.yaml"), settings));
    }

    /** A chat completion whose output uses the whole allowance, as a worst case does. */
    private record ObjectBody(String content, int completionTokens) {
        String json() {
            return Json.write(Json.MAPPER
                            .createObjectNode()
                            .put("id", "chatcmpl-mock")
                            .put("object", "chat.completion")
                            .put("created", 1)
                            .put("model", "gpt-4.1-mini")
                            .set(
                                    "choices",
                                    Json.MAPPER
                                            .createArrayNode()
                                            .add(Json.MAPPER
                                                    .createObjectNode()
                                                    .put("index", 0)
                                                    .put("finish_reason", "stop")
                                                    .set(
                                                            "message",
                                                            Json.MAPPER
                                                                    .createObjectNode()
                                                                    .put("role", "assistant")
                                                                    .put("content", content)))))
                    .replace(
                            "\"created\":1,",
                            "\"created\":1,\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":" + completionTokens
                                    + ",\"total_tokens\":" + (completionTokens + 10) + "},");
        }
    }

    @AfterAll
    static void stop() {
        api.close();
        openai.close();
    }

    @BeforeEach
    void providerAnswers() {
        failing = kind -> false;
        synchronized (answered) {
            answered.clear();
            lastRequest.clear();
        }
    }

    private static int answeredOf(String kind) {
        synchronized (answered) {
            return answered.getOrDefault(kind, new AtomicInteger()).get();
        }
    }

    /** A workspace of its own, with an admin token that names it. */
    private static LlmWorkspace workspace() throws IOException {
        return LlmWorkspace.create(api);
    }

    private static String runs(LlmWorkspace ws) {
        return "/api/v1/agents/workspaces/" + ws.workspaceId() + "/runs";
    }

    private static String start(LlmWorkspace ws, String body) throws IOException {
        Answer started = ws.client().post(runs(ws), body, ws.adminToken());
        assertThat(started.status()).as(started.raw()).isEqualTo(202);
        return started.field("runId");
    }

    private static JsonNode awaitEnd(LlmWorkspace ws, String runId) throws Exception {
        Instant deadline = Instant.now().plusSeconds(90);
        while (Instant.now().isBefore(deadline)) {
            JsonNode run =
                    ws.client().get(runs(ws) + "/" + runId, ws.adminToken()).body();
            String status = run.path("status").asString();
            if (!List.of("starting", "running", "awaiting_approval").contains(status)) {
                return run;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the run did not end");
    }

    private static void awaitApproval(LlmWorkspace ws, String runId) throws InterruptedException, IOException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!ws.client()
                .get(runs(ws) + "/" + runId, ws.adminToken())
                .field("status")
                .equals("awaiting_approval")) {
            assertThat(Instant.now()).isBefore(deadline);
            Thread.sleep(50);
        }
    }

    private static final String MARKETING = "{\"agent\":\"marketing\",\"goal\":\"Plan the launch.\"}";

    @Test
    void anOutageThatPassesIsRetriedAndTheRunSucceeds() throws Exception {
        AtomicInteger failures = new AtomicInteger();
        failing = kind -> kind.equals("text") && failures.incrementAndGet() <= 3;
        LlmWorkspace ws = workspace();
        JsonNode run = awaitEnd(ws, start(ws, MARKETING));
        assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("succeeded");
        assertThat(failures.get()).isGreaterThan(3);
        assertThat(run.path("steps")).hasSize(2);
    }

    @Test
    void anOutageThatOutlastsEveryRetryFailsTheRunAndARetryRepeatsNoFinishedStep() throws Exception {
        failing = kind -> kind.equals("result");
        LlmWorkspace ws = workspace();
        String runId = start(ws, MARKETING);
        JsonNode failed = awaitEnd(ws, runId);
        assertThat(failed.path("status").asString()).as(failed.toString()).isEqualTo("failed");
        assertThat(failed.path("reason").asString()).isEqualTo("execution_failed");
        int plans = answeredOf("plan");
        int steps = answeredOf("text");
        int verdicts = answeredOf("verdict");
        assertThat(List.of(plans, steps, verdicts)).containsExactly(1, 2, 2);

        failing = kind -> false;
        Answer retried = ws.client().post(runs(ws) + "/" + runId + "/retry", null, ws.adminToken());
        assertThat(retried.status()).as(retried.raw()).isEqualTo(202);
        JsonNode run = awaitEnd(ws, runId);
        assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("succeeded");
        assertThat(List.of(answeredOf("plan"), answeredOf("text"), answeredOf("verdict"), answeredOf("result")))
                .as("plan, step and verdict calls after the redrive")
                .containsExactly(plans, steps, verdicts, 1);
        assertThat(run.path("steps"))
                .allSatisfy(s -> assertThat(s.path("attempts").asInt()).isEqualTo(1));
        assertThat(ws.client()
                        .post(runs(ws) + "/" + runId + "/retry", null, ws.adminToken())
                        .status())
                .as("a run that succeeded is not retried")
                .isEqualTo(409);
    }

    @Test
    void tenConcurrentRunsAgainstABudgetThatAffordsThreeNeverSpendPastIt() throws Exception {
        LlmWorkspace ws = workspace();
        // A call spends 4096 output tokens at 4 USD a million (0.0164 USD); a run makes six, within its 0.10 cap.
        Answer budget = ws.client()
                .send(
                        "PUT",
                        "/api/v1/llm/workspaces/" + ws.workspaceId() + "/budget",
                        "{\"monthlyUsd\":0.3}",
                        ws.adminToken(),
                        "application/json");
        assertThat(budget.status()).as(budget.raw()).isEqualTo(200);
        List<String> runIds = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            runIds.add(start(
                    ws, "{\"agent\":\"marketing\",\"goal\":\"Plan the launch.\",\"options\":{\"costCapUsd\":0.1}}"));
        }
        int succeeded = 0;
        int exhausted = 0;
        BigDecimal runsSpent = BigDecimal.ZERO;
        for (String runId : runIds) {
            JsonNode run = awaitEnd(ws, runId);
            String status = run.path("status").asString();
            assertThat(status).as(run.toString()).isIn("succeeded", "budget_exhausted");
            succeeded += status.equals("succeeded") ? 1 : 0;
            exhausted += status.equals("budget_exhausted") ? 1 : 0;
            runsSpent = runsSpent.add(run.path("usage").path("costUsd").decimalValue());
        }
        JsonNode spend = ws.client()
                .get("/api/v1/llm/workspaces/" + ws.workspaceId() + "/budget", ws.adminToken())
                .body();
        BigDecimal spent = spend.path("spentUsd").decimalValue();
        System.out.printf(
                "budget 0.30 USD, ten concurrent runs: %d succeeded, %d budget_exhausted, spent %s USD%n",
                succeeded, exhausted, spent);
        assertThat(spent).isLessThanOrEqualTo(new BigDecimal("0.3"));
        assertThat(spend.path("reservedUsd").decimalValue()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(runsSpent).isEqualByComparingTo(spent);
        assertThat(succeeded).isEqualTo(3);
        assertThat(exhausted).isEqualTo(7);
    }

    @Test
    void cancellingARunReleasesWhatItReservedOfTheBudget() throws Exception {
        LlmWorkspace ws = workspace();
        String budgetPath = "/api/v1/llm/workspaces/" + ws.workspaceId() + "/budget";
        ws.client().send("PUT", budgetPath, "{\"monthlyUsd\":5}", ws.adminToken(), "application/json");
        String runId = start(
                ws,
                "{\"agent\":\"marketing\",\"goal\":\"Plan.\",\"options\":{\"costCapUsd\":2,\"approval\":\"before_emit\"}}");
        awaitApproval(ws, runId);
        JsonNode held = ws.client().get(budgetPath, ws.adminToken()).body();
        assertThat(held.path("reservedUsd").decimalValue())
                .as("the run holds its cap less what it spent")
                .isEqualByComparingTo(
                        new BigDecimal("2").subtract(held.path("spentUsd").decimalValue()));
        assertThat(ws.client()
                        .post(runs(ws) + "/" + runId + "/cancel", null, ws.adminToken())
                        .field("status"))
                .isEqualTo("cancelled");
        JsonNode released = ws.client().get(budgetPath, ws.adminToken()).body();
        assertThat(released.path("reservedUsd").decimalValue()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(released.path("spentUsd").decimalValue())
                .isEqualByComparingTo(held.path("spentUsd").decimalValue());
    }

    @Test
    void anApproversEditsReachTheModelThatWritesTheResult() throws Exception {
        LlmWorkspace ws = workspace();
        String runId =
                start(ws, "{\"agent\":\"marketing\",\"goal\":\"Plan.\",\"options\":{\"approval\":\"before_emit\"}}");
        awaitApproval(ws, runId);
        assertThat(answeredOf("result")).isZero();
        ws.client()
                .post(
                        runs(ws) + "/" + runId + "/approval",
                        "{\"decision\":\"approve\",\"edits\":\"Mention free returns.\"}",
                        ws.adminToken());
        assertThat(awaitEnd(ws, runId).path("status").asString()).isEqualTo("succeeded");
        JsonNode emitted;
        synchronized (answered) {
            emitted = lastRequest.get("result");
        }
        assertThat(emitted.path("messages").toString()).contains("Mention free returns.");
    }

    @Test
    void aRunPastItsCostCapEndsLimitExceeded() throws Exception {
        LlmWorkspace ws = workspace();
        JsonNode run = awaitEnd(
                ws, start(ws, "{\"agent\":\"marketing\",\"goal\":\"Plan.\",\"options\":{\"costCapUsd\":0.03}}"));
        assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("limit_exceeded");
        assertThat(run.path("reason").asString()).isEqualTo("cost_cap");
        assertThat(run.path("usage").path("costUsd").decimalValue()).isLessThanOrEqualTo(new BigDecimal("0.03"));
        assertThat(run.path("usage").path("modelCalls").asInt()).isEqualTo(1);
    }
}

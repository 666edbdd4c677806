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
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The plan's limits, enforced where they bite, through the local API: seats when a member is added,
 * API keys when one is made, agent runs per month when one starts, knowledge passages when a
 * document is added, the monthly LLM budget when a run reserves its cap. Small plans
 * ({@code BILLING_PLANS}) keep the numbers readable; a subscription arranged in the billing table, as
 * the webhooks record one, lifts them at once (no entitlement cached here).
 */
class PlanLimitsTest {

    static final String PLANS = """
            {"default": "free", "plans": {
              "free": {"monthlyLlmUsd": 1, "seats": 2, "apiKeys": 1, "agentRunsPerMonth": 2, "knowledgePassages": 3},
              "pro":  {"monthlyLlmUsd": 100, "seats": 5, "apiKeys": 5, "agentRunsPerMonth": 50, "knowledgePassages": 100}}}""";

    @TempDir
    static Path dataDir;

    static LocalApi api;

    @BeforeAll
    static void start() throws IOException {
        api = LocalApi.start(new LocalApi.Options(
                0,
                dataDir,
                Events.repositoryRoot().resolve("template.yaml"),
                Map.of(
                        "BILLING_PLANS",
                        PLANS,
                        "BILLING_ENTITLEMENTS_CACHE_SECONDS",
                        "0",
                        LocalApi.RETRY_SCALE_SETTING,
                        "0.001")));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static PersonalWorkspace owner() throws IOException {
        return PersonalWorkspace.signUp(api, "plans", Duration.ofSeconds(30));
    }

    static void assertPlanLimit(Answer refused, String said) {
        assertThat(refused.status()).as(refused.raw()).isEqualTo(403);
        assertThat(refused.field("type")).endsWith("/plan-limit");
        assertThat(refused.field("detail")).contains("free plan allows " + said).contains("/api/v1/billing/plans");
        assertThat(refused.headers().get("link")).contains("rel=\"upgrade\"");
    }

    @Test
    void aMemberBeyondThePlansSeatsIsRefusedUntilThePlanAllowsMore() throws IOException {
        PersonalWorkspace owner = owner();
        String members = "/api/v1/auth/workspaces/" + owner.workspaceId() + "/members";
        String[] emails = new String[3];
        for (int i = 0; i < 3; i++) {
            emails[i] = unique("seat" + i);
            owner.client().account(emails[i], PersonalWorkspace.PASSWORD);
        }
        String body = "{\"email\":\"%s\",\"role\":\"developer\"}";
        assertThat(owner.client()
                        .post(members, body.formatted(emails[0]), owner.token())
                        .status())
                .isEqualTo(201);
        Answer refused = owner.client().post(members, body.formatted(emails[1]), owner.token());
        assertPlanLimit(refused, "2 members");
        assertThat(owner.client()
                        .get(members, owner.token())
                        .body()
                        .path("members")
                        .size())
                .isEqualTo(2);

        UsingLocalApi.subscribe(api, owner.workspaceId(), "pro");
        assertThat(owner.client()
                        .post(members, body.formatted(emails[1]), owner.token())
                        .status())
                .isEqualTo(201);
    }

    @Test
    void anApiKeyBeyondThePlanIsRefusedAndARevokedOneFreesItsPlace() throws IOException {
        PersonalWorkspace owner = owner();
        String keys = "/api/v1/auth/workspaces/" + owner.workspaceId() + "/api-keys";
        Answer first = owner.client().post(keys, "{\"name\":\"ci\",\"role\":\"api_user\"}", owner.token());
        assertThat(first.status()).as(first.raw()).isEqualTo(201);
        assertPlanLimit(
                owner.client().post(keys, "{\"name\":\"two\",\"role\":\"api_user\"}", owner.token()), "1 API keys");
        assertThat(owner.client()
                        .send("DELETE", keys + "/" + first.field("id"), null, owner.token(), null)
                        .status())
                .isEqualTo(204);
        assertThat(owner.client()
                        .post(keys, "{\"name\":\"two\",\"role\":\"api_user\"}", owner.token())
                        .status())
                .isEqualTo(201);
    }

    @Test
    void agentRunsAreCountedPerMonthAndAReplayIsNotASecondRun() throws Exception {
        PersonalWorkspace owner = owner();
        String runs = "/api/v1/agents/workspaces/" + owner.workspaceId() + "/runs";
        String body = "{\"agent\":\"analytics\",\"goal\":\"Explain the month.\"}";
        Map<String, String> key = Map.of("idempotency-key", "month-1");
        Answer first = owner.client().send("POST", runs, body, owner.token(), "application/json", key);
        assertThat(first.status()).as(first.raw()).isEqualTo(202);
        Answer replay = owner.client().send("POST", runs, body, owner.token(), "application/json", key);
        assertThat(replay.headers().get("idempotent-replayed")).isEqualTo("true");
        // The same key for another request is refused (422) and takes no run of the month either.
        Answer reused = owner.client()
                .send(
                        "POST",
                        runs,
                        "{\"agent\":\"analytics\",\"goal\":\"Something else.\"}",
                        owner.token(),
                        "application/json",
                        key);
        assertThat(reused.status()).isEqualTo(422);
        assertThat(owner.client().post(runs, body, owner.token()).status()).isEqualTo(202);
        assertPlanLimit(owner.client().post(runs, body, owner.token()), "2 agent runs a month");
        UsingLocalApi.subscribe(api, owner.workspaceId(), "pro");
        assertThat(owner.client().post(runs, body, owner.token()).status()).isEqualTo(202);
    }

    @Test
    void knowledgeBeyondThePlansPassagesIsRefusedAndNothingOfItStays() throws IOException {
        PersonalWorkspace owner = owner();
        String documents = "/api/v1/agents/workspaces/" + owner.workspaceId() + "/knowledge/documents";
        Answer small = owner.client()
                .post(documents, "{\"title\":\"One\",\"content\":\"A single short passage.\"}", owner.token());
        assertThat(small.status()).as(small.raw()).isEqualTo(201);
        String longText = "Wool and linen. ".repeat(150);
        Answer refused =
                owner.client().post(documents, "{\"title\":\"Long\",\"content\":\"" + longText + "\"}", owner.token());
        assertPlanLimit(refused, "3 knowledge passages");
        assertThat(owner.client()
                        .get(documents, owner.token())
                        .body()
                        .path("documents")
                        .size())
                .isEqualTo(1);
        UsingLocalApi.subscribe(api, owner.workspaceId(), "pro");
        assertThat(owner.client()
                        .post(documents, "{\"title\":\"Long\",\"content\":\"" + longText + "\"}", owner.token())
                        .status())
                .isEqualTo(201);
    }

    @Test
    void aRunWhoseCapThePlansMonthlyBudgetCannotCoverEndsBudgetExhausted() throws Exception {
        PersonalWorkspace owner = owner();
        String runs = "/api/v1/agents/workspaces/" + owner.workspaceId() + "/runs";
        // No budget of the workspace's own: the free plan's 1 USD a month binds a run that may cost 2.
        String runId = owner.client()
                .post(
                        runs,
                        "{\"agent\":\"analytics\",\"goal\":\"Explain the month.\",\"options\":{\"costCapUsd\":2}}",
                        owner.token())
                .field("runId");
        JsonNode ended = await(owner, runs + "/" + runId);
        assertThat(ended.path("status").asString()).isEqualTo("budget_exhausted");
        assertThat(ended.path("reason").asString()).isEqualTo("workspace_budget");
    }

    @Test
    void thePlansArePublicCacheableAndTheStagesOwn() throws IOException {
        ApiClient anonymous = new ApiClient(api.port());
        Answer plans = anonymous.get("/api/v1/billing/plans", null);
        assertThat(plans.status()).isEqualTo(200);
        assertThat(plans.headers().get("cache-control")).isEqualTo("public, max-age=300");
        assertThat(plans.body().path("plans").findValuesAsString("id")).containsExactly("free", "pro");
        JsonNode free = plans.body().path("plans").get(0);
        assertThat(free.path("isDefault").asBoolean()).isTrue();
        assertThat(free.path("limits").path("seats").asInt()).isEqualTo(2);
        Answer unchanged = anonymous.send(
                "GET",
                "/api/v1/billing/plans",
                null,
                null,
                null,
                Map.of("if-none-match", plans.headers().get("etag")));
        assertThat(unchanged.status()).isEqualTo(304);
    }

    static JsonNode await(PersonalWorkspace owner, String run) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            JsonNode body = owner.client().get(run, owner.token()).body();
            if (!Set.of("starting", "running", "awaiting_approval")
                    .contains(body.path("status").asString())) {
                return body;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the run did not end");
    }
}

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
    void whatADowngradeLeavesOverTheLimitsIsFrozenNotDeletedAndThawsWithTheNextUpgrade() throws IOException {
        PersonalWorkspace owner = owner();
        String workspace = "/api/v1/auth/workspaces/" + owner.workspaceId();
        UsingLocalApi.subscribe(api, owner.workspaceId(), "pro");
        String[] emails = new String[3];
        for (int i = 0; i < 3; i++) {
            emails[i] = unique("frozen" + i);
            owner.client().account(emails[i], PersonalWorkspace.PASSWORD);
            assertThat(owner.client()
                            .post(
                                    workspace + "/members",
                                    "{\"email\":\"" + emails[i] + "\",\"role\":\"developer\"}",
                                    owner.token())
                            .status())
                    .isEqualTo(201);
        }
        String[] keys = new String[3];
        for (int i = 0; i < 3; i++) {
            Answer key = owner.client()
                    .post(workspace + "/api-keys", "{\"name\":\"k" + i + "\",\"role\":\"developer\"}", owner.token());
            assertThat(key.status()).as(key.raw()).isEqualTo(201);
            keys[i] = key.field("key");
        }

        // The plan drops to free (2 seats, 1 key): the owner and the first member keep their seats.
        UsingLocalApi.subscribe(api, owner.workspaceId(), "free");
        JsonNode members =
                owner.client().get(workspace + "/members", owner.token()).body().path("members");
        assertThat(members.size()).as("nothing is deleted").isEqualTo(4);
        assertThat(members.valueStream()
                        .filter(m -> m.path("frozen").asBoolean())
                        .count())
                .isEqualTo(2);
        String seated = login(emails[0]);
        String frozen = login(emails[2]);
        assertThat(owner.client().get(workspace, seated).status()).isEqualTo(200);
        Answer refused = owner.client().get(workspace, frozen);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.field("type")).endsWith("/frozen");
        assertThat(refused.headers().get("link")).contains("rel=\"upgrade\"");
        assertThat(owner.client()
                        .get("/api/v1/agents/workspaces/" + owner.workspaceId() + "/agents", frozen)
                        .status())
                .as("in every family, through the token's role")
                .isEqualTo(403);

        String agents = "/api/v1/agents/workspaces/" + owner.workspaceId() + "/agents";
        Answer seatedKey = owner.client().get(agents, keys[0]);
        assertThat(seatedKey.status()).as(seatedKey.raw()).isEqualTo(200);
        Answer frozenKey = owner.client().get(agents, keys[2]);
        assertThat(frozenKey.status()).isEqualTo(403);
        assertThat(frozenKey.field("type")).endsWith("/frozen");
        Answer frozenProxyKey = owner.client().get("/api/v1/llm/workspaces/" + owner.workspaceId() + "/usage", keys[1]);
        assertThat(frozenProxyKey.status()).isEqualTo(403);
        assertThat(frozenProxyKey.body().at("/error/code").asString())
                .as("the proxy says it in OpenAI's error shape")
                .isEqualTo("frozen");
        assertThat(owner.client()
                        .get(workspace + "/api-keys", owner.token())
                        .body()
                        .path("apiKeys")
                        .valueStream()
                        .filter(k -> k.path("frozen").asBoolean())
                        .count())
                .isEqualTo(2);

        UsingLocalApi.subscribe(api, owner.workspaceId(), "pro");
        assertThat(owner.client().get(workspace, login(emails[2])).status())
                .as("thawed at the next token")
                .isEqualTo(200);
    }

    private static String login(String email) throws IOException {
        return new ApiClient(api.port())
                .post(
                        "/api/v1/auth/login",
                        "{\"email\":\"" + email + "\",\"password\":\"" + PersonalWorkspace.PASSWORD + "\"}",
                        null)
                .field("access_token");
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

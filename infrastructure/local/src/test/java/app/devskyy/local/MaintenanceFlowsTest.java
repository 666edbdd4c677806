package app.devskyy.local;

import static app.devskyy.local.ApiClient.unique;
import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.testing.Events;
import app.devskyy.local.ApiClient.Answer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.databind.JsonNode;

/**
 * The maintenance routes through the local API: a platform admin runs the security scan now (an
 * asynchronous invoke of its function, as Lambda's Invoke takes it), follows the run in the jobs
 * list, finds themselves among the admins without a second factor, and acknowledges it; nobody
 * else sees any of it. The local jobs page runs a schedule too.
 */
class MaintenanceFlowsTest extends UsingLocalApi {

    @Test
    void aPlatformAdminRunsTheScanNowAndAcknowledgesWhatItFound() throws Exception {
        ApiClient client = new ApiClient(api.port());
        Answer login = client.account(unique("ops"), "correct horse battery");
        String person = login.field("access_token");
        String adminId = client.get("/api/v1/auth/me", person).field("id");
        assertThat(client.get("/api/v1/maintenance/findings", person).status()).isEqualTo(403);
        assertThat(client.post("/api/v1/maintenance/jobs/securityScanJob/run", null, person)
                        .status())
                .isEqualTo(403);
        grantPlatformRole(adminId, "admin");
        String admin = client.post(
                        "/api/v1/auth/refresh", "{\"refresh_token\":\"" + login.field("refresh_token") + "\"}", null)
                .field("access_token");

        Answer started = client.post("/api/v1/maintenance/jobs/securityScanJob/run", null, admin);
        assertThat(started.status()).as(started.raw()).isEqualTo(202);
        String slot = started.field("slot");
        JsonNode run = awaitRun(client, admin, "securityScanJob", slot);
        // The jobs route shows the schedules the template gives Scheduler.
        Map<String, String> scheduled = new HashMap<>();
        SamTemplate template = SamTemplate.load(Events.repositoryRoot().resolve("template.yaml"));
        template.schedules()
                .forEach(s -> scheduled.put(
                        template.root()
                                .path("Resources")
                                .path(s.functionId())
                                .at("/Properties/Environment/Variables/SPRING_CLOUD_FUNCTION_DEFINITION")
                                .asString(),
                        s.expression()));
        client.get("/api/v1/maintenance/jobs", admin)
                .body()
                .path("jobs")
                .forEach(job -> assertThat(job.path("schedule").asString())
                        .as(job.path("name").asString())
                        .isEqualTo(scheduled.get(job.path("name").asString())));
        assertThat(run.path("seen").asLong()).isPositive();
        assertThat(client.post("/api/v1/maintenance/jobs/noSuchJob/run", null, admin)
                        .status())
                .isEqualTo(404);

        Answer found = client.get("/api/v1/maintenance/findings?rule=admin-without-mfa&state=open", admin);
        assertThat(found.status()).as(found.raw()).isEqualTo(200);
        JsonNode mine = found.body()
                .path("findings")
                .valueStream()
                .filter(f -> f.path("subject").asString().equals(adminId))
                .findFirst()
                .orElseThrow(() -> new AssertionError(found.raw()));
        assertThat(mine.path("severity").asString()).isEqualTo("high");
        String findingId = mine.path("id").asString();
        Answer acknowledged = client.post("/api/v1/maintenance/findings/" + findingId + "/acknowledge", null, admin);
        assertThat(acknowledged.status()).as(acknowledged.raw()).isEqualTo(200);
        assertThat(acknowledged.field("state")).isEqualTo("acknowledged");
        assertThat(acknowledged.field("acknowledgedBy")).isEqualTo(adminId);
        assertThat(client.post("/api/v1/maintenance/findings/" + findingId + "/acknowledge", null, admin)
                        .status())
                .isEqualTo(409);
        assertThat(client.get("/api/v1/maintenance/findings?state=acknowledged&severity=high", admin)
                        .body()
                        .path("findings")
                        .valueStream()
                        .map(f -> f.path("id").asString()))
                .contains(findingId);
        assertThat(client.get("/api/v1/maintenance/findings?rule=no-such-rule", admin)
                        .status())
                .isEqualTo(400);
        assertThat(client.get("/api/v1/maintenance/findings?cursor=bm90LW91cnM", admin)
                        .status())
                .isEqualTo(400);
        try (DynamoDbClient dynamoDb = dynamoDb()) {
            assertThat(dynamoDb.query(r -> r.tableName("AuditTable")
                                    .keyConditionExpression("pk = :pk")
                                    .expressionAttributeValues(
                                            Map.of(":pk", AttributeValue.fromS("SYSTEM#maintenance"))))
                            .items())
                    .extracting(e -> e.get("action").s())
                    .contains("job.run:securityScanJob", "finding.acknowledged:admin-without-mfa");
        }
    }

    @Test
    void deadLettersAreAFindingUntilAnAdminMovesThemBack() throws Exception {
        ApiClient client = new ApiClient(api.port());
        String admin = platformAdmin(api, "ops-dlq");
        api.queues().send("WebhookDeadLetterQueue", "{\"provider\":\"stripe\",\"eventId\":\"evt_parked\"}");

        Answer started = client.post("/api/v1/maintenance/jobs/deadLetterJob/run", null, admin);
        assertThat(started.status()).as(started.raw()).isEqualTo(202);
        awaitRun(client, admin, "deadLetterJob", started.field("slot"));
        Answer found = client.get("/api/v1/maintenance/findings?rule=dead-letters&state=open", admin);
        assertThat(found.body()
                        .path("findings")
                        .valueStream()
                        .map(f -> f.path("subject").asString()))
                .contains("webhooks");

        Answer moved = client.post("/api/v1/maintenance/dead-letters/webhooks/redrive", null, admin);
        assertThat(moved.status()).as(moved.raw()).isEqualTo(202);
        assertThat(moved.field("taskHandle")).isNotBlank();
        assertThat(api.queues().messages("WebhookDeadLetterQueue"))
                .as("moved back to the webhook queue")
                .isEmpty();
        assertThat(client.post("/api/v1/maintenance/dead-letters/elsewhere/redrive", null, admin)
                        .status())
                .isEqualTo(404);
    }

    /**
     * The agents family's half of stopping a run past its wall time: the execution's ABORTED
     * status change, with the job's error name, records the run as limit_exceeded (not cancelled).
     */
    @Test
    void aRunWhoseExecutionTheJobStoppedEndsLimitExceeded() throws Exception {
        String runId = "run_" + UUID.randomUUID().toString().replace("-", "");
        String workspaceId = "ws_" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() - 7_200_000;
        try (DynamoDbClient dynamoDb = dynamoDb()) {
            dynamoDb.putItem(r -> r.tableName("AgentsTable")
                    .item(Map.ofEntries(
                            Map.entry("pk", AttributeValue.fromS("WS#" + workspaceId)),
                            Map.entry("sk", AttributeValue.fromS("RUN#" + runId)),
                            Map.entry("runId", AttributeValue.fromS(runId)),
                            Map.entry("workspaceId", AttributeValue.fromS(workspaceId)),
                            Map.entry("agent", AttributeValue.fromS("marketing")),
                            Map.entry("status", AttributeValue.fromS("running")),
                            Map.entry("maxWallSeconds", AttributeValue.fromN("3600")),
                            Map.entry("createdAt", AttributeValue.fromN(Long.toString(created))),
                            Map.entry("updatedAt", AttributeValue.fromN(Long.toString(created))),
                            Map.entry("version", AttributeValue.fromN("1")))));
            String input = "{\\\"runId\\\":\\\"" + runId + "\\\",\\\"workspaceId\\\":\\\"" + workspaceId + "\\\"}";
            String event =
                    "{\"id\":\"e1\",\"detail-type\":\"Step Functions Execution Status Change\",\"source\":\"aws.states\","
                            + "\"detail\":{\"executionArn\":\"arn:aws:states:us-east-1:000000000000:execution:AgentRunStateMachine:"
                            + runId + "\",\"name\":\"" + runId + "\",\"status\":\"ABORTED\",\"input\":\"" + input
                            + "\",\"error\":\"WallTimeExceeded\",\"cause\":\"The run passed its wall-time limit.\"}}";
            JsonNode recorded =
                    Json.tree(api.invoke("AgentExecutionEndedFunction", event.getBytes(StandardCharsets.UTF_8)));
            assertThat(recorded.path("status").asString())
                    .as(recorded.toString())
                    .isEqualTo("limit_exceeded");
            Map<String, AttributeValue> run = dynamoDb.getItem(r -> r.tableName("AgentsTable")
                            .key(Map.of(
                                    "pk", AttributeValue.fromS("WS#" + workspaceId),
                                    "sk", AttributeValue.fromS("RUN#" + runId))))
                    .item();
            assertThat(run.get("status").s()).isEqualTo("limit_exceeded");
            assertThat(run.get("reason").s()).isEqualTo("wall_time");
        }
    }

    @Test
    void theLocalJobsPageListsTheSchedulesAndRunsOneNow() throws Exception {
        try (HttpClient http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .build()) {
            HttpResponse<String> page = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/docs/jobs"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("SecurityScanJobFunction", "rate(1 hour)", "Run now");
            HttpResponse<String> ran = http.send(
                    HttpRequest.newBuilder(URI.create(
                                    "http://127.0.0.1:" + api.port() + "/docs/jobs/DsrDeadlineJobFunction/run"))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ran.statusCode()).isEqualTo(303);
        }
        ApiClient client = new ApiClient(api.port());
        String admin = platformAdmin(api, "ops-page");
        for (int i = 0; i < 100; i++) {
            JsonNode job = job(client, admin, "dsrDeadlineJob");
            if (job.path("lastRun").path("status").asString("").equals("complete")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the run the page started did not complete");
    }

    private static JsonNode job(ApiClient client, String admin, String name) throws Exception {
        Answer jobs = client.get("/api/v1/maintenance/jobs", admin);
        assertThat(jobs.status()).as(jobs.raw()).isEqualTo(200);
        return jobs.body()
                .path("jobs")
                .valueStream()
                .filter(j -> j.path("name").asString().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static JsonNode awaitRun(ApiClient client, String admin, String name, String slot) throws Exception {
        for (int i = 0; i < 200; i++) {
            JsonNode run = job(client, admin, name).path("lastRun");
            if (run.path("slot").asString("").equals(slot)
                    && run.path("status").asString().equals("complete")) {
                return run;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the run of " + slot + " did not complete");
    }
}

package app.devskyy.local;

import static app.devskyy.local.ApiClient.unique;
import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.testing.Events;
import app.devskyy.local.ApiClient.Answer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.databind.JsonNode;

/**
 * The agent-run definition under an independent engine: {@code infrastructure/contract/asl-check.mjs}
 * validates it with asl-validator and runs it with aws-local-stepfunctions, whose Tasks invoke the
 * real Java step functions through the local server's Lambda Invoke API. Runs are arranged in the
 * runs table as the runs API leaves them when their execution starts; the engine then drives them:
 * through planning, waves of steps (nested Maps, the per-step approval), the final approval and
 * emission, and through the Catch into the finish step.
 */
class AslEngineTest extends UsingLocalApi {

    @TempDir
    static Path work;

    private static String arrangeRun(String workspaceId, String userId, String agent, String approval, String plan) {
        String runId = "run_" + UUID.randomUUID().toString().replace("-", "");
        long now = System.currentTimeMillis();
        Map<String, AttributeValue> item = new HashMap<>(Map.ofEntries(
                Map.entry("pk", AttributeValue.fromS("WS#" + workspaceId)),
                Map.entry("sk", AttributeValue.fromS("RUN#" + runId)),
                Map.entry("runId", AttributeValue.fromS(runId)),
                Map.entry("workspaceId", AttributeValue.fromS(workspaceId)),
                Map.entry("agent", AttributeValue.fromS(agent)),
                Map.entry("goal", AttributeValue.fromS("Launch the autumn collection.")),
                Map.entry("model", AttributeValue.fromS("smart")),
                Map.entry("maxSteps", AttributeValue.fromN("20")),
                Map.entry("maxWallSeconds", AttributeValue.fromN("600")),
                Map.entry("capMicros", AttributeValue.fromN("1000000")),
                Map.entry("approvalPolicy", AttributeValue.fromS(approval)),
                Map.entry("approverRole", AttributeValue.fromS("admin")),
                Map.entry("status", AttributeValue.fromS("running")),
                Map.entry("startedBy", AttributeValue.fromS("user:" + userId)),
                Map.entry("createdAt", AttributeValue.fromN(Long.toString(now))),
                Map.entry("updatedAt", AttributeValue.fromN(Long.toString(now))),
                Map.entry("version", AttributeValue.fromN("1")),
                Map.entry("expiresAt", AttributeValue.fromN(Long.toString(now / 1000 + 86_400)))));
        if (plan != null) {
            item.put("plan", AttributeValue.fromS(plan));
        }
        try (DynamoDbClient dynamoDb = dynamoDb()) {
            dynamoDb.putItem(r -> r.tableName("AgentsTable").item(item));
        }
        return runId;
    }

    @Test
    void theDefinitionValidatesAndRunsUnderAwsLocalStepFunctionsAgainstTheRealSteps() throws Exception {
        ApiClient client = new ApiClient(api.port());
        String token = client.account(unique("asl"), "correct horse battery").field("access_token");
        String userId = client.get("/api/v1/auth/me", token).field("id");
        String workspaceId = client.get("/api/v1/auth/workspaces", token)
                .body()
                .path("workspaces")
                .get(0)
                .path("id")
                .asString();
        String plan =
                "[{\"stepId\":\"s001\",\"title\":\"Outline\",\"instruction\":\"Outline the post.\",\"dependsOn\":[],\"tool\":null,\"sideEffect\":false},"
                        + "{\"stepId\":\"s002\",\"title\":\"Facts\",\"instruction\":\"Collect the facts.\",\"dependsOn\":[],\"tool\":null,\"sideEffect\":false},"
                        + "{\"stepId\":\"s003\",\"title\":\"Draft\",\"instruction\":\"Create the draft.\",\"dependsOn\":[\"s001\",\"s002\"],"
                        + "\"tool\":\"wordpress.draft.create\",\"sideEffect\":true,"
                        + "\"arguments\":{\"title\":\"Autumn\",\"content\":\"The autumn edit.\"}}]";
        String planned = arrangeRun(workspaceId, userId, "marketing", "before_emit", null);
        String waves = arrangeRun(workspaceId, userId, "marketing", "per_side_effect", plan);
        String unknown = arrangeRun(workspaceId, userId, "ghost", "never", null);

        List<String> inputs = new ArrayList<>();
        for (String runId : List.of(planned, waves, unknown)) {
            inputs.add("{\"runId\":\"" + runId + "\",\"workspaceId\":\"" + workspaceId
                    + "\",\"approvalTimeoutSeconds\":60}");
        }
        List<JsonNode> lines = underTheEngine("AgentRunStateMachine", inputs);
        String out = lines.toString();
        assertThat(lines).as(out).hasSize(4);
        assertThat(lines.get(0).path("validator").asBoolean()).as(out).isTrue();
        assertThat(lines.subList(1, 4))
                .as(out)
                .allSatisfy(l -> assertThat(l.path("status").asString()).isEqualTo("SUCCEEDED"));

        String runs = "/api/v1/agents/workspaces/" + workspaceId + "/runs/";
        JsonNode first = client.get(runs + planned, token).body();
        assertThat(first.path("status").asString()).as(first + "\n" + out).isEqualTo("succeeded");
        assertThat(first.path("result").path("summary").asString()).isNotEmpty();
        JsonNode second = client.get(runs + waves, token).body();
        assertThat(second.path("status").asString()).as(second.toString()).isEqualTo("succeeded");
        assertThat(second.path("steps"))
                .extracting(s -> s.path("status").asString())
                .containsExactly("done", "done", "done");
        JsonNode third = client.get(runs + unknown, token).body();
        assertThat(third.path("status").asString())
                .as("the Catch led to the finish step")
                .isEqualTo("failed");
        assertThat(lines.get(3).path("output").path("finished").path("status").asString())
                .isEqualTo("failed");
    }

    /**
     * The data subject request definition too: an approved access request, its execution started
     * by the independent engine rather than the API, goes through every family's privacy task and
     * ends complete with an archive; a request that names nothing is caught into the failed step.
     */
    @Test
    void theDataSubjectRequestDefinitionRunsUnderAwsLocalStepFunctionsAgainstTheRealTasks() throws Exception {
        ApiClient client = new ApiClient(api.port());
        String token =
                client.account(unique("asl-dsr"), "correct horse battery").field("access_token");
        Answer created = client.post("/api/v1/gdpr/requests", "{\"type\":\"access\"}", token);
        String requestId = created.field("id");
        try (DynamoDbClient dynamoDb = dynamoDb()) {
            // As the approval leaves it, just before the API would start the execution.
            dynamoDb.updateItem(r -> r.tableName("GdprTable")
                    .key(Map.of("pk", AttributeValue.fromS("REQ#" + requestId), "sk", AttributeValue.fromS("REQUEST")))
                    .updateExpression("SET #s = :approved")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(":approved", AttributeValue.fromS("approved"))));
        }
        List<JsonNode> lines = underTheEngine(
                "DataSubjectRequestStateMachine",
                List.of("{\"requestId\":\"" + requestId + "\"}", "{\"requestId\":\"dsr_" + "0".repeat(28) + "\"}"));
        String out = lines.toString();
        assertThat(lines).as(out).hasSize(3);
        assertThat(lines.get(0).path("validator").asBoolean()).as(out).isTrue();
        JsonNode done = lines.get(1);
        assertThat(done.path("status").asString()).as(out).isEqualTo("SUCCEEDED");
        assertThat(done.path("output").path("done").propertyNames())
                .containsExactlyInAnyOrder("agents", "llm", "billing", "gdpr", "maintenance", "auth");
        assertThat(done.path("output").path("done").path("auth").path("found").asInt())
                .isPositive();
        assertThat(client.get("/api/v1/gdpr/requests/" + requestId, token).field("status"))
                .isEqualTo("complete");
        assertThat(lines.get(2).path("status").asString())
                .as("no such request: Begin fails for good, the failed step runs, the execution fails")
                .isEqualTo("FAILED");
        assertThat(lines.get(2).path("cause").asString()).contains("the request is in error");
    }

    /**
     * Runs a state machine of the template under asl-check.mjs, one execution per input, its tasks
     * invoking the local server's functions; the script's lines (the validator's first).
     */
    private static List<JsonNode> underTheEngine(String machine, List<String> inputs) throws Exception {
        Path definition = work.resolve(machine + ".json");
        Files.write(
                definition, Json.writeBytes(api.stepFunctions().definitions().get(machine)));
        List<String> command = new ArrayList<>(List.of("node", "asl-check.mjs", definition.toString()));
        command.addAll(inputs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(Events.repositoryRoot()
                        .resolve("infrastructure/contract")
                        .toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:" + api.port());
        Process node = builder.start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(node.exitValue())
                .as("asl-check.mjs failed (needs `npm ci` in infrastructure/contract): " + out)
                .isZero();
        return out.lines()
                .map(l -> Json.tree(l.getBytes(StandardCharsets.UTF_8)))
                .toList();
    }
}

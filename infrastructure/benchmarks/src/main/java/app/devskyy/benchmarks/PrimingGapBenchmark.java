package app.devskyy.benchmarks;

import app.devskyy.core.Json;
import app.devskyy.local.LocalApi;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What SnapStart's priming buys, function by function: the local API supplies the stores, an
 * account, a workspace and a platform admin's token; each function then runs in a JVM of its own
 * ({@link PrimingGapProbe}), is primed as before a snapshot, and its first real event is timed
 * against the median of the next {@link #WARM}. Whatever the first event still pays is a priming
 * gap. Results go to standard output and {@code infrastructure/benchmarks/target/priming-gap.md}.
 */
public final class PrimingGapBenchmark {

    private static final int WARM = 100;

    /** A function of the template and the event of each of its requests, by number (0: the first). */
    private record Probe(String function, String what, IntFunction<JsonNode> event) {}

    private PrimingGapBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path data = Files.createTempDirectory("priming-gap");
        try (LocalApi api = LocalApi.start(new LocalApi.Options(0, data, Path.of("template.yaml"), Map.of()))) {
            LocalCaller person = LocalCaller.signUp(api.port());
            String workspace = person.workspaceId();
            String userId = person.get("/api/v1/auth/me").path("id").asString();
            try (DynamoDbClient dynamoDb = DynamoDbClient.builder()
                    .endpointOverride(api.dynamoDbEndpoint())
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("b", "b")))
                    .build()) {
                dynamoDb.updateItem(r -> r.tableName("AuthTable")
                        .key(Map.of(
                                "pk", AttributeValue.fromS("USER#" + userId), "sk", AttributeValue.fromS("PROFILE")))
                        .updateExpression("SET platformRole = :role")
                        .expressionAttributeValues(Map.of(":role", AttributeValue.fromS("admin"))));
            }
            // A token that carries the platform role, for the maintenance routes.
            LocalCaller admin = person.refreshed();
            String token = admin.token();

            List<Probe> probes = List.of(
                    new Probe("HealthFunction", "GET /health/ready", n -> http("GET", "/health/ready", null, n)),
                    new Probe("AuthFunction", "GET /api/v1/auth/me", n -> http("GET", "/api/v1/auth/me", token, n)),
                    new Probe(
                            "LlmFunction",
                            "GET …/llm/workspaces/{id}/usage",
                            n -> http("GET", "/api/v1/llm/workspaces/" + workspace + "/usage", token, n)),
                    new Probe(
                            "WebhooksFunction",
                            "GET …/billing/workspaces/{id}/subscription",
                            n -> http("GET", "/api/v1/billing/workspaces/" + workspace + "/subscription", token, n)),
                    new Probe(
                            "GdprFunction",
                            "GET /api/v1/gdpr/consents",
                            n -> http("GET", "/api/v1/gdpr/consents", token, n)),
                    new Probe(
                            "AgentsFunction",
                            "GET …/agents/workspaces/{id}/runs",
                            n -> http("GET", "/api/v1/agents/workspaces/" + workspace + "/runs", token, n)),
                    new Probe(
                            "MaintenanceFunction",
                            "GET /api/v1/maintenance/findings",
                            n -> http("GET", "/api/v1/maintenance/findings", token, n)),
                    new Probe(
                            "WebhookProcessorFunction",
                            "an SQS batch of one Stripe event (parked)",
                            PrimingGapBenchmark::queued),
                    new Probe(
                            "RetentionJobFunction",
                            "a Scheduler event (a run over the stores)",
                            PrimingGapBenchmark::scheduled));
            // The other jobs, each on Scheduler events of slots of its own.
            List<Probe> all = new ArrayList<>(probes);
            for (String job : List.of(
                    "SecurityScanJobFunction",
                    "SpendAnomalyJobFunction",
                    "DsrDeadlineJobFunction",
                    "DeadLetterJobFunction",
                    "AgentRunsJobFunction",
                    "KeyRotationJobFunction",
                    "BillingReconciliationJobFunction")) {
                all.add(new Probe(job, "a Scheduler event", PrimingGapBenchmark::scheduled));
            }
            // The privacy tasks, each erasing a person the stores do not hold (idempotent).
            JsonNode erase = Json.tree(Files.readAllBytes(Path.of("events/auth/privacy-erase.json")));
            for (String task : List.of(
                    "AuthPrivacyFunction",
                    "LlmPrivacyFunction",
                    "BillingPrivacyFunction",
                    "AgentsPrivacyFunction",
                    "GdprPrivacyFunction",
                    "MaintenancePrivacyFunction")) {
                all.add(new Probe(task, "an erasure of a person not held", n -> erase));
            }
            // The listeners of ended executions, told of a run or request the stores do not hold.
            JsonNode ended = Json.tree(Files.readAllBytes(Path.of("events/agents/eventbridge-execution-failed.json")));
            for (String listener : List.of("AgentExecutionEndedFunction", "GdprRequestFailedFunction")) {
                all.add(new Probe(listener, "an execution's status change, unknown execution", n -> ended));
            }

            StringBuilder report = new StringBuilder(
                    "| function | event | first ms | warm median ms | first / warm | within 2x | classes the first event loaded | first answer |\n"
                            + "|---|---|---|---|---|---|---|---|\n");
            for (Probe probe : all) {
                // Named functions only, when any are named.
                if (args.length > 0 && !List.of(args).contains(probe.function())) {
                    continue;
                }
                String[] result = probe(api, probe);
                double first = Double.parseDouble(result[0]);
                double warm = Double.parseDouble(result[1]);
                report.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %.1f | %.2f | %.1f | %s | %s | `%s` |%n",
                        probe.function(),
                        probe.what(),
                        first,
                        warm,
                        first / warm,
                        first / warm <= 2 ? "yes" : "no",
                        result[2],
                        result[3].replace("|", "\\|")));
                System.out.println(probe.function() + ": first " + result[0] + " ms, warm " + result[1] + " ms");
            }
            System.out.print(report);
            Path out = Path.of("infrastructure/benchmarks/target/priming-gap.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
        }
        // DynamoDB Local's server threads would keep the JVM alive, as in the other benchmarks.
        System.exit(0);
    }

    /** Runs one probe JVM; its first-event time, warm median and the start of its first answer. */
    private static String[] probe(LocalApi api, Probe probe) throws Exception {
        Map<String, String> settings = new HashMap<>(api.settings(probe.function()));
        // The local API's agents function holds its Lucene index open: a probe gets one of its own.
        settings.put(
                "KNOWLEDGE_LUCENE_DIR",
                Files.createTempDirectory("probe-lucene").toString());
        ObjectNode input = Json.MAPPER.createObjectNode();
        input.set("settings", Json.MAPPER.valueToTree(settings));
        ArrayNode events = input.putArray("events");
        for (int n = 0; n <= WARM; n++) {
            events.add(probe.event().apply(n));
        }
        Path file = Files.createTempFile("probe", ".json");
        Files.write(file, Json.writeBytes(input));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // As template.yaml's JAVA_TOOL_OPTIONS: the client compiler only, as Lambda runs Java.
                "-XX:+TieredCompilation",
                "-XX:TieredStopAtLevel=1",
                "-Dorg.springframework.boot.logging.LoggingSystem=none",
                "-Dlog4j2.configurationFile=classpath:log4j2-local.xml",
                "-cp",
                System.getProperty("java.class.path"),
                PrimingGapProbe.class.getName(),
                probe.function(),
                settings.get("MAIN_CLASS"),
                settings.get("SPRING_CLOUD_FUNCTION_DEFINITION"),
                file.toString()));
        if (Boolean.getBoolean("priming.classes")) {
            // The JVM names each class it loads, to list the first event's (in target/priming-gap).
            command.add(1, "-Xlog:class+load=info:stdout");
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String result = null;
        Deque<String> last = new ArrayDeque<>();
        List<String> loadedByFirst = new ArrayList<>();
        boolean inFirst = false;
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("PROBE-RESULT ")) {
                    result = line.substring("PROBE-RESULT ".length());
                } else if (line.startsWith("PROBE-FIRST-EVENT")) {
                    inFirst = line.equals("PROBE-FIRST-EVENT");
                } else if (inFirst && line.contains("[class,load]")) {
                    loadedByFirst.add(line.substring(line.indexOf("[class,load]") + 13));
                }
                last.addLast(line);
                if (last.size() > 30) {
                    last.removeFirst();
                }
            }
        }
        process.waitFor();
        if (!loadedByFirst.isEmpty()) {
            Path list = Path.of("infrastructure/benchmarks/target/priming-gap", probe.function() + ".classes");
            Files.createDirectories(list.getParent());
            Files.write(list, loadedByFirst);
        }
        if (result == null) {
            throw new IllegalStateException(
                    probe.function() + ": the probe gave no result; its last lines:\n" + String.join("\n", last));
        }
        return result.split(" ", 4);
    }

    /** An API Gateway payload 2.0 event, as the HTTP API hands it to the function. */
    private static JsonNode http(String method, String path, String token, int n) {
        ObjectNode event = Json.MAPPER
                .createObjectNode()
                .put("version", "2.0")
                .put("routeKey", "$default")
                .put("rawPath", path)
                .put("rawQueryString", "")
                .put("isBase64Encoded", false);
        ObjectNode headers = event.putObject("headers").put("user-agent", "priming-gap");
        if (token != null) {
            headers.put("authorization", "Bearer " + token);
        }
        ObjectNode context = event.putObject("requestContext")
                .put("requestId", "gap-" + n)
                .put("routeKey", "$default")
                .put("stage", "$default")
                .put("timeEpoch", System.currentTimeMillis());
        context.putObject("http")
                .put("method", method)
                .put("path", path)
                .put("protocol", "HTTP/1.1")
                .put("sourceIp", "192.0.2.10")
                .put("userAgent", "priming-gap");
        return event;
    }

    /** An SQS batch of one verified Stripe event for a customer no workspace is linked to: it is parked. */
    private static JsonNode queued(int n) {
        String id = "evt_gap_" + System.nanoTime() + "_" + n;
        ObjectNode inbound = Json.MAPPER
                .createObjectNode()
                .put("provider", "stripe")
                .put("id", id)
                .put("type", "invoice.paid")
                .put("changedAt", System.currentTimeMillis());
        inbound.putArray("dedupeKeys").add("stripe#" + id);
        inbound.putObject("payload")
                .put("id", id)
                .put("type", "invoice.paid")
                .putObject("data")
                .putObject("object")
                .put("id", "in_gap")
                .put("customer", "cus_gap");
        ObjectNode batch = Json.MAPPER.createObjectNode();
        ObjectNode record = batch.putArray("Records")
                .addObject()
                .put("messageId", "m-" + n)
                .put("receiptHandle", "h-" + n)
                .put("body", Json.write(inbound))
                .put("md5OfBody", "")
                .put("eventSource", "aws:sqs")
                .put("eventSourceARN", "arn:aws:sqs:us-east-1:000000000000:WebhookQueue")
                .put("awsRegion", "us-east-1");
        record.putObject("attributes")
                .put("ApproximateReceiveCount", "1")
                .put("SentTimestamp", Long.toString(System.currentTimeMillis()))
                .put("SenderId", "priming-gap")
                .put("ApproximateFirstReceiveTimestamp", Long.toString(System.currentTimeMillis()));
        record.putObject("messageAttributes");
        return batch;
    }

    /** A Scheduler event of a slot of its own (a slot already run would answer without working). */
    private static JsonNode scheduled(int n) {
        return Json.MAPPER
                .createObjectNode()
                .put(
                        "scheduledTime",
                        Instant.parse("2030-01-01T02:45:00Z")
                                .plusSeconds(86_400L * n)
                                .toString())
                .put("executionId", "gap-" + n)
                .put("scheduleArn", "arn:aws:scheduler:us-east-1:000000000000:schedule/default/priming-gap");
    }
}

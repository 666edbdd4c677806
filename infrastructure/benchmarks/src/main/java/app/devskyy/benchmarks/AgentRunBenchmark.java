package app.devskyy.benchmarks;

import app.devskyy.core.Json;
import app.devskyy.local.LocalApi;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import tools.jackson.databind.JsonNode;

/**
 * What orchestration costs an agent run, per step: runs of a {@link #STEPS}-step plan through the
 * local API and the local Step Functions engine, against a provider that takes a fixed time per
 * call (no tools are called, so tool time is nil). The run's own timestamps give its wall time;
 * the provider counts the time it spent answering it; the rest is orchestration (API, execution,
 * task invocations, store reads and writes, budget and cap holds), divided by the steps. Every
 * DynamoDB call of the run is counted (the SDK's, by operation). Results go to standard output and
 * {@code infrastructure/benchmarks/target/agents.md}.
 */
public final class AgentRunBenchmark {

    static final int STEPS = 20;
    private static final int WARMUP = 2;
    private static final int RUNS = 5;
    private static final long PROVIDER_MILLIS = 200;
    private static final String EXECUTIONS = "arn:aws:states:us-east-1:000000000000:execution:AgentRunStateMachine:";

    private AgentRunBenchmark() {}

    public static void main(String[] args) throws Exception {
        AtomicLong providerNanos = new AtomicLong();
        String plan = IntStream.rangeClosed(1, STEPS)
                .mapToObj(i -> "{\"title\":\"Step " + i + "\",\"instruction\":\"Do part " + i + ".\""
                        + (i > 1 ? ",\"dependsOn\":[" + (i - 1) + "]" : "") + "}")
                .collect(Collectors.joining(",", "{\"steps\":[", "]}"));
        HttpServer provider = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        provider.createContext("/", exchange -> {
            long start = System.nanoTime();
            JsonNode body = Json.tree(exchange.getRequestBody().readAllBytes());
            String kind = body.at("/response_format/json_schema/name").asString("text");
            String content = switch (kind) {
                case "plan" -> plan;
                case "verdict" -> "{\"verdict\":\"pass\"}";
                case "result" ->
                    "{\"summary\":\"Launch plan\",\"channels\":[{\"channel\":\"email\",\"message\":\"Hello\"}]}";
                default -> "Step output.";
            };
            try {
                Thread.sleep(PROVIDER_MILLIS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            byte[] answer = ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1,"
                            + "\"model\":\"gpt-4.1-mini\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\","
                            + "\"message\":{\"role\":\"assistant\",\"content\":" + Json.write(content) + "}}],"
                            + "\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":20,\"total_tokens\":120}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
            providerNanos.addAndGet(System.nanoTime() - start);
        });
        provider.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        provider.start();
        Map<String, String> settings = new HashMap<>(Map.of(
                "OPENAI_API_KEY", "sk-bench",
                "OPENAI_BASE_URL", "http://127.0.0.1:" + provider.getAddress().getPort() + "/v1",
                "LLM_ROUTING", "{\"aliases\": {\"smart\": {\"targets\": [\"openai/gpt-4.1-mini\"]}}}"));
        for (String unused :
                List.of("ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "MISTRAL_API_KEY", "COHERE_API_KEY", "GROQ_API_KEY")) {
            settings.put(unused, "");
        }
        Path data = Files.createTempDirectory("agents-bench");
        try (LocalApi api = LocalApi.start(new LocalApi.Options(0, data, Path.of("template.yaml"), settings));
                SfnClient sfn = SfnClient.builder()
                        .endpointOverride(URI.create("http://127.0.0.1:" + api.port() + "/_aws/sfn"))
                        .region(Region.US_EAST_1)
                        .credentialsProvider(
                                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                        .httpClientBuilder(UrlConnectionHttpClient.builder())
                        .build()) {
            LocalCaller caller = LocalCaller.signUp(api.port());
            String runs = "/api/v1/agents/workspaces/" + caller.workspaceId() + "/runs";
            List<double[]> samples = new ArrayList<>();
            Map<String, Long> calls = new TreeMap<>();
            int tasks = 0;
            int modelCalls = 0;
            for (int i = 0; i < WARMUP + RUNS; i++) {
                long providerBefore = providerNanos.get();
                Map<String, Long> before = StoreCalls.snapshot();
                String runId = caller.post(runs, "{\"agent\":\"marketing\",\"goal\":\"Plan the launch.\"}")
                        .path("runId")
                        .asString();
                // Waiting on the engine (no store reads), not on the runs API.
                ExecutionStatus status = ExecutionStatus.RUNNING;
                while (status == ExecutionStatus.RUNNING) {
                    Thread.sleep(20);
                    status = sfn.describeExecution(r -> r.executionArn(EXECUTIONS + runId))
                            .status();
                }
                Map<String, Long> made = StoreCalls.since(before);
                JsonNode run = caller.get(runs + "/" + runId);
                if (!run.path("status").asString().equals("succeeded")) {
                    throw new IllegalStateException(
                            "the run ended " + run.path("status").asString());
                }
                double wall = Instant.parse(run.path("endedAt").asString()).toEpochMilli()
                        - Instant.parse(run.path("createdAt").asString()).toEpochMilli();
                double llm = (providerNanos.get() - providerBefore) / 1e6;
                double[] history = history(sfn, runId);
                if (i >= WARMUP) {
                    samples.add(new double[] {wall, llm, history[0]});
                    made.forEach((call, count) -> {
                        if (call.startsWith("DynamoDb.")) {
                            calls.merge(call, count, Long::sum);
                        }
                    });
                    tasks = (int) history[1];
                    modelCalls = run.path("usage").path("modelCalls").asInt();
                }
            }
            List<Double> walls = samples.stream().map(s -> s[0]).sorted().toList();
            List<Double> llms = samples.stream().map(s -> s[1]).sorted().toList();
            List<Double> perStep =
                    samples.stream().map(s -> (s[0] - s[1]) / STEPS).sorted().toList();
            // Time inside the task functions, less the provider's: the functions' own work, per step.
            List<Double> inFunctions =
                    samples.stream().map(s -> (s[2] - s[1]) / STEPS).sorted().toList();
            long dynamoDbCalls =
                    calls.values().stream().mapToLong(Long::longValue).sum();
            StringBuilder byOperation = new StringBuilder();
            calls.forEach((call, count) -> byOperation.append(String.format(
                    Locale.ROOT,
                    " %s %.1f",
                    call.substring("DynamoDb.".length()),
                    (double) count / samples.size() / STEPS)));
            String report = String.format(
                    Locale.ROOT,
                    "| runs | steps | tasks | model calls | wall p50 ms | provider time p50 ms | orchestration per step p50 ms | p90 ms | of which in the task functions p50 ms | DynamoDB calls per step | orchestration share |%n"
                            + "|---|---|---|---|---|---|---|---|---|---|---|%n"
                            + "| %d | %d | %d | %d | %.0f | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f %% |%n%n"
                            + "DynamoDB calls per step, by operation:%s%n",
                    samples.size(),
                    STEPS,
                    tasks,
                    modelCalls,
                    Timings.percentile(walls, 0.5),
                    Timings.percentile(llms, 0.5),
                    Timings.percentile(perStep, 0.5),
                    Timings.percentile(perStep, 0.9),
                    Timings.percentile(inFunctions, 0.5),
                    (double) dynamoDbCalls / samples.size() / STEPS,
                    100 * (1 - Timings.percentile(llms, 0.5) / Timings.percentile(walls, 0.5)),
                    byOperation);
            System.out.print(report);
            Files.createDirectories(Path.of("infrastructure/benchmarks/target"));
            Files.writeString(Path.of("infrastructure/benchmarks/target/agents.md"), report);
        } finally {
            provider.stop(0);
        }
        // DynamoDB Local's server threads would keep the JVM alive, as in the other benchmarks.
        System.exit(0);
    }

    /**
     * From the execution's history, read with the AWS SDK's Step Functions client: the time spent
     * inside its task functions (each Lambda task's scheduled-to-succeeded time) and the tasks run.
     */
    private static double[] history(SfnClient sfn, String runId) {
        List<HistoryEvent> events = sfn.getExecutionHistory(
                        r -> r.executionArn(EXECUTIONS + runId).maxResults(1000))
                .events();
        double total = 0;
        int tasks = 0;
        Instant scheduled = null;
        for (HistoryEvent event : events) {
            switch (event.typeAsString()) {
                case "LambdaFunctionScheduled" -> scheduled = event.timestamp();
                case "LambdaFunctionSucceeded" -> {
                    total += event.timestamp().toEpochMilli() - scheduled.toEpochMilli();
                    tasks++;
                }
                default -> {}
            }
        }
        return new double[] {total, tasks};
    }
}

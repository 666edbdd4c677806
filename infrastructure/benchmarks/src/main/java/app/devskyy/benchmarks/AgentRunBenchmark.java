package app.devskyy.benchmarks;

import app.devskyy.core.Json;
import app.devskyy.core.OutboundHttp;
import app.devskyy.local.LocalApi;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import tools.jackson.databind.JsonNode;

/**
 * What orchestration costs an agent run: runs of a two-step plan (six model calls, seven tasks)
 * through the local API and the local Step Functions engine, against a provider that takes a fixed
 * time per call. The run's own timestamps give its wall time; the provider counts the time it
 * spent answering; the rest is orchestration (API, execution, task invocations, store reads and
 * writes, budget and cap holds). Results go to standard output and
 * {@code infrastructure/benchmarks/target/agents.md}.
 */
public final class AgentRunBenchmark {

    private static final int WARMUP = 3;
    private static final int RUNS = 10;
    private static final long PROVIDER_MILLIS = 200;

    private AgentRunBenchmark() {}

    public static void main(String[] args) throws Exception {
        AtomicLong providerNanos = new AtomicLong();
        HttpServer provider = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        provider.createContext("/", exchange -> {
            long start = System.nanoTime();
            JsonNode body = Json.tree(exchange.getRequestBody().readAllBytes());
            String kind = body.at("/response_format/json_schema/name").asString("text");
            String content = switch (kind) {
                case "plan" ->
                    "{\"steps\":[{\"title\":\"Draft\",\"instruction\":\"Write the copy.\"},"
                            + "{\"title\":\"Review\",\"instruction\":\"Check it.\",\"dependsOn\":[1]}]}";
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
        try (LocalApi api = LocalApi.start(new LocalApi.Options(0, data, Path.of("template.yaml"), settings))) {
            OkHttpClient http = OutboundHttp.client();
            String base = "http://127.0.0.1:" + api.port();
            SfnClient sfn = SfnClient.builder()
                    .endpointOverride(URI.create(base + "/_aws/sfn"))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .build();
            String email = "bench+" + System.nanoTime() + "@example.com";
            send(
                    http,
                    base + "/api/v1/auth/signup",
                    "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\",\"displayName\":\"Bench\"}",
                    null);
            String token = send(
                            http,
                            base + "/api/v1/auth/login",
                            "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}",
                            null)
                    .path("access_token")
                    .asString();
            String workspace = get(http, base + "/api/v1/auth/workspaces", token)
                    .path("workspaces")
                    .get(0)
                    .path("id")
                    .asString();
            String runs = base + "/api/v1/agents/workspaces/" + workspace + "/runs";
            List<double[]> samples = new ArrayList<>();
            for (int i = 0; i < WARMUP + RUNS; i++) {
                long providerBefore = providerNanos.get();
                String runId = send(http, runs, "{\"agent\":\"marketing\",\"goal\":\"Plan the launch.\"}", token)
                        .path("runId")
                        .asString();
                JsonNode run = get(http, runs + "/" + runId, token);
                while (!run.path("status").asString().equals("succeeded")) {
                    if (run.path("endedAt").isString()) {
                        throw new IllegalStateException(
                                "the run ended " + run.path("status").asString());
                    }
                    Thread.sleep(20);
                    run = get(http, runs + "/" + runId, token);
                }
                double wall = Instant.parse(run.path("endedAt").asString()).toEpochMilli()
                        - Instant.parse(run.path("createdAt").asString()).toEpochMilli();
                double llm = (providerNanos.get() - providerBefore) / 1e6;
                if (i >= WARMUP) {
                    samples.add(new double[] {
                        wall, llm, run.path("usage").path("modelCalls").asInt(), insideTasks(sfn, runId)
                    });
                }
            }
            List<Double> walls = samples.stream().map(s -> s[0]).sorted().toList();
            List<Double> llms = samples.stream().map(s -> s[1]).sorted().toList();
            List<Double> overheads =
                    samples.stream().map(s -> (s[0] - s[1]) / 7).sorted().toList();
            // Time inside the task functions, less the provider's: the functions' own work per task.
            List<Double> inFunctions =
                    samples.stream().map(s -> (s[3] - s[1]) / 7).sorted().toList();
            String report = String.format(
                    "| runs | model calls each | wall p50 ms | provider time p50 ms | orchestration per task p50 ms | p90 ms | of which in the task functions p50 ms | orchestration share |%n"
                            + "|---|---|---|---|---|---|---|---|%n"
                            + "| %d | %d | %.0f | %.0f | %.1f | %.1f | %.1f | %.1f %% |%n",
                    samples.size(),
                    (int) samples.getFirst()[2],
                    Timings.percentile(walls, 0.5),
                    Timings.percentile(llms, 0.5),
                    Timings.percentile(overheads, 0.5),
                    Timings.percentile(overheads, 0.9),
                    Timings.percentile(inFunctions, 0.5),
                    100 * (1 - Timings.percentile(llms, 0.5) / Timings.percentile(walls, 0.5)));
            System.out.print(report);
            Files.createDirectories(Path.of("infrastructure/benchmarks/target"));
            Files.writeString(Path.of("infrastructure/benchmarks/target/agents.md"), report);
        } finally {
            provider.stop(0);
        }
    }

    /**
     * How long the execution spent inside its task functions, from its history (each Lambda
     * task's scheduled-to-succeeded time), through the AWS SDK's Step Functions client.
     */
    private static double insideTasks(SfnClient sfn, String runId) {
        List<HistoryEvent> events = sfn.getExecutionHistory(r -> r.executionArn(
                                "arn:aws:states:us-east-1:000000000000:execution:AgentRunStateMachine:" + runId)
                        .maxResults(1000))
                .events();
        double total = 0;
        Instant scheduled = null;
        for (HistoryEvent event : events) {
            switch (event.typeAsString()) {
                case "LambdaFunctionScheduled" -> scheduled = event.timestamp();
                case "LambdaFunctionSucceeded" -> total += event.timestamp().toEpochMilli() - scheduled.toEpochMilli();
                default -> {}
            }
        }
        return total;
    }

    private static JsonNode send(OkHttpClient http, String url, String json, String token) {
        Request.Builder request = new Request.Builder()
                .url(url)
                .post(RequestBody.create(json.getBytes(StandardCharsets.UTF_8), MediaType.get("application/json")));
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        return call(http, request.build());
    }

    private static JsonNode get(OkHttpClient http, String url, String token) {
        return call(
                http,
                new Request.Builder()
                        .url(url)
                        .header("authorization", "Bearer " + token)
                        .build());
    }

    private static JsonNode call(OkHttpClient http, Request request) {
        try (Response response = http.newCall(request).execute()) {
            byte[] body = response.body().bytes();
            if (response.code() >= 300) {
                throw new IllegalStateException(request.url().encodedPath() + " answered " + response.code());
            }
            return Json.tree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

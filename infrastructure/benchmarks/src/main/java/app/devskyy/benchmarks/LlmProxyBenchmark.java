package app.devskyy.benchmarks;

import app.devskyy.core.OutboundHttp;
import app.devskyy.core.auth.AccessTokens;
import app.devskyy.core.auth.CredentialItems;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.auth.PublishedKeys;
import app.devskyy.core.auth.Role;
import app.devskyy.core.auth.SigningKeys;
import app.devskyy.core.auth.TokenSettings;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.config.Config;
import app.devskyy.core.http.HttpApiFunction;
import app.devskyy.core.snapstart.PrimingEvents;
import app.devskyy.core.testing.EmbeddedDynamoDb;
import app.devskyy.llmproxy.LlmProxyInitializer;
import app.devskyy.local.SamTemplate;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The LLM proxy's added latency, warm and in-process: the same chat request sent straight to a
 * mock provider (the baseline: one HTTP round trip over loopback to a JDK HTTP server answering in OpenAI's format) and through the proxy's handler
 * (authentication, routing, rate limits, budget reservation and settlement, usage records and the
 * cache-miss path, on DynamoDB Local), in one run. Results go to standard output and
 * {@code infrastructure/benchmarks/target/llm-proxy.md}.
 */
public final class LlmProxyBenchmark {

    private static final int WARMUP = 1_000;
    private static final int SAMPLES = 3_000;
    private static final String ANSWER = """
            {"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4.1-mini",
             "choices": [{"index": 0, "message": {"role": "assistant", "content": "Paris."}, "finish_reason": "stop"}],
             "usage": {"prompt_tokens": 14, "completion_tokens": 2, "total_tokens": 16}}""";

    private LlmProxyBenchmark() {}

    public static void main(String[] args) throws Exception {
        HttpServer provider = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        byte[] answer = ANSWER.getBytes(StandardCharsets.UTF_8);
        provider.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        provider.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        provider.start();
        String base = "http://127.0.0.1:" + provider.getAddress().getPort() + "/v1";
        try (EmbeddedDynamoDb engine = EmbeddedDynamoDb.start(null)) {
            SigningKeys keys = SigningKeys.generate();
            Map<String, String> settings = new HashMap<>(Map.of(
                    "DEVSKYY_ENV",
                    "local",
                    "DEVSKYY_METRICS",
                    "off",
                    "AWS_REGION",
                    "us-east-1",
                    "AWS_ENDPOINT_URL_DYNAMODB",
                    engine.endpoint().toString(),
                    "AUTH_ISSUER",
                    "https://bench.devskyy.app",
                    "OPENAI_API_KEY",
                    "sk-bench",
                    "OPENAI_BASE_URL",
                    base,
                    "LLM_ROUTING",
                    "{\"aliases\": {\"bench\": {\"targets\": [\"openai/gpt-4.1-mini\"]}}}"));
            settings.put("LLM_DEFAULT_RPM", "1000000");
            Config config = Config.of(settings);
            try (DynamoDbClient dynamoDb = new AwsClients(config).dynamoDb()) {
                engine.createTables(
                        dynamoDb, SamTemplate.load(Path.of("template.yaml")).tables());
                // The caller's session, as the auth function would have stored it at login.
                Map<String, AttributeValue> session =
                        new HashMap<>(CredentialItems.session("ses_bench").attributes());
                session.put(
                        "expiresAt", AttributeValue.fromN(Long.toString(System.currentTimeMillis() / 1000 + 86_400)));
                dynamoDb.putItem(r -> r.tableName("AuthTable").item(session));
                // The signing key, published as the auth function publishes its own.
                new PublishedKeys(new DynamoTables(dynamoDb), "AuthTable", Clock.systemUTC()).publish(keys.newest());
            }
            HttpApiFunction proxy = LlmProxyInitializer.create(config);
            String token = new AccessTokens(keys, TokenSettings.from(config), Clock.systemUTC())
                    .issue(new Principal(
                            "usr_bench", "ses_bench", Map.of("ws_bench", Role.API_USER), Optional.empty()));

            OkHttpClient http = OutboundHttp.client();
            int[] n = {0};
            Runnable direct = () -> {
                Request request = new Request.Builder()
                        .url(base + "/chat/completions")
                        .header("authorization", "Bearer sk-bench")
                        .post(RequestBody.create(
                                body("gpt-4.1-mini", n[0]++).getBytes(StandardCharsets.UTF_8),
                                MediaType.get("application/json")))
                        .build();
                try (Response response = http.newCall(request).execute()) {
                    if (response.code() != 200 || response.body().string().isEmpty()) {
                        throw new IllegalStateException("provider answered " + response.code());
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            Runnable proxied = () -> {
                // A new question each time: the cache is looked up, misses, and stores the answer.
                APIGatewayV2HTTPEvent event =
                        PrimingEvents.request("POST", "/api/v1/llm/chat/completions", body("bench", n[0]++));
                Map<String, String> headers = new HashMap<>(event.getHeaders());
                headers.put("authorization", "Bearer " + token);
                headers.put("x-llm-cache", "on");
                event.setHeaders(headers);
                event.getRequestContext().setRequestId("bench-" + n[0]);
                var response = proxy.handle(event);
                if (response.getStatusCode() != 200) {
                    throw new IllegalStateException(
                            "proxy answered " + response.getStatusCode() + ": " + response.getBody());
                }
            };
            // Interleaved rounds, so that both paths see the same machine state.
            List<Double> directTimes = new ArrayList<>();
            List<Double> proxiedTimes = new ArrayList<>();
            Timings.measure(direct, WARMUP, new ArrayList<>());
            Timings.measure(proxied, WARMUP, new ArrayList<>());
            for (int round = 0; round < 10; round++) {
                Timings.measure(direct, SAMPLES / 10, directTimes);
                Timings.measure(proxied, SAMPLES / 10, proxiedTimes);
            }
            String report = report(directTimes, proxiedTimes);
            System.out.print(report);
            Files.createDirectories(Path.of("infrastructure/benchmarks/target"));
            Files.writeString(Path.of("infrastructure/benchmarks/target/llm-proxy.md"), report);
        } finally {
            provider.stop(0);
        }
        // DynamoDB Local leaves non-daemon threads behind.
        System.exit(0);
    }

    private static String body(String model, int n) {
        return "{\"model\":\"" + model
                + "\",\"temperature\":0,\"max_tokens\":64,\"messages\":[{\"role\":\"system\",\"content\":"
                + "\"Answer in one word.\"},{\"role\":\"user\",\"content\":\"Capital of France? (" + n + ")\"}]}";
    }

    private static String report(List<Double> direct, List<Double> proxied) {
        direct.sort(Double::compare);
        proxied.sort(Double::compare);
        double d50 = Timings.percentile(direct, 0.5);
        double d99 = Timings.percentile(direct, 0.99);
        double p50 = Timings.percentile(proxied, 0.5);
        double p99 = Timings.percentile(proxied, 0.99);
        return String.format(
                Locale.ROOT, """
                | chat completion, warm, in-process (%d samples each) | p50 ms | p99 ms |
                |---|---|---|
                | straight to the mock provider (baseline) | %.3f | %.3f |
                | through the proxy's handler | %.3f | %.3f |
                | added by the proxy | %.3f | %.3f |

                ratio proxy / direct: p50 %.2f, p99 %.2f
                """, direct.size(), d50, d99, p50, p99, p50 - d50, p99 - d99, p50 / d50, p99 / d99);
    }
}

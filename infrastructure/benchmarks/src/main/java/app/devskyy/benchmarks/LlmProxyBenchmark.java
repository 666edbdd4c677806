package app.devskyy.benchmarks;

import app.devskyy.core.testing.UpstashRestEndpoint;
import app.devskyy.local.LocalApi;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * The LLM proxy against a peer gateway, over HTTP, in one run: the same chat request sent straight
 * to a mock provider (a Node {@code http} server answering in OpenAI's format; the baseline),
 * through Portkey's open-source gateway ({@code @portkey-ai/gateway}, installed here with npm), and
 * through this project's LLM function behind the local API, once on DynamoDB alone and once with
 * Upstash (a real {@code redis-server} behind the Upstash REST protocol). The proxy's calls carry
 * everything they carry in production: the token check, the workspace's request and token rates,
 * a cache lookup (a miss: every question is new) and store, the budget reservation and its
 * settlement, and the durable usage record and counters. The store calls behind each request are
 * counted. Results go to standard output and {@code infrastructure/benchmarks/target/llm-proxy.md}.
 */
public final class LlmProxyBenchmark {

    static final String PORTKEY = "@portkey-ai/gateway@1.15.2";
    private static final int WARMUP = 1_000;
    private static final int SAMPLES = 2_000;
    private static final int ROUNDS = 10;
    private static final Path WORK = Path.of("infrastructure/benchmarks/target/llm-gateways");

    /** One way of sending the request; {@code stores} counts the store calls so far, by store and operation. */
    private record Variant(
            String name,
            IntConsumer call,
            Supplier<Map<String, Long>> stores,
            List<Double> times,
            Map<String, Long> storeCalls) {
        Variant(String name, IntConsumer call, Supplier<Map<String, Long>> stores) {
            this(name, call, stores, new ArrayList<>(), new TreeMap<>());
        }

        long calls() {
            return storeCalls.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private LlmProxyBenchmark() {}

    public static void main(String[] args) throws Exception {
        Files.createDirectories(WORK);
        Path script = WORK.resolve("openai-provider.mjs");
        try (InputStream in = LlmProxyBenchmark.class.getResourceAsStream("openai-provider.mjs")) {
            Files.write(script, in.readAllBytes());
        }
        Process provider = new ProcessBuilder("node", script.toString()).start();
        Process portkey = null;
        try (UpstashRestEndpoint upstash =
                UpstashRestEndpoint.start("AXbench", Duration.ofMillis(StoreCalls.LATENCY_MILLIS))) {
            String providerUrl = "http://127.0.0.1:" + firstLine(provider) + "/v1";
            int portkeyPort = freePort();
            portkey = new ProcessBuilder("node", installPortkey().toString(), "--port=" + portkeyPort, "--headless")
                    .redirectErrorStream(true)
                    .redirectOutput(WORK.resolve("portkey.log").toFile())
                    .start();
            Map<String, String> settings = new HashMap<>(Map.of(
                    "OPENAI_API_KEY", "sk-bench",
                    "OPENAI_BASE_URL", providerUrl,
                    "LLM_ROUTING", "{\"aliases\": {\"bench\": {\"targets\": [\"openai/gpt-4.1-mini\"]}}}"));
            for (String unused : List.of(
                    "ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "MISTRAL_API_KEY", "COHERE_API_KEY", "GROQ_API_KEY")) {
                settings.put(unused, "");
            }
            Map<String, String> withUpstash = new HashMap<>(settings);
            withUpstash.put("UPSTASH_REDIS_REST_URL", upstash.url());
            withUpstash.put("UPSTASH_REDIS_REST_TOKEN", upstash.token());
            try (LocalApi dynamoDbOnly = LocalApi.start(new LocalApi.Options(
                            0, Files.createTempDirectory("llm-bench"), Path.of("template.yaml"), settings));
                    LocalApi upstashToo = LocalApi.start(new LocalApi.Options(
                            0,
                            Files.createTempDirectory("llm-bench-upstash"),
                            Path.of("template.yaml"),
                            withUpstash))) {
                awaitPortkey(portkeyPort);
                List<Variant> variants = variants(providerUrl, portkeyPort, dynamoDbOnly, upstashToo, upstash);
                int[] n = {0};
                for (Variant variant : variants) {
                    Timings.measure(() -> variant.call().accept(n[0]++), WARMUP, new ArrayList<>());
                }
                for (int round = 0; round < ROUNDS; round++) {
                    for (Variant variant : variants) {
                        Map<String, Long> before = variant.stores().get();
                        Timings.measure(() -> variant.call().accept(n[0]++), SAMPLES / ROUNDS, variant.times());
                        variant.stores()
                                .get()
                                .forEach((call, count) -> variant.storeCalls()
                                        .merge(call, count - before.getOrDefault(call, 0L), Long::sum));
                    }
                }
                String report = report(variants);
                System.out.print(report);
                Files.writeString(
                        WORK.resolveSibling(
                                StoreCalls.LATENCY_MILLIS > 0
                                        ? "llm-proxy-latency-" + StoreCalls.LATENCY_MILLIS + "ms.md"
                                        : "llm-proxy.md"),
                        report);
            }
        } finally {
            provider.destroy();
            if (portkey != null) {
                portkey.destroy();
            }
        }
        // DynamoDB Local leaves non-daemon threads behind.
        System.exit(0);
    }

    private static List<Variant> variants(
            String providerUrl,
            int portkeyPort,
            LocalApi dynamoDbOnly,
            LocalApi upstashToo,
            UpstashRestEndpoint upstash) {
        LocalCaller plain = LocalCaller.signUp(dynamoDbOnly.port());
        LocalCaller redis = LocalCaller.signUp(upstashToo.port());
        // A monthly budget, so that every call is reserved and settled; rates that the run stays within.
        for (LocalCaller caller : List.of(plain, redis)) {
            caller.put(
                    "/api/v1/llm/workspaces/" + caller.workspaceId() + "/budget",
                    "{\"monthlyUsd\":1000,\"rpm\":100000,\"tpm\":100000000}");
        }
        OkHttpClient http = plain.http();
        Supplier<Map<String, Long>> dynamoDbCalls = StoreCalls::snapshot;
        Supplier<Map<String, Long>> none = Map::of;
        return List.of(
                new Variant(
                        "straight to the mock provider (baseline)",
                        i -> LocalCaller.call(
                                http,
                                LocalCaller.post(
                                        providerUrl + "/chat/completions",
                                        body("gpt-4.1-mini", i),
                                        "sk-bench",
                                        Map.of())),
                        none),
                new Variant(
                        "`GET /health/live` through the local API (its floor, no work)",
                        i -> LocalCaller.call(
                                http,
                                new Request.Builder()
                                        .url(plain.base() + "/health/live")
                                        .build()),
                        none),
                new Variant(
                        "Portkey gateway " + PORTKEY.substring(PORTKEY.lastIndexOf('@') + 1),
                        i -> LocalCaller.call(
                                http,
                                LocalCaller.post(
                                        "http://127.0.0.1:" + portkeyPort + "/v1/chat/completions",
                                        body("gpt-4.1-mini", i),
                                        "sk-bench",
                                        Map.of("x-portkey-provider", "openai", "x-portkey-custom-host", providerUrl))),
                        none),
                new Variant("LLM proxy, DynamoDB", i -> chat(plain, i), dynamoDbCalls),
                new Variant("LLM proxy, Upstash and DynamoDB", i -> chat(redis, i), () -> {
                    Map<String, Long> calls = new TreeMap<>(StoreCalls.snapshot());
                    calls.put("Upstash.request", upstash.requests());
                    return calls;
                }));
    }

    private static void chat(LocalCaller caller, int i) {
        LocalCaller.call(
                caller.http(),
                LocalCaller.post(
                        caller.base() + "/api/v1/llm/chat/completions",
                        body("bench", i),
                        caller.token(),
                        Map.of("x-workspace-id", caller.workspaceId(), "x-llm-cache", "on")));
    }

    private static String body(String model, int n) {
        return "{\"model\":\"" + model
                + "\",\"temperature\":0,\"max_tokens\":64,\"messages\":[{\"role\":\"system\",\"content\":"
                + "\"Answer in one word.\"},{\"role\":\"user\",\"content\":\"Capital of France? (" + n + ")\"}]}";
    }

    /** The gateway's start script, installed with npm into the benchmark's work folder once. */
    private static Path installPortkey() throws IOException, InterruptedException {
        Path start = WORK.resolve("portkey/node_modules/@portkey-ai/gateway/build/start-server.js");
        if (!Files.exists(start)) {
            Process npm = new ProcessBuilder(
                            "npm",
                            "install",
                            "--prefix",
                            WORK.resolve("portkey").toString(),
                            "--no-audit",
                            "--no-fund",
                            PORTKEY)
                    .inheritIO()
                    .start();
            if (npm.waitFor() != 0 || !Files.exists(start)) {
                throw new IllegalStateException("npm could not install " + PORTKEY);
            }
        }
        return start;
    }

    private static void awaitPortkey(int port) throws InterruptedException {
        OkHttpClient http = new OkHttpClient();
        for (int i = 0; i < 300; i++) {
            try (var response = http.newCall(new Request.Builder()
                            .url("http://127.0.0.1:" + port + "/")
                            .build())
                    .execute()) {
                if (response.isSuccessful()) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("Portkey did not start; see " + WORK.resolve("portkey.log"));
    }

    private static String firstLine(Process process) throws IOException {
        String line =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (line == null) {
            throw new IllegalStateException("the mock provider did not start");
        }
        return line.strip();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String report(List<Variant> variants) {
        Map<String, double[]> rows = new LinkedHashMap<>();
        for (Variant variant : variants) {
            variant.times().sort(Double::compare);
            rows.put(variant.name(), new double[] {
                Timings.percentile(variant.times(), 0.5),
                Timings.percentile(variant.times(), 0.99),
                (double) variant.calls() / variant.times().size()
            });
        }
        double[] direct = rows.values().iterator().next();
        double[] portkey = rows.get(variants.get(2).name());
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "| chat completion over HTTP (%d samples each) | p50 ms | p99 ms | added p50 ms | added p99 ms | added p50 / Portkey's | added p99 / Portkey's | store calls per request |%n"
                        + "|---|---|---|---|---|---|---|---|%n",
                SAMPLES));
        rows.forEach((name, r) -> {
            // Only the proxy's rows are compared with Portkey's, and only they make store calls.
            boolean proxy = name.startsWith("LLM proxy");
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %.2f | %.2f | %s | %s | %s | %s | %s |%n",
                    name,
                    r[0],
                    r[1],
                    r == direct ? "" : String.format(Locale.ROOT, "%.2f", r[0] - direct[0]),
                    r == direct ? "" : String.format(Locale.ROOT, "%.2f", r[1] - direct[1]),
                    proxy ? String.format(Locale.ROOT, "%.2f", (r[0] - direct[0]) / (portkey[0] - direct[0])) : "",
                    proxy ? String.format(Locale.ROOT, "%.2f", (r[1] - direct[1]) / (portkey[1] - direct[1])) : "",
                    proxy ? String.format(Locale.ROOT, "%.1f", r[2]) : ""));
        });
        out.append(System.lineSeparator()).append("Store calls per request:").append(System.lineSeparator());
        for (Variant variant : variants) {
            if (!variant.storeCalls().isEmpty()) {
                out.append("- ").append(variant.name()).append(':');
                variant.storeCalls().forEach((call, count) -> {
                    if (count > 0) {
                        out.append(String.format(
                                Locale.ROOT,
                                " %s %.2f",
                                call,
                                (double) count / variant.times().size()));
                    }
                });
                out.append(System.lineSeparator());
            }
        }
        return out.toString();
    }
}

package app.devskyy.benchmarks;

import app.devskyy.core.testing.LocalContext;
import app.devskyy.local.LocalApi;
import app.devskyy.local.LocalValues;
import app.devskyy.local.SamTemplate;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

/**
 * Cold start of every function the template deploys. The local API supplies the stores; each
 * sample is a fresh JVM per variant (alternating, so that machine noise hits both alike) on the
 * function's own deployment artifact, with its environment and the JVM options template.yaml
 * gives it, timed from process start to its first answered event:
 * <ul>
 * <li>{@code plain}: the function's own logic behind a plain {@code RequestStreamHandler}
 * ({@link PlainHandler}: built from its family's catalog, no Spring context; the baseline);</li>
 * <li>{@code invoker}: the deployed path, Spring Cloud Function's {@code FunctionInvoker}.</li>
 * </ul>
 * Then a breakdown run of the health function charges each part its first-touch cost. Results go
 * to standard output and to {@code infrastructure/benchmarks/target/cold-start.md}.
 */
public final class ColdStartBenchmark {

    /** The event each function answers first, from {@code events/}, where its name does not say it. */
    private static final Map<String, String> EVENTS = Map.ofEntries(
            Map.entry("AuthFunction", "events/auth/get-jwks.json"),
            Map.entry("AuthOperationsFunction", "events/auth/operations-bootstrap-super-admin.json"),
            Map.entry("LlmFunction", "events/llm/get-models.json"),
            Map.entry("WebhooksFunction", "events/webhooks/get-billing-plans.json"),
            Map.entry("WebhookProcessorFunction", "events/webhooks/sqs-webhook-queue.json"),
            Map.entry("HealthFunction", "events/health/get-health.json"),
            Map.entry("GdprFunction", "events/gdpr/get-purposes.json"),
            Map.entry("GdprRequestBeginFunction", "events/gdpr/step-request-begin.json"),
            Map.entry("GdprRequestFinishFunction", "events/gdpr/step-request-finish.json"),
            Map.entry("GdprRequestFailedFunction", "events/agents/eventbridge-execution-failed.json"),
            Map.entry("MaintenanceFunction", "events/maintenance/get-jobs.json"),
            Map.entry("AgentsFunction", "events/agents/get-agents.json"),
            Map.entry("AgentExecutionEndedFunction", "events/agents/eventbridge-execution-failed.json"));

    private ColdStartBenchmark() {}

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        SamTemplate template = SamTemplate.load(Path.of("template.yaml"));
        String jvmOptions = new LocalValues(template.parameterDefaults(), "us-east-1")
                .string(template.root().at("/Globals/Function/Environment/Variables/JAVA_TOOL_OPTIONS"));
        StringBuilder report = new StringBuilder(
                "| function | first event | answer | plain median ms | invoker median ms | invoker p90 ms | ratio | within 1.15 |\n"
                        + "|---|---|---|---|---|---|---|---|\n");
        Map<String, List<Double>> steps = new LinkedHashMap<>();
        Map<String, String> classpaths = new HashMap<>();
        List<Double> ratios = new ArrayList<>();
        try (LocalApi api = LocalApi.start(
                new LocalApi.Options(0, Files.createTempDirectory("cold-start"), Path.of("template.yaml"), Map.of()))) {
            for (SamTemplate.FunctionSpec function : template.functions()) {
                String id = function.logicalId();
                if (args.length > 1 && !List.of(args).subList(1, args.length).contains(id)) {
                    continue;
                }
                Map<String, String> environment = environment(api, id, jvmOptions);
                String classpath = classpaths.computeIfAbsent(
                        function.properties().path("CodeUri").asString(), zip -> {
                            try {
                                return artifactClasspath(Path.of(zip));
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
                Path event = Path.of(event(id));
                Map<String, List<Double>> timings = new LinkedHashMap<>();
                timings.put("plain", new ArrayList<>());
                timings.put("invoker", new ArrayList<>());
                String[] answer = new String[1];
                for (int i = 0; i < samples; i++) {
                    for (String variant : timings.keySet()) {
                        timings.get(variant).add(run(variant, event, classpath, environment, steps, answer));
                    }
                }
                double plain = percentile(sorted(timings.get("plain")), 50);
                double invoker = percentile(sorted(timings.get("invoker")), 50);
                ratios.add(invoker / plain);
                report.append(String.format(
                        Locale.ROOT,
                        "| %s | `%s` | %s | %.0f | %.0f | %.0f | %.2f | %s |%n",
                        id,
                        event.getFileName(),
                        answer[0],
                        plain,
                        invoker,
                        percentile(sorted(timings.get("invoker")), 90),
                        invoker / plain,
                        invoker / plain <= 1.15 ? "yes" : "no"));
                System.out.println(id + ": plain " + plain + " ms, invoker " + invoker + " ms");
            }
            steps.clear();
            if (args.length <= 1 || List.of(args).contains("HealthFunction")) {
                Map<String, String> environment = environment(api, "HealthFunction", jvmOptions);
                String classpath = classpaths.get("functions/health/target/health.zip");
                for (int i = 0; i < samples; i++) {
                    run(
                            "breakdown",
                            Path.of(EVENTS.get("HealthFunction")),
                            classpath,
                            environment,
                            steps,
                            new String[1]);
                }
            }
        }
        double[] all = sorted(ratios);
        report.append(String.format(
                Locale.ROOT,
                "%nratio of medians, FunctionInvoker / plain handler, over %d functions: median %.2f, highest %.2f%n",
                all.length,
                percentile(all, 50),
                all[all.length - 1]));
        if (!steps.isEmpty()) {
            report.append("\n| health: first-touch cost, in invocation order | median ms | p10 ms | p90 ms |\n"
                    + "|---|---|---|---|\n");
            steps.forEach((step, values) -> {
                double[] sorted = sorted(values);
                report.append(String.format(
                        Locale.ROOT,
                        "| %s | %.0f | %.0f | %.0f |%n",
                        step,
                        percentile(sorted, 50),
                        percentile(sorted, 10),
                        percentile(sorted, 90)));
            });
        }
        report.append(String.format(
                Locale.ROOT,
                "%n%s %s, JAVA_TOOL_OPTIONS=\"%s\", %d cores, %d samples per variant%n",
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"),
                jvmOptions,
                Runtime.getRuntime().availableProcessors(),
                samples));
        System.out.print(report);
        Files.createDirectories(Path.of("infrastructure/benchmarks/target"));
        Files.writeString(Path.of("infrastructure/benchmarks/target/cold-start.md"), report);
        // DynamoDB Local's server threads would keep the JVM alive, as in the other benchmarks.
        System.exit(0);
    }

    /** The event file a function answers first: named in {@link #EVENTS}, or by the function's kind. */
    static String event(String logicalId) {
        String name = logicalId.replace("Function", "");
        if (EVENTS.containsKey(logicalId)) {
            return EVENTS.get(logicalId);
        }
        if (name.endsWith("Privacy")) {
            return "events/auth/privacy-erase.json";
        }
        if (name.endsWith("Job")) {
            return "events/maintenance/schedule-" + kebab(name) + ".json";
        }
        if (name.startsWith("Agent")) {
            return "events/agents/step-" + kebab(name.substring("Agent".length())) + ".json";
        }
        throw new IllegalStateException("no first event for " + logicalId);
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** What the function's Lambda environment would be: the local API's settings for it, and what Lambda sets. */
    private static Map<String, String> environment(LocalApi api, String logicalId, String jvmOptions)
            throws IOException {
        Map<String, String> environment = new HashMap<>(api.settings(logicalId));
        environment.put("JAVA_TOOL_OPTIONS", jvmOptions);
        environment.put("AWS_LAMBDA_FUNCTION_NAME", "devskyy-benchmark-" + logicalId);
        // Outside Lambda the EMF library would otherwise probe for an EC2 metadata service and a CloudWatch agent.
        environment.put("AWS_EMF_ENVIRONMENT", "Lambda");
        environment.put("POWERTOOLS_METRICS_NAMESPACE", "DevSkyyBenchmark");
        // The local API's agents function holds its Lucene index open: each probe gets one of its own.
        environment.put(
                "KNOWLEDGE_LUCENE_DIR",
                Files.createTempDirectory("probe-lucene").toString());
        return environment;
    }

    /** The deployment zip unpacked as Lambda unpacks it, plus this module's probe classes and the runtime's serialiser. */
    static String artifactClasspath(Path zip) throws IOException {
        if (!Files.exists(zip)) {
            throw new IllegalStateException(zip + " is missing: package the functions first");
        }
        // Beside the zip, in the function's own build folder.
        Path root =
                zip.toAbsolutePath().resolveSibling(zip.getFileName().toString().replace(".zip", "") + "-unpacked");
        try (ZipFile file = new ZipFile(zip.toFile())) {
            file.stream().filter(e -> !e.isDirectory()).forEach(entry -> {
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IllegalStateException("zip entry outside the folder: " + entry.getName());
                }
                try (var in = file.getInputStream(entry)) {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        List<String> entries = new ArrayList<>();
        entries.add(root.toString());
        try (var jars = Files.list(root.resolve("lib"))) {
            jars.sorted().forEach(jar -> entries.add(jar.toString()));
        }
        entries.add(location(ColdStartProbe.class));
        entries.add(location(PojoSerializer.class));
        // The probe's Lambda context comes from the harness (core's test-jar), which no zip holds.
        entries.add(location(LocalContext.class));
        return String.join(File.pathSeparator, entries);
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Milliseconds from starting the JVM to its first answered event; {@code answer[0]} says what it answered. */
    static double run(
            String variant,
            Path event,
            String classpath,
            Map<String, String> environment,
            Map<String, List<Double>> steps,
            String[] answer)
            throws Exception {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath,
                ColdStartProbe.class.getName(),
                variant,
                environment.get("MAIN_CLASS"),
                environment.get("SPRING_CLOUD_FUNCTION_DEFINITION"),
                event.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        long start = System.nanoTime();
        Process process = builder.start();
        Double elapsed = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("PROBE-ANSWERED ") && elapsed == null) {
                    elapsed = (System.nanoTime() - start) / 1_000_000.0;
                    answer[0] = line.substring("PROBE-ANSWERED ".length());
                } else if (line.startsWith("PROBE-STEP ")) {
                    String[] parts = line.split(" ");
                    steps.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(Double.parseDouble(parts[2]));
                } else {
                    output.append(line).append('\n');
                }
            }
        }
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0 || elapsed == null) {
            throw new IllegalStateException(variant + " probe failed:\n" + output);
        }
        return elapsed;
    }

    private static double[] sorted(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    private static double percentile(double[] sorted, int percent) {
        double rank = percent / 100.0 * (sorted.length - 1);
        int low = (int) Math.floor(rank);
        int high = (int) Math.ceil(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }
}

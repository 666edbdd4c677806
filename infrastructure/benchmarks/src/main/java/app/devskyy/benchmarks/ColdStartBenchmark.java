package app.devskyy.benchmarks;

import app.devskyy.core.testing.LocalContext;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

/**
 * Cold start of the health function. Each sample is a fresh JVM per variant (alternating, so
 * that machine noise hits both alike) on the function's own deployment artifact, with the JVM
 * options template.yaml gives the function, timed from process start to the first answered
 * {@code GET /health}:
 * <ul>
 * <li>{@code plain}: the same handler logic behind a plain {@code RequestHandler}, events read
 * by the Lambda runtime's own serialiser (the baseline);</li>
 * <li>{@code invoker}: the deployed path, Spring Cloud Function's {@code FunctionInvoker}.</li>
 * </ul>
 * Then a breakdown run charges each part its first-touch cost. Results go to standard output and
 * to {@code infrastructure/benchmarks/target/cold-start.md}.
 */
public final class ColdStartBenchmark {

    private ColdStartBenchmark() {}

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Path event = Path.of("events/health/get-health.json");
        SamTemplate template = SamTemplate.load(Path.of("template.yaml"));
        String jvmOptions = new LocalValues(template.parameterDefaults(), "us-east-1")
                .string(template.root().at("/Globals/Function/Environment/Variables/JAVA_TOOL_OPTIONS"));
        String classpath = artifactClasspath(Path.of("functions/health/target/health.zip"));

        Map<String, List<Double>> timings = new LinkedHashMap<>();
        timings.put("plain", new ArrayList<>());
        timings.put("invoker", new ArrayList<>());
        Map<String, List<Double>> steps = new LinkedHashMap<>();
        for (String variant : timings.keySet()) {
            run(variant, event, classpath, jvmOptions, steps); // discarded: warms the file cache
        }
        steps.clear();
        for (int i = 0; i < samples; i++) {
            for (String variant : timings.keySet()) {
                timings.get(variant).add(run(variant, event, classpath, jvmOptions, steps));
            }
        }
        for (int i = 0; i < samples; i++) {
            run("breakdown", event, classpath, jvmOptions, steps);
        }

        StringBuilder report = new StringBuilder();
        report.append(
                "| variant | samples | median ms | p10 ms | p90 ms | min ms | max ms |\n|---|---|---|---|---|---|---|\n");
        timings.forEach((variant, values) -> {
            double[] sorted = sorted(values);
            report.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f |%n",
                    variant,
                    sorted.length,
                    percentile(sorted, 50),
                    percentile(sorted, 10),
                    percentile(sorted, 90),
                    sorted[0],
                    sorted[sorted.length - 1]));
        });
        report.append(String.format(
                Locale.ROOT,
                "%nratio of medians, FunctionInvoker / plain RequestHandler: %.2f%n",
                percentile(sorted(timings.get("invoker")), 50) / percentile(sorted(timings.get("plain")), 50)));
        report.append("\n| first-touch cost, in invocation order | median ms | p10 ms | p90 ms |\n|---|---|---|---|\n");
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
        report.append("\n| artifact | size |\n|---|---|\n");
        try (var modules = Files.list(Path.of("functions"))) {
            for (Path module : modules.filter(Files::isDirectory).sorted().toList()) {
                Path zip = module.resolve("target").resolve(module.getFileName() + ".zip");
                if (Files.exists(zip)) {
                    report.append(String.format(Locale.ROOT, "| %s | %.1f MiB |%n", zip, Files.size(zip) / 1048576.0));
                }
            }
        }
        report.append(String.format(
                Locale.ROOT,
                "%n%s %s, JAVA_TOOL_OPTIONS=\"%s\", %d cores%n",
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"),
                jvmOptions,
                Runtime.getRuntime().availableProcessors()));
        System.out.print(report);
        Files.writeString(Path.of("infrastructure/benchmarks/target/cold-start.md"), report);
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

    /** Milliseconds from starting the JVM to its first answered event. */
    static double run(String variant, Path event, String classpath, String jvmOptions, Map<String, List<Double>> steps)
            throws Exception {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath,
                ColdStartProbe.class.getName(),
                variant,
                event.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // What Lambda sets. AWS_EMF_ENVIRONMENT matters beyond fidelity: outside Lambda the EMF
        // library would otherwise probe for an EC2 metadata service and a CloudWatch agent.
        builder.environment().put("JAVA_TOOL_OPTIONS", jvmOptions);
        builder.environment().put("AWS_LAMBDA_FUNCTION_NAME", "devskyy-benchmark-health");
        builder.environment().put("AWS_EMF_ENVIRONMENT", "Lambda");
        builder.environment().put("AWS_REGION", "us-east-1");
        builder.environment().put("POWERTOOLS_METRICS_NAMESPACE", "DevSkyyBenchmark");
        builder.environment().put("POWERTOOLS_SERVICE_NAME", "health");
        // What template.yaml gives every function for its Authenticator.
        builder.environment().put("AUTH_ISSUER", "https://api.devskyy.app");
        builder.environment().put("AUTH_TABLE", "AuthTable");
        builder.environment().put("BILLING_TABLE", "BillingTable");
        long start = System.nanoTime();
        Process process = builder.start();
        Double elapsed = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("PROBE-STATUS 200") && elapsed == null) {
                    elapsed = (System.nanoTime() - start) / 1_000_000.0;
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

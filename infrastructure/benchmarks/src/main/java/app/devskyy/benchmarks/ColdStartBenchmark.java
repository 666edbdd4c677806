package app.devskyy.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cold start of the health function: for each sample, a fresh JVM per variant (alternating, so
 * that machine noise hits both alike), timed from process start to the first answered
 * {@code GET /health}. Reports median and spread of each and the ratio of the medians, plus
 * each function artifact's size.
 */
public final class ColdStartBenchmark {

    /** The JVM flags the template gives every function (JAVA_TOOL_OPTIONS). */
    static final List<String> LAMBDA_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1");

    private ColdStartBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Path event = Path.of("events/health/get-health.json");
        Map<String, List<Double>> timings = new LinkedHashMap<>();
        timings.put("plain", new ArrayList<>());
        timings.put("invoker", new ArrayList<>());
        // One discarded round warms the OS file cache for both.
        for (String variant : timings.keySet()) {
            run(variant, event);
        }
        for (int i = 0; i < samples; i++) {
            for (String variant : timings.keySet()) {
                timings.get(variant).add(run(variant, event));
            }
        }
        StringBuilder report = new StringBuilder();
        report.append("| variant | samples | median ms | p10 ms | p90 ms | min ms | max ms |\n");
        report.append("|---|---|---|---|---|---|---|\n");
        for (var entry : timings.entrySet()) {
            double[] sorted = entry.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            report.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f |%n", entry.getKey(),
                    sorted.length, percentile(sorted, 50), percentile(sorted, 10), percentile(sorted, 90), sorted[0],
                    sorted[sorted.length - 1]));
        }
        double ratio = median(timings.get("invoker")) / median(timings.get("plain"));
        report.append(String.format(Locale.ROOT, "%nratio of medians (FunctionInvoker / plain RequestHandler): %.2f%n", ratio));
        report.append("\n| artifact | size |\n|---|---|\n");
        try (var zips = Files.list(Path.of("functions"))) {
            for (Path module : zips.filter(Files::isDirectory).sorted().toList()) {
                Path zip = module.resolve("target").resolve(module.getFileName() + ".zip");
                if (Files.exists(zip)) {
                    report.append(String.format(Locale.ROOT, "| %s | %.1f MiB |%n", zip, Files.size(zip) / 1048576.0));
                }
            }
        }
        report.append("\njava: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append(", flags: ").append(String.join(" ", LAMBDA_FLAGS))
                .append(", cores: ").append(Runtime.getRuntime().availableProcessors()).append('\n');
        System.out.print(report);
        Files.createDirectories(Path.of("infrastructure/benchmarks/target"));
        Files.writeString(Path.of("infrastructure/benchmarks/target/cold-start.md"), report);
    }

    /** Milliseconds from starting the JVM to its first answered event. */
    private static double run(String variant, Path event) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(LAMBDA_FLAGS);
        command.addAll(Arrays.asList("-cp", System.getProperty("java.class.path"),
                ColdStartProbe.class.getName(), variant, event.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // What Lambda sets. AWS_EMF_ENVIRONMENT matters beyond fidelity: outside Lambda the EMF
        // library would otherwise probe for an EC2 metadata service and a CloudWatch agent.
        builder.environment().put("AWS_LAMBDA_FUNCTION_NAME", "devskyy-benchmark-health");
        builder.environment().put("AWS_EMF_ENVIRONMENT", "Lambda");
        builder.environment().put("AWS_REGION", "us-east-1");
        builder.environment().put("POWERTOOLS_METRICS_NAMESPACE", "DevSkyyBenchmark");
        builder.environment().put("POWERTOOLS_SERVICE_NAME", "health");
        long start = System.nanoTime();
        Process process = builder.start();
        Double elapsed = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("PROBE-STATUS 200") && elapsed == null) {
                    elapsed = (System.nanoTime() - start) / 1_000_000.0;
                } else {
                    output.append(line).append(File.separatorChar == '/' ? "\n" : "\r\n");
                }
            }
        }
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0 || elapsed == null) {
            throw new IllegalStateException(variant + " probe failed:\n" + output);
        }
        return elapsed;
    }

    private static double median(List<Double> values) {
        return percentile(values.stream().mapToDouble(Double::doubleValue).sorted().toArray(), 50);
    }

    private static double percentile(double[] sorted, int percent) {
        double rank = percent / 100.0 * (sorted.length - 1);
        int low = (int) Math.floor(rank);
        int high = (int) Math.ceil(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }
}

package app.devskyy.benchmarks;

import app.devskyy.core.Json;
import app.devskyy.core.snapstart.Priming;
import app.devskyy.core.testing.FunctionStarter;
import app.devskyy.core.testing.LocalContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;
import tools.jackson.databind.JsonNode;

/**
 * One function in a fresh JVM, as SnapStart would restore it: started by Spring Cloud Function's
 * invoker, its priming run (what runs before the snapshot), then its first real event timed, then
 * the same kind of event again and again for the warm median. Prints {@code PROBE-RESULT} for the
 * parent ({@link PrimingGapBenchmark}).
 */
public final class PrimingGapProbe {

    private PrimingGapProbe() {}

    /** @param args the function's logical id, its initializer, its definition, a file of {"settings", "events"} */
    public static void main(String[] args) throws Exception {
        String function = args[0];
        JsonNode input = Json.tree(Files.readAllBytes(Path.of(args[3])));
        Map<String, String> settings = Json.MAPPER.convertValue(
                input.path("settings"),
                Json.MAPPER.getTypeFactory().constructMapType(Map.class, String.class, String.class));
        List<byte[]> events = new ArrayList<>();
        input.path("events").forEach(e -> events.add(e.toString().getBytes(StandardCharsets.UTF_8)));
        FunctionInvoker invoker = FunctionStarter.start(args[1], args[2], settings);
        Priming.primeAll();
        LocalContext context = new LocalContext(function, "priming-gap");

        // The classes the first event still loads are the gap priming could close.
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        long loadedBefore = classes.getTotalLoadedClassCount();
        System.out.println("PROBE-FIRST-EVENT");
        long start = System.nanoTime();
        String first = invoke(invoker, events.getFirst(), context);
        double firstMillis = (System.nanoTime() - start) / 1_000_000.0;
        long loadedByFirst = classes.getTotalLoadedClassCount() - loadedBefore;
        System.out.println("PROBE-FIRST-EVENT-DONE");
        List<Double> warm = new ArrayList<>();
        for (byte[] event : events.subList(1, events.size())) {
            long t = System.nanoTime();
            invoke(invoker, event, context);
            warm.add((System.nanoTime() - t) / 1_000_000.0);
        }
        warm.sort(Double::compare);
        System.out.println("PROBE-RESULT " + firstMillis + " " + Timings.percentile(warm, 0.5) + " " + loadedByFirst
                + " " + first.substring(0, Math.min(first.length(), 60)).replace('\n', ' '));
        System.out.flush();
        System.exit(0);
    }

    private static String invoke(FunctionInvoker invoker, byte[] event, LocalContext context) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        invoker.handleRequest(new ByteArrayInputStream(event), out, context);
        return out.toString(StandardCharsets.UTF_8);
    }
}

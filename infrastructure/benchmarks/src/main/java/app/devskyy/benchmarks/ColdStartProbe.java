package app.devskyy.benchmarks;

import app.devskyy.core.Json;
import app.devskyy.core.config.Config;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.core.testing.FunctionStarter;
import app.devskyy.core.testing.LocalContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;
import tools.jackson.databind.JsonNode;

/**
 * One cold start, in a fresh JVM whose environment is the function's: build the handler the way
 * the Lambda runtime would, answer one event, print what it answered and exit. The parent process
 * times it. Arguments: the variant ({@code plain}, {@code invoker} or {@code breakdown}), the
 * family's initializer ({@code MAIN_CLASS}), the function's name and the event file.
 */
public final class ColdStartProbe {

    private ColdStartProbe() {}

    /**
     * What each part costs when it is first touched, in the order a cold invocation touches them;
     * each step is charged only for what earlier steps did not already load.
     */
    private static void breakdown(String mainClass, String definition, byte[] event, LocalContext context)
            throws Exception {
        System.out.println("PROBE-STEP jvm-start-to-main "
                + ManagementFactory.getRuntimeMXBean().getUptime());
        long t = System.nanoTime();
        LoggerFactory.getLogger(ColdStartProbe.class).debug("first logger");
        t = step("log4j-powertools-json-layout", t);
        Json.write(Map.of("warm", 1));
        t = step("jackson3-project-mapper", t);
        new Telemetry(Config.fromEnvironment()).request("GET", "/warm", 200, 1.0);
        t = step("powertools-metrics-emf-jackson2", t);
        new PlainHandler(mainClass, definition)
                .handleRequest(new ByteArrayInputStream(event), new ByteArrayOutputStream(), context);
        t = step("function-first-answer", t);
        FunctionInvoker invoker = FunctionStarter.start(mainClass, definition, Map.of());
        t = step("spring-cloud-function-context", t);
        invoker.handleRequest(new ByteArrayInputStream(event), new ByteArrayOutputStream(), context);
        step("spring-cloud-function-first-event", t);
    }

    private static long step(String name, long startNanos) {
        long now = System.nanoTime();
        System.out.println("PROBE-STEP " + name + " " + (now - startNanos) / 1_000_000.0);
        return now;
    }

    public static void main(String[] args) throws Exception {
        String variant = args[0];
        String mainClass = args[1];
        String definition = args[2];
        byte[] event = Files.readAllBytes(Path.of(args[3]));
        LocalContext context = new LocalContext(definition, "cold-start");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String answer;
        try {
            switch (variant) {
                case "plain" ->
                    new PlainHandler(mainClass, definition)
                            .handleRequest(new ByteArrayInputStream(event), out, context);
                case "invoker" ->
                    FunctionStarter.start(mainClass, definition, Map.of())
                            .handleRequest(new ByteArrayInputStream(event), out, context);
                case "breakdown" -> breakdown(mainClass, definition, event, context);
                default -> throw new IllegalArgumentException("variant: plain, invoker or breakdown");
            }
            answer = answered(out.toByteArray());
        } catch (RuntimeException failed) {
            // The function answered with an error, as Lambda would report it: the start is as complete.
            answer = "error " + failed.getClass().getSimpleName();
        }
        System.out.println("PROBE-ANSWERED " + answer);
        System.out.flush();
        System.exit(0);
    }

    /** The HTTP status of an API answer, or {@code ok} for an event function's. */
    private static String answered(byte[] output) {
        if (output.length == 0) {
            return "ok";
        }
        JsonNode answer = Json.tree(output);
        return answer.has("statusCode")
                ? Integer.toString(answer.path("statusCode").asInt())
                : "ok";
    }
}

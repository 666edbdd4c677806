package app.devskyy.benchmarks;

import app.devskyy.core.Json;
import app.devskyy.core.config.Config;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.core.snapstart.PrimingEvents;
import app.devskyy.core.testing.FunctionStarter;
import app.devskyy.core.testing.LocalContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

/**
 * One cold start, in a fresh JVM: build the handler the way the Lambda runtime would, answer one
 * {@code GET /health} event, print its status and exit. The parent process times it.
 */
public final class ColdStartProbe {

    private ColdStartProbe() {}

    /**
     * What each part costs when it is first touched, in the order a cold invocation touches them;
     * each step is charged only for what earlier steps did not already load.
     */
    private static int breakdown(byte[] event, LocalContext context) throws Exception {
        System.out.println("PROBE-STEP jvm-start-to-main "
                + ManagementFactory.getRuntimeMXBean().getUptime());
        long t = System.nanoTime();
        LoggerFactory.getLogger(ColdStartProbe.class).debug("first logger");
        t = step("log4j-powertools-json-layout", t);
        Json.write(Map.of("warm", 1));
        t = step("jackson3-project-mapper", t);
        new Telemetry(Config.fromEnvironment()).request("GET", "/warm", 200, 1.0);
        t = step("powertools-metrics-emf-jackson2", t);
        PlainHealthHandler handler = new PlainHealthHandler();
        handler.handleRequest(PrimingEvents.get("/health"), context);
        t = step("health-handler-first-answer", t);
        FunctionInvoker invoker = FunctionStarter.start("app.devskyy.health.HealthInitializer", "health", Map.of());
        t = step("spring-cloud-function-context", t);
        invoker.handleRequest(new ByteArrayInputStream(event), new ByteArrayOutputStream(), context);
        step("spring-cloud-function-first-event", t);
        return 200;
    }

    private static long step(String name, long startNanos) {
        long now = System.nanoTime();
        System.out.println("PROBE-STEP " + name + " " + (now - startNanos) / 1_000_000.0);
        return now;
    }

    public static void main(String[] args) throws Exception {
        String variant = args[0];
        byte[] event = Files.readAllBytes(Path.of(args[1]));
        LocalContext context = new LocalContext("health", "cold-start");
        int status = switch (variant) {
            case "plain" -> {
                // As the runtime does for a RequestHandler: its event serialiser, then the handler.
                PojoSerializer<APIGatewayV2HTTPEvent> in = LambdaEventSerializers.serializerFor(
                        APIGatewayV2HTTPEvent.class, ColdStartProbe.class.getClassLoader());
                PojoSerializer<APIGatewayV2HTTPResponse> out = LambdaEventSerializers.serializerFor(
                        APIGatewayV2HTTPResponse.class, ColdStartProbe.class.getClassLoader());
                APIGatewayV2HTTPResponse response =
                        new PlainHealthHandler().handleRequest(in.fromJson(new ByteArrayInputStream(event)), context);
                out.toJson(response, new ByteArrayOutputStream());
                yield response.getStatusCode();
            }
            case "invoker" -> {
                FunctionInvoker invoker =
                        FunctionStarter.start("app.devskyy.health.HealthInitializer", "health", Map.of());
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                invoker.handleRequest(new ByteArrayInputStream(event), out, context);
                yield out.toString().contains("\"statusCode\":200") ? 200 : -1;
            }
            case "breakdown" -> breakdown(event, context);
            default -> throw new IllegalArgumentException("variant: plain, invoker or breakdown");
        };
        System.out.println("PROBE-STATUS " + status);
        System.out.flush();
        System.exit(status == 200 ? 0 : 1);
    }
}

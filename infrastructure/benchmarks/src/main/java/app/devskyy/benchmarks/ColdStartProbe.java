package app.devskyy.benchmarks;

import app.devskyy.core.FunctionStarter;
import app.devskyy.core.LocalContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

/**
 * One cold start, in a fresh JVM: build the handler the way the Lambda runtime would, answer one
 * {@code GET /health} event, print its status and exit. The parent process times it.
 */
public final class ColdStartProbe {

    private ColdStartProbe() {
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
                APIGatewayV2HTTPResponse response = new PlainHealthHandler()
                        .handleRequest(in.fromJson(new ByteArrayInputStream(event)), context);
                out.toJson(response, new ByteArrayOutputStream());
                yield response.getStatusCode();
            }
            case "invoker" -> {
                FunctionInvoker invoker = FunctionStarter.start("app.devskyy.health.HealthInitializer", "health", Map.of());
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                invoker.handleRequest(new ByteArrayInputStream(event), out, context);
                yield out.toString().contains("\"statusCode\":200") ? 200 : -1;
            }
            default -> throw new IllegalArgumentException("variant: plain or invoker");
        };
        System.out.println("PROBE-STATUS " + status);
        System.out.flush();
        System.exit(status == 200 ? 0 : 1);
    }
}

package app.devskyy.core.testing;

import app.devskyy.core.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls a function family exactly as Lambda does: Spring Cloud Function's {@link FunctionInvoker}
 * with the family's initializer as start class, raw event bytes in, raw response bytes out.
 */
public final class Invoker {

    private final FunctionInvoker invoker;
    private final String functionName;

    /**
     * @param initializer the family's {@code ApplicationContextInitializer} (Lambda's {@code MAIN_CLASS})
     * @param definition  the function name ({@code SPRING_CLOUD_FUNCTION_DEFINITION})
     * @param settings    settings handed to the function as system properties, see {@code Config}
     */
    public Invoker(Class<?> initializer, String definition, Map<String, String> settings) {
        this.invoker = FunctionStarter.start(initializer.getName(), definition, settings);
        this.functionName = definition;
    }

    public byte[] invokeRaw(byte[] event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            invoker.handleRequest(
                    new ByteArrayInputStream(event),
                    out,
                    new LocalContext(functionName, "c0ffee00-0000-4000-8000-000000000001"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Sends an event; returns the payload-2.0 response as a tree. */
    public JsonNode invoke(ObjectNode event) {
        return Json.tree(invokeRaw(Json.writeBytes(event)));
    }

    public JsonNode invoke(String eventName) {
        return Json.tree(invokeRaw(Events.raw(eventName)));
    }
}

package app.devskyy.local;

import app.devskyy.core.Json;
import app.devskyy.core.testing.LocalContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

/**
 * The template's functions invoked as Lambda invokes them, by logical id, name or ARN
 * ({@code arn:...:function:<logical id>[:alias]}): what the local Step Functions engine calls, and,
 * over Lambda's {@code Invoke} API at {@code /2015-03-31/functions/<name>/invocations}, what an
 * outside engine calls (CI runs the state machine under {@code aws-local-stepfunctions} this way).
 * An asynchronous invoke ({@code X-Amz-Invocation-Type: Event}) is accepted with 202 and run on its
 * own thread. A function that throws answers as Lambda does: {@code X-Amz-Function-Error: Unhandled} and
 * {@code {errorType, errorMessage}}, with the exception's class name as {@code errorType}.
 */
final class LocalLambda implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(LocalLambda.class);

    static final String PATH = "/2015-03-31/functions/";

    /** A function's error as the Lambda runtime reports it. */
    static final class FunctionError extends Exception {
        final String errorType;
        final String errorMessage;

        FunctionError(String errorType, String errorMessage) {
            super(errorType, null, false, false);
            this.errorType = errorType;
            this.errorMessage = errorMessage;
        }

        String payload() {
            return Json.write(Json.MAPPER
                    .createObjectNode()
                    .put("errorMessage", errorMessage)
                    .put("errorType", errorType));
        }
    }

    private final Map<String, FunctionInvoker> functions;

    LocalLambda(Map<String, FunctionInvoker> functions) {
        this.functions = functions;
    }

    /** The logical id a name or ARN refers to. */
    static String logicalId(String nameOrArn) {
        String name = nameOrArn;
        int function = name.indexOf(":function:");
        if (function >= 0) {
            name = name.substring(function + ":function:".length());
            int alias = name.indexOf(':');
            if (alias >= 0) {
                name = name.substring(0, alias);
            }
        }
        return name;
    }

    boolean exists(String nameOrArn) {
        return functions.containsKey(logicalId(nameOrArn));
    }

    byte[] invoke(String nameOrArn, byte[] event) throws FunctionError {
        String id = logicalId(nameOrArn);
        FunctionInvoker function = functions.get(id);
        if (function == null) {
            throw new FunctionError("ResourceNotFoundException", "no function " + id + " in the template");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try {
            function.handleRequest(
                    new ByteArrayInputStream(event),
                    output,
                    new LocalContext(id, UUID.randomUUID().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException thrown) {
            Throwable reported = ours(thrown);
            throw new FunctionError(reported.getClass().getName(), String.valueOf(reported.getMessage()));
        }
        return output.toByteArray();
    }

    /** The exception a function threw, under whatever the invoker wrapped it in. */
    private static Throwable ours(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t.getClass().getName().startsWith("app.devskyy.")) {
                return t;
            }
        }
        return thrown;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath().substring(PATH.length());
            byte[] answer;
            int status = 200;
            if (!"POST".equals(exchange.getRequestMethod()) || !path.endsWith("/invocations")) {
                status = 404;
                answer = "{\"Type\":\"User\",\"message\":\"Only Invoke is served here.\"}"
                        .getBytes(StandardCharsets.UTF_8);
            } else {
                String name = URLDecoder.decode(
                        path.substring(0, path.length() - "/invocations".length()), StandardCharsets.UTF_8);
                if (!exists(name)) {
                    status = 404;
                    answer = ("{\"Type\":\"User\",\"message\":\"Function not found: " + logicalId(name) + "\"}")
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("x-amzn-errortype", "ResourceNotFoundException");
                } else if ("Event".equals(exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type"))) {
                    // An asynchronous invoke: accepted at once, run on its own thread, its outcome only logged.
                    byte[] event = exchange.getRequestBody().readAllBytes();
                    Thread.ofVirtual().start(() -> {
                        try {
                            invoke(name, event);
                        } catch (FunctionError failed) {
                            LOG.warn("the asynchronous invoke of {} failed ({})", logicalId(name), failed.errorType);
                        }
                    });
                    status = 202;
                    answer = new byte[0];
                } else {
                    try {
                        answer = invoke(name, exchange.getRequestBody().readAllBytes());
                    } catch (FunctionError failed) {
                        exchange.getResponseHeaders().add("x-amz-function-error", "Unhandled");
                        answer = failed.payload().getBytes(StandardCharsets.UTF_8);
                    }
                }
            }
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
        }
    }
}

package app.devskyy.local;

import app.devskyy.core.Json;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The AWS JSON protocol as the local services speak it (SQS's and Step Functions' 1.0, Secrets
 * Manager's 1.1): the operation named by {@code x-amz-target} after its service's prefix, a JSON
 * request, a JSON answer, and a refusal as {@code {"__type", "message"}} with status 400, which the
 * SDK turns into the service's exception of that type.
 */
final class AwsJsonProtocol {

    /** A service's refusal: its error type (as the SDK knows it) and a message. */
    static final class Refused extends Exception {
        final String type;

        Refused(String type, String message) {
            super(message, null, false, false);
            this.type = type;
        }
    }

    /** A service's operations: the answer to one request, or a refusal. */
    interface Operations {
        ObjectNode answer(String operation, JsonNode request) throws Refused;
    }

    private AwsJsonProtocol() {}

    /**
     * Answers one request.
     *
     * @param contentType the protocol's version, {@code application/x-amz-json-1.0} or {@code -1.1}
     * @param errorPrefix what the service puts before an error's type ({@code com.amazonaws.sqs#}, or nothing)
     */
    static void serve(HttpExchange exchange, String contentType, String errorPrefix, Operations operations)
            throws IOException {
        try (exchange) {
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("x-amz-target"));
            String operation = target.substring(target.indexOf('.') + 1);
            JsonNode request = Json.tree(exchange.getRequestBody().readAllBytes());
            int status = 200;
            ObjectNode answer;
            try {
                answer = operations.answer(operation, request);
            } catch (Refused refused) {
                status = 400;
                answer = Json.MAPPER
                        .createObjectNode()
                        .put("__type", errorPrefix + refused.type)
                        .put("message", refused.getMessage());
            }
            byte[] bytes = Json.writeBytes(answer);
            exchange.getResponseHeaders().add("content-type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }
}

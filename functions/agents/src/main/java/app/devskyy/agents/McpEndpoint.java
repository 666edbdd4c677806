package app.devskyy.agents;

import app.devskyy.core.Json;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.BodySchema;
import app.devskyy.core.http.HttpRequest;
import app.devskyy.core.http.HttpResponse;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The MCP Streamable HTTP transport as a Lambda needs it: stateless, every POST a whole JSON-RPC
 * exchange answered as {@code application/json} (no server-sent stream, no session), which the
 * specification allows and every conforming client accepts. The SDK's stateless server handles
 * the messages; this class speaks HTTP for it: a request gets 200 with its response, a notification
 * 202 with no body, anything else a 4xx. The caller's principal travels to the tools in the
 * transport context.
 */
final class McpEndpoint implements McpStatelessServerTransport {

    static final String PRINCIPAL = "principal";
    static final String REQUEST_ID = "requestId";

    private static final BodySchema MESSAGE = BodySchema.load(McpEndpoint.class, "mcp-message");

    private final McpJsonMapper mapper;
    private McpStatelessServerHandler handler;

    McpEndpoint(McpJsonMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public void setMcpHandler(McpStatelessServerHandler handler) {
        this.handler = handler;
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.empty();
    }

    HttpResponse handle(HttpRequest request, Principal principal) {
        Optional<String> version = request.header("mcp-protocol-version").map(String::strip);
        if (version.isPresent() && !protocolVersions().contains(version.get())) {
            throw ApiProblem.badRequest(
                    "Unsupported MCP-Protocol-Version; this server speaks " + protocolVersions() + ".");
        }
        String accept = request.header("accept").orElse("*/*");
        if (!accept.contains("application/json") && !accept.contains("*/*")) {
            throw ApiProblem.of(
                    406, "not-acceptable", "Not Acceptable", "This MCP server answers application/json; accept it.");
        }
        String text = new String(request.body(), StandardCharsets.UTF_8);
        JsonNode parsed;
        try {
            parsed = Json.MAPPER.readTree(text);
        } catch (JacksonException unreadable) {
            return error(400, McpSchema.ErrorCodes.PARSE_ERROR, "The body is not JSON.");
        }
        if (parsed == null || !MESSAGE.accepts(parsed)) {
            return error(
                    400,
                    McpSchema.ErrorCodes.INVALID_REQUEST,
                    "The body is not a JSON-RPC 2.0 request or notification.");
        }
        McpSchema.JSONRPCMessage message;
        try {
            message = McpSchema.deserializeJsonRpcMessage(mapper, text);
        } catch (IOException | IllegalArgumentException unreadable) {
            return error(400, McpSchema.ErrorCodes.INVALID_REQUEST, "The body is not a JSON-RPC 2.0 message.");
        }
        McpTransportContext context =
                McpTransportContext.create(Map.of(PRINCIPAL, principal, REQUEST_ID, request.requestId()));
        if (message instanceof McpSchema.JSONRPCRequest call) {
            McpSchema.JSONRPCResponse response = handler.handleRequest(context, call)
                    .contextWrite(c -> c.put(McpTransportContext.KEY, context))
                    .block();
            return json(200, response);
        }
        if (message instanceof McpSchema.JSONRPCNotification notification) {
            handler.handleNotification(context, notification)
                    .contextWrite(c -> c.put(McpTransportContext.KEY, context))
                    .block();
            return new HttpResponse(202, Map.of(), List.of(), "");
        }
        return error(400, McpSchema.ErrorCodes.INVALID_REQUEST, "This server takes requests and notifications only.");
    }

    /** A JSON-RPC error for a message without a usable id (the SDK's response type refuses a null id). */
    private HttpResponse error(int status, int code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jsonrpc", McpSchema.JSONRPC_VERSION);
        body.put("id", null);
        body.put("error", Map.of("code", code, "message", message));
        return json(status, body);
    }

    private HttpResponse json(int status, Object body) {
        try {
            return HttpResponse.text(status, "application/json", mapper.writeValueAsString(body));
        } catch (IOException unwritable) {
            throw new IllegalStateException("an MCP message could not be written", unwritable);
        }
    }
}

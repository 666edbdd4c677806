package app.devskyy.local;

import app.devskyy.core.Json;
import app.devskyy.core.http.CorsPolicy;
import app.devskyy.core.http.SecurityHeaders;
import app.devskyy.core.testing.LocalContext;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Plays API Gateway's part for the local server: CORS preflights, route selection, the
 * payload-2.0 event, the invocation and the mapping of the function's answer back to HTTP.
 */
final class LocalGateway implements HttpHandler {

    /** Lambda's synchronous payload limit: a larger request never reaches a function in AWS either. */
    static final int MAX_REQUEST_BYTES = 6 * 1024 * 1024;

    private static final Logger ACCESS = LoggerFactory.getLogger("local.access");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter REQUEST_TIME = DateTimeFormatter.ofPattern(
                    "dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final ApiGatewayRoutes routes;
    private final Map<String, FunctionInvoker> functions;
    private final CorsPolicy cors;
    private final DocsPage docs;

    LocalGateway(
            ApiGatewayRoutes routes,
            Map<String, FunctionInvoker> functions,
            CorsPolicy cors,
            Path openApi,
            Path outbox) {
        this.routes = routes;
        this.functions = Map.copyOf(functions);
        this.cors = cors;
        this.docs = new DocsPage(openApi, outbox);
    }

    @Override
    public void handle(HttpExchange exchange) {
        long start = System.nanoTime();
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = exchange.getRequestURI().getRawPath();
        int status = 0;
        try {
            status = answer(exchange, method, path);
        } catch (IOException e) {
            // The client went away mid-request or mid-response; nothing is left to answer.
            status = 499;
        } finally {
            exchange.close();
            ACCESS.info(
                    "{} {} {} {}ms",
                    method,
                    path,
                    status == 499 ? "aborted" : status,
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    private int answer(HttpExchange exchange, String method, String path) throws IOException {
        String requestId = newRequestId();
        Headers request = exchange.getRequestHeaders();
        String origin = request.getFirst("origin");
        if (CorsPolicy.isPreflight(method, origin, request.getFirst("access-control-request-method"))) {
            Map<String, String> headers = cors.preflight(
                            origin,
                            request.getFirst("access-control-request-method"),
                            request.getFirst("access-control-request-headers"))
                    .orElse(Map.of());
            return send(exchange, 204, headers, List.of(), new byte[0]);
        }
        Optional<DocsPage.Document> document = docs.find(method, path);
        if (document.isPresent()) {
            return send(
                    exchange,
                    200,
                    Map.of("content-type", document.get().contentType()),
                    List.of(),
                    document.get().body());
        }
        Map<String, String> corsHeaders = cors.responseHeaders(origin);
        Optional<ApiGatewayRoutes.Selected> selected = routes.select(method, path);
        if (selected.isEmpty()) {
            return problem(
                    exchange, requestId, 404, "Not Found", "No route of the API matches this request.", corsHeaders);
        }
        byte[] body = readBody(exchange.getRequestBody());
        if (body == null) {
            return problem(
                    exchange,
                    requestId,
                    413,
                    "Payload Too Large",
                    "The request exceeds the " + MAX_REQUEST_BYTES + "-byte limit of a synchronous invocation.",
                    corsHeaders);
        }
        byte[] event = Json.writeBytes(event(exchange, method, path, selected.get(), body, requestId));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try {
            functions
                    .get(selected.get().route().functionId())
                    .handleRequest(
                            new ByteArrayInputStream(event),
                            output,
                            new LocalContext(selected.get().route().functionId(), requestId));
            return respond(exchange, Json.tree(output.toByteArray()), corsHeaders);
        } catch (RuntimeException e) {
            // What API Gateway does when the integration fails: a bare 500, details only in the log.
            LoggerFactory.getLogger(LocalGateway.class)
                    .error(
                            "function {} failed: {}",
                            selected.get().route().functionId(),
                            e.getClass().getName());
            return problem(
                    exchange,
                    requestId,
                    500,
                    "Internal Server Error",
                    "The function failed; see the server log.",
                    corsHeaders);
        }
    }

    /** The payload-2.0 event API Gateway would send for this request. */
    private ObjectNode event(
            HttpExchange exchange,
            String method,
            String path,
            ApiGatewayRoutes.Selected selected,
            byte[] body,
            String requestId) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        String routeKey = selected.route().key();
        event.put("version", "2.0");
        event.put("routeKey", routeKey);
        event.put("rawPath", path);
        String rawQuery = exchange.getRequestURI().getRawQuery();
        event.put("rawQueryString", rawQuery == null ? "" : rawQuery);

        ObjectNode headers = event.putObject("headers");
        ArrayNode cookies = Json.MAPPER.createArrayNode();
        exchange.getRequestHeaders().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("cookie")) {
                values.forEach(v -> List.of(v.split(";")).forEach(c -> {
                    if (!c.isBlank()) {
                        cookies.add(c.strip());
                    }
                }));
            } else {
                headers.put(lower, String.join(",", values));
            }
        });
        if (!cookies.isEmpty()) {
            event.set("cookies", cookies);
        }
        Map<String, String> query = query(rawQuery);
        if (!query.isEmpty()) {
            ObjectNode parameters = event.putObject("queryStringParameters");
            query.forEach(parameters::put);
        }
        if (!selected.pathParameters().isEmpty()) {
            ObjectNode parameters = event.putObject("pathParameters");
            selected.pathParameters().forEach(parameters::put);
        }

        String sourceIp = exchange.getRemoteAddress().getAddress().getHostAddress();
        String userAgent = exchange.getRequestHeaders().getFirst("user-agent");
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", "000000000000");
        context.put("apiId", "local");
        context.put("domainName", "localhost");
        context.put("domainPrefix", "localhost");
        ObjectNode http = context.putObject("http");
        http.put("method", method);
        http.put("path", path);
        http.put("protocol", exchange.getProtocol());
        http.put("sourceIp", sourceIp);
        http.put("userAgent", userAgent == null ? "" : userAgent);
        context.put("requestId", requestId);
        context.put("routeKey", routeKey);
        context.put("stage", "$default");
        Instant now = Instant.now();
        context.put("time", REQUEST_TIME.format(now));
        context.put("timeEpoch", now.toEpochMilli());

        if (body.length > 0) {
            boolean text = isText(exchange.getRequestHeaders().getFirst("content-type"));
            event.put(
                    "body",
                    text
                            ? new String(body, StandardCharsets.UTF_8)
                            : Base64.getEncoder().encodeToString(body));
            event.put("isBase64Encoded", !text);
        } else {
            event.put("isBase64Encoded", false);
        }
        return event;
    }

    private int respond(HttpExchange exchange, JsonNode response, Map<String, String> corsHeaders) throws IOException {
        int status = response.path("statusCode").asInt(200);
        Map<String, String> headers = new LinkedHashMap<>();
        response.path("headers")
                .properties()
                .forEach(h -> headers.put(h.getKey(), h.getValue().asString()));
        headers.putAll(corsHeaders);
        List<String> cookies = new ArrayList<>();
        response.path("cookies").forEach(c -> cookies.add(c.asString()));
        String body = response.path("body").asString("");
        byte[] bytes = response.path("isBase64Encoded").asBoolean(false)
                ? Base64.getDecoder().decode(body)
                : body.getBytes(StandardCharsets.UTF_8);
        return send(exchange, status, headers, cookies, bytes);
    }

    /** A problem answered by the gateway itself, shaped like the functions' problems. */
    private static int problem(
            HttpExchange exchange,
            String requestId,
            int status,
            String title,
            String detail,
            Map<String, String> corsHeaders)
            throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put(
                "type",
                "https://api.devskyy.app/problems/"
                        + title.toLowerCase(Locale.ROOT).replace(' ', '-'));
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        problem.put("instance", exchange.getRequestURI().getRawPath());
        problem.put("requestId", requestId);
        Map<String, String> headers = new LinkedHashMap<>(SecurityHeaders.DEFAULTS);
        headers.put("content-type", "application/problem+json");
        headers.put("x-request-id", requestId);
        headers.putAll(corsHeaders);
        return send(exchange, status, headers, List.of(), Json.writeBytes(problem));
    }

    private static int send(
            HttpExchange exchange, int status, Map<String, String> headers, List<String> cookies, byte[] body)
            throws IOException {
        Headers out = exchange.getResponseHeaders();
        headers.forEach(out::set);
        cookies.forEach(c -> out.add("set-cookie", c));
        boolean empty = body.length == 0
                || status == 204
                || status == 304
                || exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, empty ? -1 : body.length);
        if (!empty) {
            try (OutputStream stream = exchange.getResponseBody()) {
                stream.write(body);
            }
        }
        return status;
    }

    /** Reads the body up to the limit; null when it is larger. */
    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_REQUEST_BYTES + 1);
        return body.length > MAX_REQUEST_BYTES ? null : body;
    }

    /** API Gateway joins repeated query parameters with commas. */
    private static Map<String, String> query(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            parameters.merge(name, value, (a, b) -> a + "," + b);
        }
        return parameters;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static boolean isText(String contentType) {
        if (contentType == null) {
            return true;
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("text/")
                || type.contains("json")
                || type.contains("xml")
                || type.startsWith("application/x-www-form-urlencoded")
                || type.startsWith("application/javascript");
    }

    /** Shaped like API Gateway's request ids ("Jx7QhgS3IAMEV1A="). */
    private static String newRequestId() {
        byte[] bytes = new byte[10];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}

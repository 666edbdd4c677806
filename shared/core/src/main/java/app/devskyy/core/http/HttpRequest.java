package app.devskyy.core.http;

import app.devskyy.core.Json;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A read-only view of an API Gateway HTTP API (payload format 2.0) request, with the path
 * parameters of the route it matched. Header names are lower case, as payload 2.0 delivers them.
 */
public final class HttpRequest {

    private final APIGatewayV2HTTPEvent event;
    private final Map<String, String> pathParameters;
    private final long maxBodyBytes;

    HttpRequest(APIGatewayV2HTTPEvent event, Map<String, String> pathParameters, long maxBodyBytes) {
        this.event = event;
        this.pathParameters = Map.copyOf(pathParameters);
        this.maxBodyBytes = maxBodyBytes;
    }

    public String method() {
        return event.getRequestContext().getHttp().getMethod();
    }

    public String path() {
        return event.getRawPath();
    }

    public String requestId() {
        return Identifiers.urlSafeRequestId(event.getRequestContext().getRequestId());
    }

    public String sourceIp() {
        return event.getRequestContext().getHttp().getSourceIp();
    }

    /**
     * A path parameter. Out of {@link Identifiers#SEGMENT}'s shape (too long, or characters no
     * identifier of this API has) it names nothing, so the answer is 404 before any store call.
     */
    public String pathParameter(String name) {
        String value = pathParameters.get(name);
        if (value == null) {
            throw new IllegalArgumentException("the route template has no parameter " + name);
        }
        if (!Identifiers.SEGMENT.matcher(value).matches()) {
            throw ApiProblem.notFound("No resource has this identifier.");
        }
        return value;
    }

    /** A path parameter that is an id this API issued ({@link Identifiers#ID}); 404 otherwise. */
    public String pathId(String name) {
        return Identifiers.pathId(pathParameter(name));
    }

    /**
     * A query parameter; API Gateway joins repeated parameters with commas. No route reads a value
     * longer than {@link Identifiers#MAX_QUERY_LENGTH}: a longer one is a 400.
     */
    public Optional<String> query(String name) {
        Map<String, String> query = event.getQueryStringParameters();
        Optional<String> value = query == null ? Optional.empty() : Optional.ofNullable(query.get(name));
        if (value.isPresent() && value.get().length() > Identifiers.MAX_QUERY_LENGTH) {
            throw ApiProblem.badRequest("The query parameter " + name + " is longer than any this API reads.");
        }
        return value;
    }

    /** A query parameter that is an id this API issued; 400 when it is present and out of shape. */
    public Optional<String> queryId(String name) {
        return query(name).map(value -> Identifiers.requireId(value, name));
    }

    public Optional<String> header(String name) {
        Map<String, String> headers = event.getHeaders();
        return headers == null ? Optional.empty() : Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The {@code Idempotency-Key} header: 1 to 255 visible ASCII characters, a 400 otherwise. */
    public Optional<String> idempotencyKey() {
        Optional<String> key = header("idempotency-key").map(String::strip);
        if (key.isPresent() && !key.get().matches("[\\x21-\\x7E]{1,255}")) {
            throw ApiProblem.badRequest("Idempotency-Key takes 1 to 255 visible ASCII characters.");
        }
        return key;
    }

    public Optional<String> cookie(String name) {
        List<String> cookies = event.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        String prefix = name + "=";
        return cookies.stream()
                .filter(c -> c.startsWith(prefix))
                .map(c -> c.substring(prefix.length()))
                .findFirst();
    }

    /** The raw body, decoded from base64 when API Gateway encoded it; empty when there is none. */
    public byte[] body() {
        String body = event.getBody();
        if (body == null || body.isEmpty()) {
            return new byte[0];
        }
        // Cheap upper bound before decoding: base64 grows by 4/3, UTF-8 never shrinks below the char count.
        long approximate = event.getIsBase64Encoded() ? (long) body.length() * 3 / 4 : body.length();
        if (approximate > maxBodyBytes) {
            throw ApiProblem.payloadTooLarge(maxBodyBytes);
        }
        byte[] bytes;
        try {
            bytes = event.getIsBase64Encoded()
                    ? Base64.getDecoder().decode(body)
                    : body.getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("The request body is not valid base64.");
        }
        if (bytes.length > maxBodyBytes) {
            throw ApiProblem.payloadTooLarge(maxBodyBytes);
        }
        return bytes;
    }

    /**
     * The body as JSON, checked against the operation's schema and bound to {@code type}:
     * 415 unless the content type is JSON, 400 when it does not parse, 422 with field errors when
     * it breaks the schema.
     */
    public <T> T jsonBody(BodySchema schema, Class<T> type) {
        String contentType = header("content-type").orElse("");
        if (!isJson(contentType)) {
            throw ApiProblem.unsupportedMediaType("application/json");
        }
        byte[] bytes = body();
        JsonNode document;
        try {
            document = Json.tree(bytes);
        } catch (JacksonException e) {
            throw ApiProblem.malformedJson();
        }
        if (document == null || document.isMissingNode()) {
            throw ApiProblem.malformedJson();
        }
        List<FieldError> outOfRange = new ArrayList<>();
        numbersBeyond64Bits(document, "", outOfRange);
        if (!outOfRange.isEmpty()) {
            throw ApiProblem.validation(outOfRange);
        }
        schema.check(document);
        try {
            return Json.convert(document, type);
        } catch (JacksonException e) {
            // The schema should make this unreachable; a mismatch is still the caller's input, never a 500.
            throw ApiProblem.validation(
                    List.of(new FieldError("", "unreadable", "The body cannot be read as this operation's input.")));
        }
    }

    /**
     * No field of this API takes a number of 2^63 or more (or {@code 1e400}, which parses as
     * infinity): such numbers, in exponent form, would pass a schema's {@code "type": "integer"}
     * and then break the conversion to {@code long}, so they are refused here, for every body.
     */
    private static void numbersBeyond64Bits(JsonNode node, String pointer, List<FieldError> errors) {
        if (node.isNumber()) {
            if (node.isFloatingPointNumber() ? !(Math.abs(node.doubleValue()) < 0x1p63) : !node.canConvertToLong()) {
                errors.add(new FieldError(
                        pointer, "out-of-range", "must be a number between -2^63 and 2^63 - 1 (no field takes more)"));
            }
        } else if (node.isObject()) {
            node.properties().forEach(p -> numbersBeyond64Bits(p.getValue(), pointer + "/" + p.getKey(), errors));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                numbersBeyond64Bits(node.get(i), pointer + "/" + i, errors);
            }
        }
    }

    private static boolean isJson(String contentType) {
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json")
                || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
    }

    public APIGatewayV2HTTPEvent event() {
        return event;
    }
}

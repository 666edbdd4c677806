package app.devskyy.core;

import app.devskyy.core.http.ApiProblem;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The project's one JSON mapper. It is built once per cold start (and primed before a SnapStart
 * snapshot); everything that reads or writes JSON in our own code goes through it.
 */
public final class Json {

    /**
     * Strict on input shape: unknown properties are rejected so that typos in a request are not
     * silently dropped. Stable on output: records and JSON trees keep their declared order, and maps
     * are written sorted by key ({@code Map.of} iterates in an order that changes with every start).
     * Instants are written as RFC 3339 UTC strings (Jackson 3's default, stated here because the API
     * promises it).
     */
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private Json() {}

    public static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    public static byte[] writeBytes(Object value) {
        return MAPPER.writeValueAsBytes(value);
    }

    /** Parses a document; throws {@link JacksonException} when it is not JSON. */
    public static JsonNode tree(byte[] json) {
        return MAPPER.readTree(json);
    }

    /**
     * A whole number within 64 bits from a document a caller sent, or {@code absent} where the
     * field is missing or null. Anything else (text such as {@code "49.00"}, an object, a fraction,
     * {@code 1e400}) is the caller's error: a 400 that names the field, never a 500.
     */
    public static long wholeNumber(JsonNode node, String field, long absent) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return absent;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isFloatingPointNumber() && value.canConvertToExactIntegral() && value.canConvertToLong()) {
            return value.longValue();
        }
        throw ApiProblem.badRequest("The field " + field + " is not a whole number.");
    }

    public static <T> T convert(JsonNode node, Class<T> type) {
        return MAPPER.treeToValue(node, type);
    }
}

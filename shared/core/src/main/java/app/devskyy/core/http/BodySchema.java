package app.devskyy.core.http;

import app.devskyy.core.Json;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A request body schema (JSON Schema 2020-12), loaded once from the classpath. The same files are
 * referenced by {@code infrastructure/openapi.yaml}, so the contract and the check cannot drift.
 */
public final class BodySchema {

    /** Formats are asserted: a {@code date-time} that is not RFC 3339 is a field error, not a failed conversion. */
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(
                    SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    private final Schema schema;
    private final JsonNode document;

    private BodySchema(Schema schema, JsonNode document) {
        this.schema = schema;
        this.document = document;
    }

    /** Loads {@code /schemas/<name>.json} from the classpath of {@code owner}. */
    public static BodySchema load(Class<?> owner, String name) {
        String resource = "/schemas/" + name + ".json";
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing schema resource " + resource);
            }
            JsonNode document = Json.MAPPER.readTree(in);
            return new BodySchema(REGISTRY.getSchema(document), document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A schema given as a document (an agent's output schema, say) rather than a file of ours. */
    public static BodySchema of(JsonNode document) {
        return new BodySchema(REGISTRY.getSchema(document), document);
    }

    /** The schema as written. */
    public JsonNode document() {
        return document;
    }

    /** Whether {@code document} satisfies the schema. */
    public boolean accepts(JsonNode document) {
        return schema.validate(document).isEmpty();
    }

    /** Throws a 422 problem listing every violation (for documents a route assembles from parts of its body). */
    public void check(JsonNode document) {
        List<Error> errors = schema.validate(document);
        if (!errors.isEmpty()) {
            throw ApiProblem.validation(errors.stream().map(this::toFieldError).toList());
        }
    }

    /**
     * Each violation as its pointer, a stable code and plain words saying what is allowed, built
     * from the rule that failed rather than the validator's text (which quotes regular expressions).
     */
    private FieldError toFieldError(Error error) {
        String pointer = pointer(error);
        JsonNode rule = error.getSchemaNode();
        return switch (error.getKeyword()) {
            case "required" -> new FieldError(pointer, "required", "is required");
            case "additionalProperties", "unevaluatedProperties" ->
                new FieldError(pointer, "unknown-field", "is not a field of this request" + allowedFields(error));
            case "type" -> new FieldError(pointer, "wrong-type", "must be " + typeWords(rule));
            case "minLength" -> new FieldError(pointer, "too-short", "must be at least " + count(rule, "character"));
            case "maxLength" -> new FieldError(pointer, "too-long", "must be at most " + count(rule, "character"));
            case "minimum" -> new FieldError(pointer, "too-small", "must be at least " + rule.asString());
            case "exclusiveMinimum" -> new FieldError(pointer, "too-small", "must be more than " + rule.asString());
            case "maximum" -> new FieldError(pointer, "too-large", "must be at most " + rule.asString());
            case "exclusiveMaximum" -> new FieldError(pointer, "too-large", "must be less than " + rule.asString());
            case "minItems" -> new FieldError(pointer, "too-few-items", "must have at least " + count(rule, "item"));
            case "maxItems" -> new FieldError(pointer, "too-many-items", "must have at most " + count(rule, "item"));
            case "minProperties" ->
                new FieldError(pointer, "too-few-items", "must have at least " + count(rule, "field"));
            case "maxProperties" ->
                new FieldError(pointer, "too-many-items", "must have at most " + count(rule, "field"));
            case "enum" -> new FieldError(pointer, "not-allowed", "must be one of: " + values(rule));
            case "const" -> new FieldError(pointer, "not-allowed", "must be " + rule);
            case "pattern", "format" -> new FieldError(pointer, "invalid-format", "must be " + formatWords(error));
            case "oneOf", "anyOf", "not", "dependentRequired" ->
                new FieldError(pointer, "invalid-combination", combinationWords(error));
            default -> new FieldError(pointer, "invalid", describe(error));
        };
    }

    /** The schema of the value a rule applies to: where its description and property list are. */
    private JsonNode ruleOwner(Error error) {
        NodePath rule = error.getSchemaLocation().getFragment();
        return document.at(pointer(rule, rule.getNameCount() - 1));
    }

    private String allowedFields(Error error) {
        JsonNode properties = ruleOwner(error).path("properties");
        return properties.isObject() && !properties.isEmpty()
                ? " (its fields: " + String.join(", ", properties.propertyNames()) + ")"
                : "";
    }

    /** Patterned properties say in their {@code description} what they take, as a noun phrase. */
    private String formatWords(Error error) {
        return described(
                error,
                "format".equals(error.getKeyword())
                        ? "a " + error.getSchemaNode().asString() + " value"
                        : "in the expected format");
    }

    private String combinationWords(Error error) {
        return described(error, "does not combine its fields in an allowed way");
    }

    /** The {@code description} of the schema the failed rule belongs to, or {@code fallback}. */
    private String described(Error error, String fallback) {
        String description = ruleOwner(error).path("description").asString("");
        return description.isEmpty() ? fallback : description;
    }

    private static String typeWords(JsonNode rule) {
        List<String> names = new ArrayList<>();
        (rule.isArray() ? rule.values() : List.of(rule))
                .forEach(type -> names.add(
                        switch (type.asString()) {
                            case "object" -> "an object";
                            case "array" -> "an array";
                            case "integer" -> "a whole number";
                            case "number" -> "a number";
                            case "boolean" -> "true or false";
                            case "null" -> "null";
                            default -> "a " + type.asString();
                        }));
        return String.join(" or ", names);
    }

    private static String count(JsonNode rule, String unit) {
        return rule.asString() + " " + unit + (rule.asInt() == 1 ? "" : "s")
                + ("character".equals(unit) ? " long" : "");
    }

    private static String values(JsonNode rule) {
        List<String> values = new ArrayList<>();
        rule.values().forEach(v -> values.add(v.isString() ? v.asString() : v.toString()));
        return String.join(", ", values);
    }

    private static String pointer(Error error) {
        var path = error.getInstanceLocation();
        String pointer = pointer(path, path.getNameCount());
        return error.getProperty() != null && "required".equals(error.getKeyword())
                ? pointer + "/" + escape(error.getProperty())
                : pointer;
    }

    /** The JSON Pointer (RFC 6901) of a path's first {@code count} elements. */
    private static String pointer(NodePath path, int count) {
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < count; i++) {
            pointer.append('/').append(escape(path.getElement(i).toString()));
        }
        return pointer.toString();
    }

    private static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }

    /**
     * The validator's message names the instance location first ("$.name: ..."); the pointer
     * already says where, so keep only what is wrong. Messages never quote the offending value.
     */
    private static String describe(Error error) {
        String message = error.getMessage();
        int colon = message.indexOf(": ");
        return colon >= 0 && message.startsWith("$") ? message.substring(colon + 2) : message;
    }
}

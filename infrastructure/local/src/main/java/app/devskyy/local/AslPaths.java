package app.devskyy.local;

import app.devskyy.core.Json;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Amazon States Language's JSONPath processing, as far as the local engine needs it: reference
 * paths ({@code $}, {@code $.a.b}, {@code $.a[0]}, {@code $$.Map.Item.Value}), payload templates
 * (fields ending in {@code .$} take a path's value), {@code InputPath}, {@code ResultPath} and
 * {@code OutputPath}. A path that selects nothing is {@code States.Runtime}, as in AWS.
 */
final class AslPaths {

    private AslPaths() {}

    /** A failure of the definition's own processing (a path that selects nothing). */
    static final class RuntimeFailure extends RuntimeException {
        RuntimeFailure(String message) {
            super(message);
        }
    }

    static JsonNode read(JsonNode input, JsonNode context, String path) {
        JsonNode node;
        String rest;
        if (path.startsWith("$$")) {
            node = context;
            rest = path.substring(2);
        } else if (path.startsWith("$")) {
            node = input;
            rest = path.substring(1);
        } else {
            throw new RuntimeFailure("not a reference path: " + path);
        }
        for (String segment : segments(rest)) {
            JsonNode next = segment.startsWith("[")
                    ? node.get(Integer.parseInt(segment.substring(1, segment.length() - 1)))
                    : node.get(segment);
            if (next == null) {
                throw new RuntimeFailure("the path " + path + " selects nothing in the state");
            }
            node = next;
        }
        return node;
    }

    private static List<String> segments(String rest) {
        List<String> segments = new ArrayList<>();
        int i = 0;
        while (i < rest.length()) {
            char c = rest.charAt(i);
            if (c == '.') {
                int end = i + 1;
                while (end < rest.length() && rest.charAt(end) != '.' && rest.charAt(end) != '[') {
                    end++;
                }
                segments.add(rest.substring(i + 1, end));
                i = end;
            } else if (c == '[') {
                int end = rest.indexOf(']', i);
                segments.add(rest.substring(i, end + 1));
                i = end + 1;
            } else {
                throw new RuntimeFailure("unsupported path syntax: " + rest);
            }
        }
        return segments;
    }

    /** A payload template ({@code Parameters}, {@code ItemSelector}, {@code ResultSelector}) applied. */
    static JsonNode template(JsonNode template, JsonNode input, JsonNode context) {
        if (template.isObject()) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            template.properties().forEach(field -> {
                if (field.getKey().endsWith(".$")) {
                    out.set(
                            field.getKey().substring(0, field.getKey().length() - 2),
                            read(input, context, field.getValue().asString()).deepCopy());
                } else {
                    out.set(field.getKey(), template(field.getValue(), input, context));
                }
            });
            return out;
        }
        if (template.isArray()) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            template.forEach(item -> out.add(template(item, input, context)));
            return out;
        }
        return template.deepCopy();
    }

    /** {@code InputPath} and {@code OutputPath}: absent is {@code $}, {@code null} an empty object. */
    static JsonNode select(JsonNode state, JsonNode definition, String field, JsonNode context) {
        JsonNode path = definition.get(field);
        if (path == null) {
            return state;
        }
        if (path.isNull()) {
            return Json.MAPPER.createObjectNode();
        }
        return read(state, context, path.asString());
    }

    /** {@code ResultPath}: absent is {@code $} (the result replaces the input), {@code null} discards the result. */
    static JsonNode placeResult(JsonNode input, JsonNode definition, JsonNode result) {
        JsonNode path = definition.get("ResultPath");
        if (path != null && path.isNull()) {
            return input;
        }
        String target = path == null ? "$" : path.asString();
        if (target.equals("$")) {
            return result;
        }
        if (!input.isObject()) {
            throw new RuntimeFailure("ResultPath " + target + " needs an object state");
        }
        ObjectNode out = (ObjectNode) input.deepCopy();
        ObjectNode node = out;
        List<String> segments = segments(target.substring(1));
        for (int i = 0; i < segments.size() - 1; i++) {
            JsonNode next = node.get(segments.get(i));
            if (next == null || !next.isObject()) {
                next = node.putObject(segments.get(i));
            }
            node = (ObjectNode) next;
        }
        node.set(segments.getLast(), result);
        return out;
    }
}

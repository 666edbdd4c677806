package app.devskyy.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Evaluates the template's intrinsic functions the way the local deployment sees them:
 * parameters at their defaults, a resource's name is its logical id (the local tables are
 * created under that name), a function's {@code live} alias its ARN, pseudo parameters of a fixed
 * local account.
 */
public final class LocalValues {

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");

    private final Map<String, String> parameters;
    private final String region;

    public LocalValues(Map<String, String> parameters, String region) {
        this.parameters = Map.copyOf(parameters);
        this.region = region;
    }

    /** A value as text; {@code null} for {@code AWS::NoValue} or an absent node. */
    public String string(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isValueNode()) {
            return node.asString();
        }
        if (node.has("Ref")) {
            return ref(node.get("Ref").asString());
        }
        if (node.has("Fn::Sub")) {
            return sub(node.get("Fn::Sub").asString());
        }
        if (node.has("Fn::GetAtt")) {
            return getAtt(
                    node.get("Fn::GetAtt").get(0).asString(),
                    node.get("Fn::GetAtt").get(1).asString());
        }
        if (node.has("Fn::Join")) {
            List<String> parts = new ArrayList<>();
            node.get("Fn::Join").get(1).forEach(part -> parts.add(string(part)));
            return String.join(node.get("Fn::Join").get(0).asString(), parts);
        }
        throw new IllegalArgumentException("the local server cannot evaluate "
                + node.propertyNames().iterator().next());
    }

    /** A list value: a YAML sequence, or a reference to a comma-separated list parameter. */
    public List<String> list(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(string(item)));
            return items;
        }
        String value = string(node);
        return value == null || value.isEmpty() ? List.of() : List.of(value.split("\\s*,\\s*"));
    }

    private String ref(String name) {
        return switch (name) {
            case "AWS::Region" -> region;
            case "AWS::AccountId" -> "000000000000";
            case "AWS::StackName" -> "devskyy-local";
            case "AWS::Partition" -> "aws";
            case "AWS::URLSuffix" -> "localhost";
            case "AWS::NoValue" -> null;
            // A function's live alias (SAM's AutoPublishAlias) is its ARN, as Lambda's Invoke takes it.
            default ->
                name.endsWith(".Alias")
                        ? "arn:aws:lambda:" + region + ":000000000000:function:"
                                + name.substring(0, name.length() - ".Alias".length()) + ":live"
                        : parameters.getOrDefault(name, name);
        };
    }

    private String getAtt(String resource, String attribute) {
        return switch (attribute) {
            case "Arn" -> "arn:aws:local:" + region + ":000000000000:" + resource;
            default -> resource + "." + attribute;
        };
    }

    private String sub(String template) {
        Matcher matcher = SUB_VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String variable = matcher.group(1);
            int dot = variable.indexOf('.');
            String value = dot > 0 && !variable.startsWith("AWS::")
                    ? getAtt(variable.substring(0, dot), variable.substring(dot + 1))
                    : ref(variable);
            matcher.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}

package app.devskyy.core.billing;

import app.devskyy.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.databind.JsonNode;

/**
 * What a workspace's plan allows, for every family to read: the subscription the webhooks
 * recorded in the billing table ({@code WS#<id>/SUBSCRIPTION}) and the plan's limits from
 * {@code /billing/plans.json}. A workspace without an active (or trialing, or past-due: the grace
 * while a payment is retried) subscription has the default plan.
 */
public final class Entitlements {

    private static final Set<String> ENTITLED = Set.of("active", "trialing", "past_due");

    /** A workspace's plan, its limits, and the subscription behind it (empty fields for the default plan). */
    public record Entitlement(
            String plan,
            Map<String, Long> limits,
            String status,
            String provider,
            long currentPeriodEnd,
            boolean cancelAtPeriodEnd) {}

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String defaultPlan;
    private final Map<String, Map<String, Long>> plans;

    public Entitlements(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        JsonNode root = bundled();
        this.defaultPlan = root.path("default").asString();
        Map<String, Map<String, Long>> all = new LinkedHashMap<>();
        root.path("plans").properties().forEach(plan -> {
            Map<String, Long> limits = new LinkedHashMap<>();
            plan.getValue()
                    .properties()
                    .forEach(
                            limit -> limits.put(limit.getKey(), limit.getValue().asLong()));
            all.put(plan.getKey(), Map.copyOf(limits));
        });
        this.plans = Map.copyOf(all);
    }

    private static JsonNode bundled() {
        try (InputStream in = Entitlements.class.getResourceAsStream("/billing/plans.json")) {
            return Json.tree(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The plan a price or product names ({@code pro_monthly} is {@code pro}); the default plan for anything unknown. */
    public String planOf(String name) {
        if (name == null) {
            return defaultPlan;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return plans.keySet().stream()
                .filter(p -> lower.equals(p) || lower.startsWith(p + "_") || lower.startsWith(p + "-"))
                .findFirst()
                .orElse(defaultPlan);
    }

    public Entitlement of(String workspaceId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(table)
                        .key(Map.of(
                                "pk",
                                AttributeValue.fromS("WS#" + workspaceId),
                                "sk",
                                AttributeValue.fromS("SUBSCRIPTION"))))
                .item();
        if (item == null || item.isEmpty()) {
            return new Entitlement(defaultPlan, plans.get(defaultPlan), "none", null, 0, false);
        }
        String status = item.get("status").s();
        String plan = ENTITLED.contains(status) ? planOf(item.get("plan").s()) : defaultPlan;
        return new Entitlement(
                plan,
                plans.get(plan),
                status,
                item.get("provider").s(),
                item.containsKey("currentPeriodEnd")
                        ? Long.parseLong(item.get("currentPeriodEnd").n())
                        : 0,
                item.containsKey("cancelAtPeriodEnd")
                        && item.get("cancelAtPeriodEnd").bool());
    }
}

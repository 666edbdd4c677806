package app.devskyy.core.billing;

import app.devskyy.core.Json;
import app.devskyy.core.aws.DynamoTables;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import tools.jackson.databind.JsonNode;

/**
 * What a workspace's plan allows, for every family to read: the subscription the webhooks
 * recorded in the billing table ({@code WS#<id>/SUBSCRIPTION}) and the plan's limits from
 * {@code /billing/plans.json}. A workspace without an active (or trialing, or past-due: the grace
 * while a payment is retried) subscription has the default plan.
 */
public final class Entitlements {

    private static final Set<String> ENTITLED = Set.of("active", "trialing", "past_due");

    /**
     * A workspace's plan, its limits, and the subscription behind it ({@code provider} and
     * {@code currentPeriodEnd} are null for the default plan, or when the provider sent no period).
     */
    public record Entitlement(
            String plan,
            Map<String, Long> limits,
            String status,
            String provider,
            Instant currentPeriodEnd,
            boolean cancelAtPeriodEnd) {}

    private final DynamoDbTable<BillingItems.Subscription> subscriptions;
    private final String defaultPlan;
    private final Map<String, Map<String, Long>> plans;

    public Entitlements(DynamoTables tables, String table) {
        this.subscriptions = tables.table(table, BillingItems.Subscription.SCHEMA);
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
        BillingItems.Subscription item =
                subscriptions.getItem(BillingItems.subscription(workspaceId).key());
        if (item == null) {
            return new Entitlement(defaultPlan, plans.get(defaultPlan), "none", null, null, false);
        }
        String plan = ENTITLED.contains(item.status()) ? planOf(item.plan()) : defaultPlan;
        return new Entitlement(
                plan,
                plans.get(plan),
                item.status(),
                item.provider(),
                // Stored in epoch seconds as the providers send it; 0 is "none sent".
                item.currentPeriodEnd() == 0 ? null : Instant.ofEpochSecond(item.currentPeriodEnd()),
                item.cancelAtPeriodEnd());
    }
}

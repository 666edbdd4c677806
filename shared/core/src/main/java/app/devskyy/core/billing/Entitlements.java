package app.devskyy.core.billing;

import app.devskyy.core.Json;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.config.Config;
import app.devskyy.core.http.ApiProblem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import tools.jackson.databind.JsonNode;

/**
 * What a workspace's plan allows: the one view every family reads its limits through. The plan is
 * the subscription the webhooks recorded in the billing table ({@code WS#<id>/SUBSCRIPTION}); the
 * limits come from {@code /billing/plans.json} (or the {@code BILLING_PLANS} setting, per stage).
 * A workspace without an active or trialing subscription has the default plan; a {@code past_due}
 * one keeps its plan through the provider's retry window ({@code BILLING_PAST_DUE_GRACE_DAYS}
 * after the period's end) and then has the default plan's limits. Upgrades apply at once; a
 * downgrade is scheduled by the webhooks for the end of the period paid for, and read from then.
 *
 * <p>Answers are cached in the function's instance for {@code BILLING_ENTITLEMENTS_CACHE_SECONDS}
 * (30): a change of plan reaches a warm function within that time. Limits that must not be exceeded
 * under concurrency (the LLM budget) are enforced by conditional writes against the limit read
 * here, so staleness can delay an upgrade's or a downgrade's effect, never let a limit be crossed
 * by more than the cache's age.
 */
public final class Entitlements {

    private static final Set<String> ENTITLED = Set.of("active", "trialing");

    /**
     * A workspace's plan, its limits, and the subscription behind it ({@code provider} and
     * {@code currentPeriodEnd} are null for the default plan, or when the provider sent no period);
     * a downgrade still to come is {@code scheduledPlan} from {@code scheduledAt} (else both null).
     */
    public record Entitlement(
            String plan,
            Map<String, Long> limits,
            String status,
            String provider,
            Instant currentPeriodEnd,
            boolean cancelAtPeriodEnd,
            String scheduledPlan,
            Instant scheduledAt) {

        public Optional<Long> limit(String name) {
            return Optional.ofNullable(limits.get(name));
        }
    }

    /** The limits by name, as plans.json spells them. */
    public static final String SEATS = "seats";

    public static final String API_KEYS = "apiKeys";
    public static final String MONTHLY_LLM_USD = "monthlyLlmUsd";
    public static final String AGENT_RUNS_PER_MONTH = "agentRunsPerMonth";
    public static final String KNOWLEDGE_PASSAGES = "knowledgePassages";

    private record Cached(Entitlement entitlement, long at) {}

    private final DynamoDbTable<BillingItems.Subscription> subscriptions;
    private final JsonNode document;
    private final String defaultPlan;
    private final Map<String, Map<String, Long>> plans;
    private final List<String> order;
    private final Clock clock;
    private final Duration cacheFor;
    private final Duration pastDueGrace;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public Entitlements(
            DynamoTables tables, String table, JsonNode plans, Clock clock, Duration cacheFor, Duration pastDueGrace) {
        this.subscriptions = tables.table(table, BillingItems.Subscription.SCHEMA);
        this.document = plans;
        this.defaultPlan = plans.path("default").asString();
        Map<String, Map<String, Long>> all = new LinkedHashMap<>();
        plans.path("plans").properties().forEach(plan -> {
            Map<String, Long> limits = new LinkedHashMap<>();
            plan.getValue().properties().forEach(limit -> {
                if (limit.getValue().isNumber()) {
                    limits.put(limit.getKey(), limit.getValue().asLong());
                }
            });
            all.put(plan.getKey(), Map.copyOf(limits));
        });
        if (!all.containsKey(defaultPlan)) {
            throw new IllegalStateException("the plans name a default plan they do not define");
        }
        this.plans = Map.copyOf(all);
        this.order = List.copyOf(all.keySet());
        this.clock = clock;
        this.cacheFor = cacheFor;
        this.pastDueGrace = pastDueGrace;
    }

    /** The entitlements a function's settings describe, over the billing table. */
    public static Entitlements fromConfig(Config config, DynamoTables tables, Clock clock) {
        JsonNode plans = config.optional("BILLING_PLANS")
                .map(json -> Json.tree(json.getBytes(StandardCharsets.UTF_8)))
                .orElseGet(Entitlements::bundled);
        return new Entitlements(
                tables,
                config.required("BILLING_TABLE", "BillingTable"),
                plans,
                clock,
                Duration.ofSeconds(config.integer("BILLING_ENTITLEMENTS_CACHE_SECONDS", 30)),
                Duration.ofDays(config.integer("BILLING_PAST_DUE_GRACE_DAYS", 14)));
    }

    public static JsonNode bundled() {
        try (InputStream in = Entitlements.class.getResourceAsStream("/billing/plans.json")) {
            return Json.tree(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The plans as their document gives them: titles, limits, prices per provider, the version. */
    public JsonNode document() {
        return document;
    }

    /** Whether a subscription in this status is paid for (active or trialing). */
    public static boolean isEntitled(String status) {
        return ENTITLED.contains(status);
    }

    /** A plan's place in the plans document (higher is more); an unknown plan ranks as the default. */
    public int rank(String plan) {
        int rank = order.indexOf(plan);
        return rank >= 0 ? rank : order.indexOf(defaultPlan);
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

    /** The workspace's entitlement, read at most {@code cacheFor} ago. */
    public Entitlement of(String workspaceId) {
        long now = clock.millis();
        Cached cached = cache.get(workspaceId);
        if (cached != null && now - cached.at() < cacheFor.toMillis()) {
            return cached.entitlement();
        }
        Entitlement read = read(workspaceId);
        cache.put(workspaceId, new Cached(read, now));
        return read;
    }

    /** The workspace's entitlement as the billing table says it now, for the routes that show it. */
    public Entitlement current(String workspaceId) {
        Entitlement read = read(workspaceId);
        cache.put(workspaceId, new Cached(read, clock.millis()));
        return read;
    }

    private Entitlement read(String workspaceId) {
        BillingItems.Subscription item =
                subscriptions.getItem(BillingItems.subscription(workspaceId).key());
        if (item == null) {
            return new Entitlement(defaultPlan, plans.get(defaultPlan), "none", null, null, false, null, null);
        }
        // Stored in epoch seconds as the providers send it; 0 is "none sent".
        Instant periodEnd = item.currentPeriodEnd() == 0 ? null : Instant.ofEpochSecond(item.currentPeriodEnd());
        boolean inGrace = "past_due".equals(item.status())
                && (periodEnd == null || clock.instant().isBefore(periodEnd.plus(pastDueGrace)));
        // A downgrade scheduled for the period's end takes over once that time has come.
        boolean scheduled = item.scheduledPlan() != null && item.scheduledAt() > 0;
        boolean due = scheduled && clock.instant().getEpochSecond() >= item.scheduledAt();
        String paidFor = due ? item.scheduledPlan() : item.plan();
        String plan = ENTITLED.contains(item.status()) || inGrace ? planOf(paidFor) : defaultPlan;
        return new Entitlement(
                plan,
                plans.get(plan),
                item.status(),
                item.provider(),
                periodEnd,
                item.cancelAtPeriodEnd(),
                scheduled && !due ? planOf(item.scheduledPlan()) : null,
                scheduled && !due ? Instant.ofEpochSecond(item.scheduledAt()) : null);
    }

    /**
     * Whether the member or key at {@code position} among the workspace's (0 for the oldest) is
     * beyond the plan's {@code limit}. What a downgrade leaves over a limit is kept but frozen, the
     * newest first, until the plan allows it again or older ones go; nothing is deleted.
     */
    public boolean isFrozen(String workspaceId, String limit, int position) {
        return of(workspaceId)
                .limit(limit)
                .filter(allowed -> position >= allowed)
                .isPresent();
    }

    /**
     * Refuses, with the {@code plan-limit} problem, what would take the workspace past a limit of
     * its plan: {@code used} is what it has now, the addition is one more.
     */
    public void requireRoom(String workspaceId, String limit, long used, String what) {
        Entitlement entitlement = of(workspaceId);
        Optional<Long> allowed = entitlement.limit(limit);
        if (allowed.isPresent() && used >= allowed.get()) {
            throw planLimit(entitlement, limit, what);
        }
    }

    /** The problem a limit of the plan answers: what the limit is and where to upgrade. */
    public static ApiProblem planLimit(Entitlement entitlement, String limit, String what) {
        return new ApiProblem(
                403,
                "plan-limit",
                "Plan limit reached",
                "The " + entitlement.plan() + " plan allows "
                        + entitlement.limits().get(limit) + " " + what
                        + "; upgrade the plan (GET /api/v1/billing/plans) for more.",
                List.of(),
                Map.of("link", "</api/v1/billing/plans>; rel=\"upgrade\""));
    }
}

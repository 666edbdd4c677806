package app.devskyy.llm.metering;

import app.devskyy.core.Json;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.ItemUpdate;
import app.devskyy.core.aws.Values;
import app.devskyy.core.billing.Entitlements;
import app.devskyy.core.http.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import tools.jackson.databind.JsonNode;

/**
 * Monthly budgets per workspace and per API key, enforced by reservation. Before a call, its
 * worst-case cost is added to the month's {@code held} amount in one conditional update that
 * succeeds only while {@code held} stays within the budget; after the call, the reservation is
 * replaced by the actual cost. DynamoDB applies each update atomically, so concurrent requests
 * can never together hold more than the budget, and since the actual cost never exceeds the
 * reservation, spend never exceeds it either.
 *
 * <p>Settings are read through a 30-second cache: a budget change reaches every instance within
 * that time (at once in the instance that made it).
 */
public final class Budgets {

    /** A workspace's settings; a {@code null} field means "no limit of that kind". Money in micro-dollars. */
    public record Settings(Long monthlyMicros, Integer rpm, Integer tpm) {
        public static final Settings NONE = new Settings(null, null, null);
    }

    /** What one call (or a run) holds: {@code micros} on the workspace's month, and on the key's when the key has a budget. */
    public record Reservation(
            String workspaceId,
            Optional<String> keyId,
            String month,
            long micros,
            boolean workspaceHeld,
            boolean keyHeld) {

        /** As text, for work that keeps its reservation across invocations. */
        public String write() {
            return Json.write(Json.MAPPER
                    .createObjectNode()
                    .put("workspaceId", workspaceId)
                    .put("keyId", keyId.orElse(null))
                    .put("month", month)
                    .put("micros", micros)
                    .put("workspaceHeld", workspaceHeld)
                    .put("keyHeld", keyHeld));
        }

        public static Reservation read(String text) {
            JsonNode node = Json.tree(text.getBytes(StandardCharsets.UTF_8));
            return new Reservation(
                    node.path("workspaceId").asString(),
                    Optional.ofNullable(node.path("keyId").asString(null)),
                    node.path("month").asString(),
                    node.path("micros").asLong(),
                    node.path("workspaceHeld").asBoolean(),
                    node.path("keyHeld").asBoolean());
        }
    }

    /** The month so far: settled spend and what calls in flight hold. */
    public record Spend(long spentMicros, long heldMicros) {}

    private static final Duration SETTINGS_CACHE = Duration.ofSeconds(30);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final DynamoDbTable<LlmItems.Budget> budgets;
    private final DynamoDbTable<LlmItems.KeyBudget> keyBudgets;
    private final DynamoDbTable<LlmItems.Spend> spends;
    private final Clock clock;
    private final Map<String, Cached> settings = new ConcurrentHashMap<>();

    private record Cached(Object value, Instant until) {}

    private final Entitlements entitlements;

    public Budgets(DynamoDbClient dynamoDb, DynamoTables tables, String table, Entitlements entitlements, Clock clock) {
        this.entitlements = entitlements;
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.budgets = tables.table(table, LlmItems.Budget.SCHEMA);
        this.keyBudgets = tables.table(table, LlmItems.KeyBudget.SCHEMA);
        this.spends = tables.table(table, LlmItems.Spend.SCHEMA);
        this.clock = clock;
    }

    public String month() {
        return YearMonth.from(clock.instant().atZone(ZoneOffset.UTC)).toString();
    }

    // ---- settings

    public Settings workspace(String workspaceId) {
        return (Settings) cached("settings", workspaceId, () -> {
            LlmItems.Budget item = budgets.getItem(
                    r -> r.key(LlmItems.budget(workspaceId).key()).consistentRead(true));
            return item == null
                    ? Settings.NONE
                    : new Settings(item.monthlyMicros(), toInt(item.rpm()), toInt(item.tpm()));
        });
    }

    /**
     * The workspace's monthly LLM limit: the budget it set itself, or else its plan's
     * ({@code monthlyLlmUsd}); null only for a plan without one.
     */
    public Long monthlyLimit(String workspaceId) {
        Long own = workspace(workspaceId).monthlyMicros();
        if (own != null) {
            return own;
        }
        return entitlements
                .of(workspaceId)
                .limit(Entitlements.MONTHLY_LLM_USD)
                .map(usd -> usd * 1_000_000L)
                .orElse(null);
    }

    private static Integer toInt(Long value) {
        return value == null ? null : Math.toIntExact(value);
    }

    @SuppressWarnings("unchecked")
    public Optional<Long> keyLimit(String workspaceId, String keyId) {
        return (Optional<Long>) cached(
                "key:" + keyId,
                workspaceId,
                () -> Optional.ofNullable(keyBudgets.getItem(r -> r.key(
                                        LlmItems.keyBudget(workspaceId, keyId).key())
                                .consistentRead(true)))
                        .map(LlmItems.KeyBudget::monthlyMicros));
    }

    public void put(String workspaceId, Settings values, String by) {
        var key = LlmItems.budget(workspaceId);
        budgets.putItem(new LlmItems.Budget(
                key.pk(),
                key.sk(),
                values.monthlyMicros(),
                values.rpm() == null ? null : values.rpm().longValue(),
                values.tpm() == null ? null : values.tpm().longValue(),
                by,
                clock.millis()));
        settings.remove("settings|" + workspaceId);
    }

    public void putKey(String workspaceId, String keyId, Long monthlyMicros, String by) {
        var key = LlmItems.keyBudget(workspaceId, keyId);
        if (monthlyMicros == null) {
            keyBudgets.deleteItem(key.key());
        } else {
            keyBudgets.putItem(new LlmItems.KeyBudget(key.pk(), key.sk(), keyId, monthlyMicros, by, clock.millis()));
        }
        settings.remove("key:" + keyId + "|" + workspaceId);
    }

    /** Every key budget of a workspace: key id to monthly micro-dollars. */
    public Map<String, Long> keyLimits(String workspaceId) {
        Map<String, Long> limits = new HashMap<>();
        keyBudgets
                .query(r -> r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                        .partitionValue(LlmItems.workspace(workspaceId))
                        .sortValue(LlmItems.KEY_BUDGETS)
                        .build())))
                .items()
                .forEach(item -> limits.put(item.keyId(), item.monthlyMicros()));
        return limits;
    }

    public Spend spend(String workspaceId, Optional<String> keyId) {
        LlmItems.Spend item = spends.getItem(r -> r.key(
                        LlmItems.spend(workspaceId, month(), keyId.orElse(null)).key())
                .consistentRead(true));
        return item == null ? new Spend(0, 0) : new Spend(item.spent(), item.held());
    }

    // ---- reservations

    /** Holds {@code micros} against the budgets that apply; 429 ({@code insufficient_quota}) when one cannot afford it. */
    public Reservation reserve(Caller caller, long micros) {
        String month = month();
        Long workspaceLimit = monthlyLimit(caller.workspaceId());
        Optional<Long> keyLimit = caller.apiKeyId().flatMap(id -> keyLimit(caller.workspaceId(), id));
        boolean workspaceHeld = false;
        if (workspaceLimit != null) {
            hold(LlmItems.spend(caller.workspaceId(), month, null), micros, workspaceLimit, "workspace");
            workspaceHeld = true;
        }
        boolean keyHeld = false;
        if (keyLimit.isPresent()) {
            try {
                hold(
                        LlmItems.spend(
                                caller.workspaceId(), month, caller.apiKeyId().get()),
                        micros,
                        keyLimit.get(),
                        "API key");
                keyHeld = true;
            } catch (ApiProblem refused) {
                if (workspaceHeld) {
                    add(LlmItems.spend(caller.workspaceId(), month, null), -micros, 0, false);
                }
                throw refused;
            }
        }
        return new Reservation(caller.workspaceId(), caller.apiKeyId(), month, micros, workspaceHeld, keyHeld);
    }

    /**
     * Replaces the reservation by what the call cost (0 when it failed) and counts the spend.
     * {@code held} always ends at spend plus calls in flight, budget or not, so that a budget set
     * in the middle of a month counts what the month has already spent.
     */
    public void settle(Reservation reservation, long actualMicros) {
        add(
                LlmItems.spend(reservation.workspaceId(), reservation.month(), null),
                reservation.workspaceHeld() ? actualMicros - reservation.micros() : actualMicros,
                actualMicros,
                true);
        if (reservation.keyId().isPresent()) {
            add(
                    LlmItems.spend(
                            reservation.workspaceId(),
                            reservation.month(),
                            reservation.keyId().get()),
                    reservation.keyHeld() ? actualMicros - reservation.micros() : actualMicros,
                    actualMicros,
                    true);
        }
    }

    /**
     * Counts a call's cost inside a reservation held for a longer piece of work (an agent run's
     * cap): the held amount already covers it, so only the spend moves (where the month was not
     * held, {@code held} follows the spend, as {@link #settle} keeps it).
     */
    public void spendWithin(Reservation reservation, long actualMicros) {
        add(
                LlmItems.spend(reservation.workspaceId(), reservation.month(), null),
                reservation.workspaceHeld() ? 0 : actualMicros,
                actualMicros,
                true);
        if (reservation.keyId().isPresent()) {
            add(
                    LlmItems.spend(
                            reservation.workspaceId(),
                            reservation.month(),
                            reservation.keyId().get()),
                    reservation.keyHeld() ? 0 : actualMicros,
                    actualMicros,
                    true);
        }
    }

    /** Ends a reservation whose calls counted their spend with {@link #spendWithin}: what they did not spend is released. */
    public void release(Reservation reservation, long spentMicros) {
        long unspent = Math.max(0, reservation.micros() - spentMicros);
        if (reservation.workspaceHeld()) {
            add(LlmItems.spend(reservation.workspaceId(), reservation.month(), null), -unspent, 0, false);
        }
        if (reservation.keyHeld() && reservation.keyId().isPresent()) {
            add(
                    LlmItems.spend(
                            reservation.workspaceId(),
                            reservation.month(),
                            reservation.keyId().get()),
                    -unspent,
                    0,
                    false);
        }
    }

    private void hold(ItemKey spend, long micros, long limit, String whose) {
        if (micros > limit) {
            throw exhausted(whose);
        }
        boolean held = ItemUpdate.of(table, spend)
                .add("held", micros)
                .setIfAbsent("expiresAt", expiry())
                .condition(
                        "attribute_not_exists(#held) OR #held <= :room", Map.of(":room", Values.number(limit - micros)))
                .applyIf(dynamoDb);
        if (!held) {
            throw exhausted(whose);
        }
    }

    private void add(ItemKey spend, long heldDelta, long spent, boolean counted) {
        ItemUpdate.of(table, spend)
                .add("held", heldDelta)
                .add("spent", spent)
                .add("requests", counted ? 1 : 0)
                .setIfAbsent("expiresAt", expiry())
                .apply(dynamoDb);
    }

    private static ApiProblem exhausted(String whose) {
        return new ApiProblem(
                429,
                "budget-exhausted",
                "Budget Exhausted",
                "The monthly LLM budget of this " + whose
                        + " cannot cover this request; it renews on the first of the month.",
                List.of(),
                Map.of("x-should-retry", "false"));
    }

    /** Month items are kept for 13 months, for the usage history. */
    private long expiry() {
        return LocalDate.now(clock).plusMonths(13).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    }

    private Object cached(String what, String workspaceId, Supplier<Object> load) {
        String cacheKey = what + "|" + workspaceId;
        Instant now = clock.instant();
        Cached entry = settings.get(cacheKey);
        if (entry == null || !entry.until().isAfter(now)) {
            if (settings.size() > 10_000) {
                settings.clear();
            }
            entry = new Cached(load.get(), now.plus(SETTINGS_CACHE));
            settings.put(cacheKey, entry);
        }
        return entry.value();
    }
}

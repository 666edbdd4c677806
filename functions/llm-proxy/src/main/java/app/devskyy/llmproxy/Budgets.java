package app.devskyy.llmproxy;

import app.devskyy.core.http.ApiProblem;
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
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

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
final class Budgets {

    /** A workspace's settings; a {@code null} field means "no limit of that kind". Money in micro-dollars. */
    record Settings(Long monthlyMicros, Integer rpm, Integer tpm) {
        static final Settings NONE = new Settings(null, null, null);
    }

    /** What one call holds: {@code micros} on the workspace's month, and on the key's when the key has a budget. */
    record Reservation(
            String workspaceId,
            Optional<String> keyId,
            String month,
            long micros,
            boolean workspaceHeld,
            boolean keyHeld) {}

    /** The month so far: settled spend and what calls in flight hold. */
    record Spend(long spentMicros, long heldMicros) {}

    private static final Duration SETTINGS_CACHE = Duration.ofSeconds(30);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;
    private final Map<String, Cached> settings = new ConcurrentHashMap<>();

    private record Cached(Object value, Instant until) {}

    Budgets(DynamoDbClient dynamoDb, String table, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.clock = clock;
    }

    static Map<String, AttributeValue> key(String workspaceId, String sk) {
        return Map.of("pk", AttributeValue.fromS("WS#" + workspaceId), "sk", AttributeValue.fromS(sk));
    }

    String month() {
        return YearMonth.from(clock.instant().atZone(ZoneOffset.UTC)).toString();
    }

    // ---- settings

    Settings workspace(String workspaceId) {
        return (Settings) cached("BUDGET", workspaceId, () -> {
            Map<String, AttributeValue> item = get(workspaceId, "BUDGET");
            return item == null
                    ? Settings.NONE
                    : new Settings(
                            longOf(item, "monthlyMicros"),
                            item.containsKey("rpm")
                                    ? Integer.valueOf(item.get("rpm").n())
                                    : null,
                            item.containsKey("tpm")
                                    ? Integer.valueOf(item.get("tpm").n())
                                    : null);
        });
    }

    @SuppressWarnings("unchecked")
    Optional<Long> keyLimit(String workspaceId, String keyId) {
        return (Optional<Long>) cached("BUDGET#KEY#" + keyId, workspaceId, () -> {
            Map<String, AttributeValue> item = get(workspaceId, "BUDGET#KEY#" + keyId);
            return Optional.ofNullable(item == null ? null : longOf(item, "monthlyMicros"));
        });
    }

    void put(String workspaceId, Settings values, String by) {
        Map<String, AttributeValue> item = new HashMap<>(key(workspaceId, "BUDGET"));
        if (values.monthlyMicros() != null) {
            item.put("monthlyMicros", number(values.monthlyMicros()));
        }
        if (values.rpm() != null) {
            item.put("rpm", number(values.rpm()));
        }
        if (values.tpm() != null) {
            item.put("tpm", number(values.tpm()));
        }
        item.put("updatedBy", AttributeValue.fromS(by));
        item.put("updatedAt", number(clock.millis()));
        dynamoDb.putItem(r -> r.tableName(table).item(item));
        settings.remove("BUDGET|" + workspaceId);
    }

    void putKey(String workspaceId, String keyId, Long monthlyMicros, String by) {
        if (monthlyMicros == null) {
            dynamoDb.deleteItem(r -> r.tableName(table).key(key(workspaceId, "BUDGET#KEY#" + keyId)));
        } else {
            Map<String, AttributeValue> item = new HashMap<>(key(workspaceId, "BUDGET#KEY#" + keyId));
            item.put("keyId", AttributeValue.fromS(keyId));
            item.put("monthlyMicros", number(monthlyMicros));
            item.put("updatedBy", AttributeValue.fromS(by));
            item.put("updatedAt", number(clock.millis()));
            dynamoDb.putItem(r -> r.tableName(table).item(item));
        }
        settings.remove("BUDGET#KEY#" + keyId + "|" + workspaceId);
    }

    /** Every key budget of a workspace: key id to monthly micro-dollars. */
    Map<String, Long> keyLimits(String workspaceId) {
        Map<String, Long> limits = new HashMap<>();
        dynamoDb.queryPaginator(r -> r.tableName(table)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                        .expressionAttributeValues(Map.of(
                                ":pk",
                                AttributeValue.fromS("WS#" + workspaceId),
                                ":prefix",
                                AttributeValue.fromS("BUDGET#KEY#"))))
                .items()
                .forEach(item -> limits.put(item.get("keyId").s(), longOf(item, "monthlyMicros")));
        return limits;
    }

    Spend spend(String workspaceId, Optional<String> keyId) {
        Map<String, AttributeValue> item = get(workspaceId, spendKey(keyId, month()));
        return item == null ? new Spend(0, 0) : new Spend(orZero(longOf(item, "spent")), orZero(longOf(item, "held")));
    }

    // ---- reservations

    /** Holds {@code micros} against the budgets that apply; 429 ({@code insufficient_quota}) when one cannot afford it. */
    Reservation reserve(Caller caller, long micros) {
        String month = month();
        Settings workspace = workspace(caller.workspaceId());
        Optional<Long> keyLimit = caller.apiKeyId().flatMap(id -> keyLimit(caller.workspaceId(), id));
        boolean workspaceHeld = false;
        if (workspace.monthlyMicros() != null) {
            hold(
                    caller.workspaceId(),
                    spendKey(Optional.empty(), month),
                    micros,
                    workspace.monthlyMicros(),
                    "workspace");
            workspaceHeld = true;
        }
        boolean keyHeld = false;
        if (keyLimit.isPresent()) {
            try {
                hold(caller.workspaceId(), spendKey(caller.apiKeyId(), month), micros, keyLimit.get(), "API key");
                keyHeld = true;
            } catch (ApiProblem refused) {
                if (workspaceHeld) {
                    add(caller.workspaceId(), spendKey(Optional.empty(), month), -micros, 0, false);
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
    void settle(Reservation reservation, long actualMicros) {
        add(
                reservation.workspaceId(),
                spendKey(Optional.empty(), reservation.month()),
                reservation.workspaceHeld() ? actualMicros - reservation.micros() : actualMicros,
                actualMicros,
                true);
        if (reservation.keyId().isPresent()) {
            add(
                    reservation.workspaceId(),
                    spendKey(reservation.keyId(), reservation.month()),
                    reservation.keyHeld() ? actualMicros - reservation.micros() : actualMicros,
                    actualMicros,
                    true);
        }
    }

    private void hold(String workspaceId, String sk, long micros, long limit, String whose) {
        if (micros > limit) {
            throw exhausted(whose);
        }
        try {
            dynamoDb.updateItem(r -> r.tableName(table)
                    .key(key(workspaceId, sk))
                    .updateExpression("ADD held :micros SET expiresAt = if_not_exists(expiresAt, :expires)")
                    .conditionExpression("attribute_not_exists(held) OR held <= :room")
                    .expressionAttributeValues(Map.of(
                            ":micros", number(micros), ":room", number(limit - micros), ":expires", number(expiry()))));
        } catch (ConditionalCheckFailedException refused) {
            throw exhausted(whose);
        }
    }

    private void add(String workspaceId, String sk, long heldDelta, long spent, boolean counted) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":held", number(heldDelta));
        values.put(":spent", number(spent));
        values.put(":requests", number(counted ? 1 : 0));
        values.put(":expires", number(expiry()));
        dynamoDb.updateItem(r -> r.tableName(table)
                .key(key(workspaceId, sk))
                .updateExpression(
                        "ADD held :held, spent :spent, requests :requests SET expiresAt = if_not_exists(expiresAt, :expires)")
                .expressionAttributeValues(values));
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

    private static String spendKey(Optional<String> keyId, String month) {
        return keyId.map(id -> "SPEND#" + month + "#KEY#" + id).orElse("SPEND#" + month);
    }

    private Map<String, AttributeValue> get(String workspaceId, String sk) {
        var item = dynamoDb.getItem(
                r -> r.tableName(table).key(key(workspaceId, sk)).consistentRead(true));
        return item.hasItem() ? item.item() : null;
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

    private static Long longOf(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? Long.valueOf(item.get(name).n()) : null;
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}

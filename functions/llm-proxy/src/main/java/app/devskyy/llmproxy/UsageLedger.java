package app.devskyy.llmproxy;

import app.devskyy.core.Json;
import app.devskyy.llm.Target;
import app.devskyy.llm.Usage;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Usage, two ways: one record per request (kept 90 days: who, which alias, provider and model,
 * tokens by kind, cost, latency, cache hit, outcome) and counters per workspace, day, provider,
 * model and caller (kept 13 months), which {@code GET /usage} reads in one query. Prompts and
 * completions are never stored.
 */
final class UsageLedger {

    /** One call through the proxy. {@code outcome} is {@code ok}, {@code cache_hit} or an error status. */
    record Entry(
            Caller caller,
            String requestId,
            String operation,
            String alias,
            Target target,
            Usage usage,
            long costMicros,
            long latencyMillis,
            boolean cacheHit,
            String outcome) {}

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;

    UsageLedger(DynamoDbClient dynamoDb, String table, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.clock = clock;
    }

    void record(Entry entry) {
        Instant now = clock.instant();
        String day = LocalDate.ofInstant(now, ZoneOffset.UTC).toString();
        Map<String, AttributeValue> record = new HashMap<>(Budgets.key(
                entry.caller().workspaceId(),
                "REQ#" + String.format("%015d", now.toEpochMilli()) + "#" + entry.requestId()));
        record.put("caller", AttributeValue.fromS(entry.caller().id()));
        record.put("operation", AttributeValue.fromS(entry.operation()));
        record.put("alias", AttributeValue.fromS(entry.alias()));
        record.put("provider", AttributeValue.fromS(entry.target().provider()));
        record.put("model", AttributeValue.fromS(entry.target().model()));
        record.put("promptTokens", Budgets.number(entry.usage().promptTokens()));
        record.put("cachedTokens", Budgets.number(entry.usage().cachedTokens()));
        record.put("completionTokens", Budgets.number(entry.usage().completionTokens()));
        record.put("reasoningTokens", Budgets.number(entry.usage().reasoningTokens()));
        record.put("costMicros", Budgets.number(entry.costMicros()));
        record.put("latencyMillis", Budgets.number(entry.latencyMillis()));
        record.put("cacheHit", AttributeValue.fromBool(entry.cacheHit()));
        record.put("outcome", AttributeValue.fromS(entry.outcome()));
        record.put("expiresAt", Budgets.number(now.getEpochSecond() + 90L * 86_400));

        boolean failed = !entry.outcome().equals("ok") && !entry.cacheHit();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":one", Budgets.number(1));
        values.put(":prompt", Budgets.number(entry.usage().promptTokens()));
        values.put(":cached", Budgets.number(entry.usage().cachedTokens()));
        values.put(":completion", Budgets.number(entry.usage().completionTokens()));
        values.put(":reasoning", Budgets.number(entry.usage().reasoningTokens()));
        values.put(":cost", Budgets.number(entry.costMicros()));
        values.put(":hit", Budgets.number(entry.cacheHit() ? 1 : 0));
        values.put(":failed", Budgets.number(failed ? 1 : 0));
        values.put(":day", AttributeValue.fromS(day));
        values.put(":provider", AttributeValue.fromS(entry.target().provider()));
        values.put(":model", AttributeValue.fromS(entry.target().model()));
        values.put(":caller", AttributeValue.fromS(entry.caller().id()));
        values.put(":expires", Budgets.number(now.getEpochSecond() + 400L * 86_400));
        Concurrently.run(
                () -> dynamoDb.putItem(r -> r.tableName(table).item(record)),
                () -> dynamoDb.updateItem(r -> r.tableName(table)
                        .key(Budgets.key(
                                entry.caller().workspaceId(),
                                "USAGE#" + day + "#" + entry.target().id() + "#"
                                        + entry.caller().id()))
                        .updateExpression(
                                "ADD requests :one, promptTokens :prompt, cachedTokens :cached, completionTokens :completion, "
                                        + "reasoningTokens :reasoning, costMicros :cost, cacheHits :hit, failures :failed "
                                        + "SET #day = :day, provider = :provider, model = :model, caller = :caller, expiresAt = :expires")
                        .expressionAttributeNames(Map.of("#day", "day"))
                        .expressionAttributeValues(values)));
    }

    /** The filters of {@code GET /usage}; absent ones match everything. */
    record Query(
            LocalDate from, LocalDate to, Optional<String> provider, Optional<String> model, Optional<String> caller) {}

    /** Usage by day, and by day, provider, model and caller, with totals. */
    ObjectNode query(String workspaceId, Query query) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("workspaceId", workspaceId);
        out.put("from", query.from().toString());
        out.put("to", query.to().toString());
        ArrayNode rows = Json.MAPPER.createArrayNode();
        Map<String, long[]> days = new TreeMap<>();
        long[] totals = new long[8];
        dynamoDb.queryPaginator(r -> r.tableName(table)
                        .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                        .expressionAttributeValues(Map.of(
                                ":pk",
                                AttributeValue.fromS("WS#" + workspaceId),
                                ":from",
                                AttributeValue.fromS("USAGE#" + query.from()),
                                ":to",
                                AttributeValue.fromS("USAGE#" + query.to() + "#\uffff"))))
                .items()
                .forEach(item -> {
                    if (!matches(query.provider(), item, "provider")
                            || !matches(query.model(), item, "model")
                            || !matches(query.caller(), item, "caller")) {
                        return;
                    }
                    long[] counts = counts(item);
                    String day = item.get("day").s();
                    long[] daily = days.computeIfAbsent(day, d -> new long[8]);
                    for (int i = 0; i < counts.length; i++) {
                        daily[i] += counts[i];
                        totals[i] += counts[i];
                    }
                    ObjectNode row = rows.addObject()
                            .put("date", day)
                            .put("provider", item.get("provider").s())
                            .put("model", item.get("model").s());
                    String caller = item.get("caller").s();
                    if (caller.startsWith("key:")) {
                        row.put("apiKeyId", caller.substring(4));
                    } else {
                        row.put("userId", caller.substring(5));
                    }
                    write(row, counts);
                });
        write(out.putObject("totals"), totals);
        ArrayNode byDay = out.putArray("days");
        days.forEach((day, counts) -> write(byDay.addObject().put("date", day), counts));
        out.set("rows", rows);
        return out;
    }

    private static boolean matches(Optional<String> filter, Map<String, AttributeValue> item, String attribute) {
        return filter.isEmpty()
                || filter.get().equals(item.get(attribute).s())
                || ("caller".equals(attribute)
                        && ("key:" + filter.get()).equals(item.get(attribute).s()));
    }

    private static final String[] COUNTERS = {
        "requests",
        "promptTokens",
        "cachedTokens",
        "completionTokens",
        "reasoningTokens",
        "costMicros",
        "cacheHits",
        "failures"
    };

    private static long[] counts(Map<String, AttributeValue> item) {
        long[] counts = new long[COUNTERS.length];
        for (int i = 0; i < COUNTERS.length; i++) {
            counts[i] = item.containsKey(COUNTERS[i])
                    ? Long.parseLong(item.get(COUNTERS[i]).n())
                    : 0;
        }
        return counts;
    }

    private static void write(ObjectNode node, long[] counts) {
        node.put("requests", counts[0]);
        node.putObject("tokens")
                .put("prompt", counts[1])
                .put("cached", counts[2])
                .put("completion", counts[3])
                .put("reasoning", counts[4]);
        node.put("costUsd", Money.usd(counts[5]));
        node.put("cacheHits", counts[6]);
        node.put("failures", counts[7]);
    }
}

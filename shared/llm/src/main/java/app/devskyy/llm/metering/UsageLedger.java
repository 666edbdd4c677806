package app.devskyy.llm.metering;

import app.devskyy.core.Concurrently;
import app.devskyy.core.Json;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.aws.ItemUpdate;
import app.devskyy.llm.Target;
import app.devskyy.llm.Usage;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Usage, two ways: one record per request (kept 90 days: who, which alias, provider and model,
 * tokens by kind, cost, latency, cache hit, outcome) and counters per workspace, day, provider,
 * model and caller (kept 13 months), which {@code GET /usage} reads in one query. Prompts and
 * completions are never stored.
 */
public final class UsageLedger {

    /** One call through the proxy. {@code outcome} is {@code ok}, {@code cache_hit} or an error status. */
    public record Entry(
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
    private final DynamoDbTable<LlmItems.Request> requests;
    private final DynamoDbTable<LlmItems.Usage> usage;
    private final Clock clock;

    public UsageLedger(DynamoDbClient dynamoDb, DynamoTables tables, String table, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.requests = tables.table(table, LlmItems.Request.SCHEMA);
        this.usage = tables.table(table, LlmItems.Usage.SCHEMA);
        this.clock = clock;
    }

    public void record(Entry entry) {
        Instant now = clock.instant();
        String day = LocalDate.ofInstant(now, ZoneOffset.UTC).toString();
        String workspaceId = entry.caller().workspaceId();
        var key = LlmItems.request(workspaceId, now.toEpochMilli(), entry.requestId());
        var record = new LlmItems.Request(
                key.pk(),
                key.sk(),
                entry.caller().id(),
                entry.operation(),
                entry.alias(),
                entry.target().provider(),
                entry.target().model(),
                entry.usage().promptTokens(),
                entry.usage().cachedTokens(),
                entry.usage().completionTokens(),
                entry.usage().reasoningTokens(),
                entry.costMicros(),
                entry.latencyMillis(),
                entry.cacheHit(),
                entry.outcome(),
                now.getEpochSecond() + 90L * 86_400);
        boolean failed = !entry.outcome().equals("ok") && !entry.cacheHit();
        ItemUpdate counters = ItemUpdate.of(
                        table,
                        LlmItems.usage(
                                workspaceId,
                                day,
                                entry.target().id(),
                                entry.caller().id()))
                .add("requests", 1)
                .add("promptTokens", entry.usage().promptTokens())
                .add("cachedTokens", entry.usage().cachedTokens())
                .add("completionTokens", entry.usage().completionTokens())
                .add("reasoningTokens", entry.usage().reasoningTokens())
                .add("costMicros", entry.costMicros())
                .add("cacheHits", entry.cacheHit() ? 1 : 0)
                .add("failures", failed ? 1 : 0)
                .set("day", day)
                .set("provider", entry.target().provider())
                .set("model", entry.target().model())
                .set("caller", entry.caller().id())
                .set("expiresAt", now.getEpochSecond() + 400L * 86_400);
        Concurrently.run(() -> requests.putItem(record), () -> counters.apply(dynamoDb));
    }

    /** The filters of {@code GET /usage}; absent ones match everything. */
    public record Query(
            LocalDate from, LocalDate to, Optional<String> provider, Optional<String> model, Optional<String> caller) {}

    /** Usage by day, and by day, provider, model and caller, with totals. */
    public ObjectNode query(String workspaceId, Query query) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("workspaceId", workspaceId);
        out.put("from", query.from().toString());
        out.put("to", query.to().toString());
        ArrayNode rows = Json.MAPPER.createArrayNode();
        Map<String, long[]> days = new TreeMap<>();
        long[] totals = new long[8];
        String pk = LlmItems.workspace(workspaceId);
        usage.query(r -> r.queryConditional(QueryConditional.sortBetween(
                        Key.builder()
                                .partitionValue(pk)
                                .sortValue(LlmItems.USAGE + query.from())
                                .build(),
                        Key.builder()
                                .partitionValue(pk)
                                .sortValue(LlmItems.usageDayEnd(query.to().toString()))
                                .build())))
                .items()
                .forEach(item -> {
                    if (!matches(query.provider(), item.provider())
                            || !matches(query.model(), item.model())
                            || !matchesCaller(query.caller(), item.caller())) {
                        return;
                    }
                    long[] counts = counts(item);
                    String day = item.day();
                    long[] daily = days.computeIfAbsent(day, d -> new long[8]);
                    for (int i = 0; i < counts.length; i++) {
                        daily[i] += counts[i];
                        totals[i] += counts[i];
                    }
                    ObjectNode row = rows.addObject()
                            .put("date", day)
                            .put("provider", item.provider())
                            .put("model", item.model());
                    String caller = item.caller();
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

    private static boolean matches(Optional<String> filter, String value) {
        return filter.isEmpty() || filter.get().equals(value);
    }

    /** A caller filter names a user id or an API key id; callers are stored as {@code user:<id>} or {@code key:<id>}. */
    private static boolean matchesCaller(Optional<String> filter, String caller) {
        return matches(filter, caller) || matches(filter.map(id -> "key:" + id), caller);
    }

    private static long[] counts(LlmItems.Usage item) {
        return new long[] {
            item.requests(),
            item.promptTokens(),
            item.cachedTokens(),
            item.completionTokens(),
            item.reasoningTokens(),
            item.costMicros(),
            item.cacheHits(),
            item.failures()
        };
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

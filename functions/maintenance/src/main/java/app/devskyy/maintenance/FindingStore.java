package app.devskyy.maintenance;

import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.ItemUpdate;
import app.devskyy.core.aws.Values;
import app.devskyy.core.http.Paging;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Findings, deduplicated across runs: a rule finding the same subject again updates one item
 * ({@link MaintenanceItems#findingId}), and says whether it is new (or back after being resolved),
 * which is when a job tells people about it. A complete run resolves what its rules no longer find.
 */
final class FindingStore {

    /** What recording a finding did. */
    enum Seen {
        NEW,
        REOPENED,
        AGAIN;

        boolean isNews() {
            return this != AGAIN;
        }
    }

    record Page(List<MaintenanceItems.Finding> findings, String nextCursor) {}

    static final String OPEN = "open";
    static final String ACKNOWLEDGED = "acknowledged";
    static final String RESOLVED = "resolved";

    private final DynamoDbClient dynamoDb;
    private final String table;

    FindingStore(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /** Records that the rule found the subject in the run of {@code slot} (epoch ms). */
    Seen record(String rule, String severity, String subject, String summary, long slot) {
        String id = MaintenanceItems.findingId(rule, subject);
        Optional<MaintenanceItems.Finding> known = find(id);
        if (known.isPresent() && known.get().lastSeenAt() > slot) {
            return Seen.AGAIN;
        }
        String state = known.map(MaintenanceItems.Finding::state)
                .filter(s -> !s.equals(RESOLVED))
                .orElse(OPEN);
        ItemUpdate update = ItemUpdate.of(table, MaintenanceItems.finding(id))
                .set("findingId", id)
                .set("rule", rule)
                .set("severity", severity)
                .set("subject", subject)
                .set("summary", summary)
                .set("state", state)
                .setIfAbsent("firstSeenAt", slot)
                .set("lastSeenAt", slot)
                .set("gsi1pk", MaintenanceItems.rulePartition(rule))
                .set("gsi1sk", MaintenanceItems.ruleSort(state, slot, id))
                .set("gsi2pk", MaintenanceItems.FINDINGS)
                .set("gsi2sk", MaintenanceItems.timeSort(slot, id))
                .remove("resolvedAt");
        // As it was read: a concurrent run's write is not undone.
        if (known.isEmpty()) {
            update.condition("attribute_not_exists(#pk)");
        } else {
            update.condition(
                    "#state = :was AND #lastSeenAt = :seen",
                    Map.of(
                            ":was", AttributeValue.fromS(known.get().state()),
                            ":seen", Values.number(known.get().lastSeenAt())));
        }
        if (!update.applyIf(dynamoDb)) {
            return Seen.AGAIN;
        }
        if (known.isEmpty()) {
            return Seen.NEW;
        }
        return known.get().state().equals(RESOLVED) ? Seen.REOPENED : Seen.AGAIN;
    }

    /** Resolves the findings of the rules that the complete run of {@code slot} did not see again. */
    int resolveUnseen(Set<String> rules, long slot) {
        int resolved = 0;
        for (String rule : rules) {
            for (String state : List.of(OPEN, ACKNOWLEDGED)) {
                QueryRequest query = QueryRequest.builder()
                        .tableName(table)
                        .indexName(MaintenanceItems.BY_RULE)
                        .keyConditionExpression("gsi1pk = :rule AND gsi1sk BETWEEN :from AND :before")
                        .expressionAttributeValues(Map.of(
                                ":rule", AttributeValue.fromS(MaintenanceItems.rulePartition(rule)),
                                ":from", AttributeValue.fromS(state + "#"),
                                ":before", AttributeValue.fromS(MaintenanceItems.ruleSort(state, slot, ""))))
                        .build();
                for (Map<String, AttributeValue> item :
                        dynamoDb.queryPaginator(query).items()) {
                    MaintenanceItems.Finding finding = MaintenanceItems.Finding.SCHEMA.mapToItem(item);
                    if (ItemUpdate.of(table, MaintenanceItems.finding(finding.findingId()))
                            .set("state", RESOLVED)
                            .set("resolvedAt", slot)
                            .set(
                                    "gsi1sk",
                                    MaintenanceItems.ruleSort(RESOLVED, finding.lastSeenAt(), finding.findingId()))
                            .condition("#lastSeenAt < :slot", Map.of(":slot", Values.number(slot)))
                            .applyIf(dynamoDb)) {
                        resolved++;
                    }
                }
            }
        }
        return resolved;
    }

    Optional<MaintenanceItems.Finding> find(String findingId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(table)
                        .key(MaintenanceItems.finding(findingId).attributes())
                        .consistentRead(true))
                .item();
        return item.isEmpty() ? Optional.empty() : Optional.of(MaintenanceItems.Finding.SCHEMA.mapToItem(item));
    }

    /** An open finding becomes acknowledged, by whom and when; empty when there is no such finding. */
    Optional<MaintenanceItems.Finding> acknowledge(String findingId, String by, long now) {
        Optional<MaintenanceItems.Finding> finding = find(findingId);
        finding.filter(f -> f.state().equals(OPEN))
                .ifPresent(f -> ItemUpdate.of(table, MaintenanceItems.finding(findingId))
                        .set("state", ACKNOWLEDGED)
                        .set("acknowledgedBy", by)
                        .set("acknowledgedAt", now)
                        .set("gsi1sk", MaintenanceItems.ruleSort(ACKNOWLEDGED, f.lastSeenAt(), findingId))
                        .condition("#state = :open", Map.of(":open", AttributeValue.fromS(OPEN)))
                        .applyIf(dynamoDb));
        return finding.isEmpty() ? Optional.empty() : find(findingId);
    }

    /** A page of findings, last seen first: of one rule (and state) through its index, or of all. */
    Page list(
            Optional<String> rule,
            Optional<String> severity,
            Optional<String> state,
            int limit,
            Optional<String> after) {
        boolean byRule = rule.isPresent();
        String index = byRule ? MaintenanceItems.BY_RULE : MaintenanceItems.BY_TIME;
        String partitionName = byRule ? "gsi1pk" : "gsi2pk";
        String sortName = byRule ? "gsi1sk" : "gsi2sk";
        String partition = byRule ? MaintenanceItems.rulePartition(rule.get()) : MaintenanceItems.FINDINGS;
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":p", AttributeValue.fromS(partition)));
        Map<String, String> names = new HashMap<>();
        String condition = partitionName + " = :p";
        if (byRule && state.isPresent()) {
            condition += " AND begins_with(" + sortName + ", :state)";
            values.put(":state", AttributeValue.fromS(state.get() + "#"));
        }
        List<String> filters = new ArrayList<>();
        severity.ifPresent(s -> {
            names.put("#severity", "severity");
            values.put(":severity", AttributeValue.fromS(s));
            filters.add("#severity = :severity");
        });
        if (!byRule) {
            state.ifPresent(s -> {
                names.put("#state", "state");
                values.put(":stateValue", AttributeValue.fromS(s));
                filters.add("#state = :stateValue");
            });
        }
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(table)
                .indexName(index)
                .keyConditionExpression(condition)
                .expressionAttributeValues(values)
                .expressionAttributeNames(names.isEmpty() ? null : names)
                .filterExpression(filters.isEmpty() ? null : String.join(" AND ", filters))
                .scanIndexForward(false)
                .limit(limit);
        after.ifPresent(sort -> {
            ItemKey key = MaintenanceItems.finding(sort.substring(sort.lastIndexOf('#') + 1));
            Map<String, AttributeValue> start = new HashMap<>(key.attributes());
            start.put(partitionName, AttributeValue.fromS(partition));
            start.put(sortName, AttributeValue.fromS(sort));
            query.exclusiveStartKey(start);
        });
        QueryResponse page = dynamoDb.query(query.build());
        return new Page(
                page.items().stream()
                        .map(MaintenanceItems.Finding.SCHEMA::mapToItem)
                        .toList(),
                Paging.nextCursor(Values.string(page.lastEvaluatedKey(), sortName)));
    }
}

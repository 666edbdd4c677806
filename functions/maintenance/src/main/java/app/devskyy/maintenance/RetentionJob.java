package app.devskyy.maintenance;

import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.ItemUpdate;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.llm.metering.LlmItems;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Retention (daily), what TTL cannot do alone. Audit entries past their {@code expiresAt} are
 * deleted at the run rather than within TTL's days of delay, so that the retention the
 * processing record states holds to the day. LLM usage records older than
 * {@code LLM_USAGE_IDENTIFIED_DAYS} lose the caller who made them: the spend stays, for the
 * workspace's accounts, and no longer says who. Both are conditional, so a second run of the slot
 * (or a resumed one) changes nothing the first did.
 */
final class RetentionJob extends MaintenanceJob {

    static final String NAME = "retentionJob";

    private static final String AUDIT = "audit|";
    private static final String USAGE = "usage|";
    private static final int PAGE = 200;

    private final DynamoDbClient dynamoDb;
    private final String auditTable;
    private final String llmTable;
    private final Duration identified;

    RetentionJob(
            FindingStore findings,
            RunStore runs,
            DynamoDbClient dynamoDb,
            String auditTable,
            String llmTable,
            Duration identified,
            Telemetry telemetry,
            Duration budget,
            Clock clock) {
        super(NAME, findings, runs, telemetry, budget, clock);
        this.dynamoDb = dynamoDb;
        this.auditTable = auditTable;
        this.llmTable = llmTable;
        this.identified = identified;
    }

    @Override
    protected Set<String> rules() {
        return Set.of();
    }

    @Override
    protected String page(Instant slot, String cursor, Tally tally) {
        if (cursor == null || cursor.startsWith(AUDIT)) {
            ScanResponse page = scan(
                    auditTable,
                    after(cursor, AUDIT),
                    "expiresAt < :now",
                    Map.of(":now", AttributeValue.fromN(Long.toString(slot.getEpochSecond()))));
            for (Map<String, AttributeValue> entry : page.items()) {
                tally.seen++;
                try {
                    dynamoDb.deleteItem(r -> r.tableName(auditTable)
                            .key(Map.of("pk", entry.get("pk"), "sk", entry.get("sk")))
                            .conditionExpression("expiresAt < :now")
                            .expressionAttributeValues(
                                    Map.of(":now", AttributeValue.fromN(Long.toString(slot.getEpochSecond())))));
                    tally.changed++;
                } catch (ConditionalCheckFailedException goneOrRenewed) {
                    // Deleted by TTL (or a run) meanwhile.
                }
            }
            String next = cursor(page.lastEvaluatedKey());
            return next == null ? USAGE : AUDIT + next;
        }
        String cutoff = String.format(
                LlmItems.REQUESTS + "%015d", slot.minus(identified).toEpochMilli());
        ScanResponse page = scan(
                llmTable,
                after(cursor, USAGE),
                "begins_with(sk, :requests) AND sk < :cutoff AND begins_with(caller, :user)",
                Map.of(
                        ":requests", AttributeValue.fromS(LlmItems.REQUESTS),
                        ":cutoff", AttributeValue.fromS(cutoff),
                        ":user", AttributeValue.fromS("user:")));
        for (Map<String, AttributeValue> usage : page.items()) {
            tally.seen++;
            if (ItemUpdate.of(
                            llmTable,
                            ItemKey.of(usage.get("pk").s(), usage.get("sk").s()))
                    .remove("caller")
                    .condition("attribute_exists(#caller)")
                    .applyIf(dynamoDb)) {
                tally.changed++;
            }
        }
        String next = cursor(page.lastEvaluatedKey());
        return next == null ? null : USAGE + next;
    }

    private ScanResponse scan(String table, String start, String filter, Map<String, AttributeValue> values) {
        ScanRequest.Builder scan = ScanRequest.builder()
                .tableName(table)
                .filterExpression(filter)
                .expressionAttributeValues(values)
                .limit(PAGE);
        start(start).ifPresent(scan::exclusiveStartKey);
        return dynamoDb.scan(scan.build());
    }
}

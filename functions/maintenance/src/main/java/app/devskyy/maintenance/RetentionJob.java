package app.devskyy.maintenance;

import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.ItemUpdate;
import app.devskyy.core.aws.Values;
import app.devskyy.core.notify.Notifier;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.core.privacy.RequestFiles;
import app.devskyy.llm.metering.LlmItems;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Retention (daily), what TTL cannot do alone. Audit entries past their {@code expiresAt} are
 * deleted at the run rather than within TTL's days of delay, so that the retention the
 * processing record states holds to the day. LLM usage records older than
 * {@code LLM_USAGE_IDENTIFIED_DAYS} lose the caller who made them: the spend stays, for the
 * workspace's accounts, and no longer says who. Both are conditional, so a second run of the slot
 * (or a resumed one) changes nothing the first did. The archives of data subject requests whose
 * download period ended in the two days before the run are deleted from the GDPR bucket (its
 * lifecycle rule, a day or two later, is the backstop). Billing events parked for a customer no
 * workspace is linked to yet are a finding {@link #PARKED_WARNING} before their 90 days run out:
 * once TTL removes one, nothing will apply it.
 */
final class RetentionJob extends MaintenanceJob {

    static final String NAME = "retentionJob";
    static final String PARKED_EXPIRING = "parked-event-expiring";
    /** How long before its expiry a parked event is reported: a week and a half to link its customer. */
    static final Duration PARKED_WARNING = Duration.ofDays(10);

    private static final String AUDIT = "audit|";
    private static final String USAGE = "usage|";
    private static final String EXPORTS = "exports|";
    private static final String PARKED = "parked|";
    private static final int PAGE = 200;

    private final DynamoDbClient dynamoDb;
    private final String auditTable;
    private final String llmTable;
    private final String gdprTable;
    private final String billingTable;
    private final Duration identified;
    private final Consumer<String> deleteFile;
    private final Notifier notifier;

    /**
     * @param deleteFile deletes a file of the GDPR bucket by key ({@link RequestFiles#delete})
     */
    RetentionJob(
            FindingStore findings,
            RunStore runs,
            DynamoDbClient dynamoDb,
            String auditTable,
            String llmTable,
            String gdprTable,
            String billingTable,
            Duration identified,
            Consumer<String> deleteFile,
            Notifier notifier,
            Telemetry telemetry,
            Duration budget,
            Clock clock) {
        super(NAME, findings, runs, telemetry, budget, clock);
        this.dynamoDb = dynamoDb;
        this.auditTable = auditTable;
        this.llmTable = llmTable;
        this.gdprTable = gdprTable;
        this.billingTable = billingTable;
        this.identified = identified;
        this.deleteFile = deleteFile;
        this.notifier = notifier;
    }

    @Override
    protected Set<String> rules() {
        return Set.of(PARKED_EXPIRING);
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
        if (cursor.startsWith(EXPORTS)) {
            return exports(slot, after(cursor, EXPORTS), tally);
        }
        if (cursor.startsWith(PARKED)) {
            return parked(slot, after(cursor, PARKED), tally);
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
        return next == null ? EXPORTS : USAGE + next;
    }

    /** Archives whose download period ended within two days before the slot: deleted (a missed day is caught up). */
    private String exports(Instant slot, String start, Tally tally) {
        ScanResponse page = scan(
                gdprTable,
                start,
                "archiveExpiresAt BETWEEN :from AND :to",
                Map.of(
                        ":from",
                                AttributeValue.fromN(Long.toString(
                                        slot.minus(Duration.ofDays(2)).toEpochMilli())),
                        ":to", AttributeValue.fromN(Long.toString(slot.toEpochMilli()))));
        for (Map<String, AttributeValue> request : page.items()) {
            tally.seen++;
            deleteFile.accept(RequestFiles.archive(request.get("requestId").s()));
            tally.changed++;
        }
        String next = cursor(page.lastEvaluatedKey());
        return next == null ? PARKED : EXPORTS + next;
    }

    /** Parked billing events within {@link #PARKED_WARNING} of their expiry: a finding each, told to operations once. */
    private String parked(Instant slot, String start, Tally tally) {
        QueryResponse page =
                ParkedEvents.page(dynamoDb, billingTable, start, PAGE, Optional.of(slot.plus(PARKED_WARNING)));
        for (Map<String, AttributeValue> event : page.items()) {
            tally.seen++;
            long daysLeft = Math.max(
                    0,
                    Duration.ofSeconds(Values.number(event, "expiresAt", 0) - slot.getEpochSecond())
                            .toDays());
            String summary = "A " + Values.string(event, "type") + " event parked for a customer no workspace is"
                    + " linked to expires in " + daysLeft + " day(s); link the customer or apply it by hand.";
            if (tally.found(
                    findings.record(PARKED_EXPIRING, "medium", event.get("sk").s(), summary, slot.toEpochMilli()))) {
                notifier.operations(
                        "Billing: " + PARKED_EXPIRING,
                        summary + " Event: " + event.get("sk").s());
            }
        }
        String next = cursor(page.lastEvaluatedKey());
        return next == null ? null : PARKED + next;
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

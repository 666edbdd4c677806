package app.devskyy.maintenance;

import app.devskyy.core.billing.BillingItems;
import app.devskyy.core.notify.Notifier;
import app.devskyy.core.observability.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Billing reconciliation (daily): subscriptions the billing table still holds as paying whose
 * period ended more than {@link #RENEWAL_GRACE} ago with no renewal arriving (the provider's
 * renewal webhook was lost, or the provider stopped the subscription without telling). Each is a
 * finding for operations, resolved once the period moves on or the status changes; the workspace
 * keeps its plan meanwhile, as the entitlements' own grace rules say.
 */
final class BillingReconciliationJob extends MaintenanceJob {

    static final String NAME = "billingReconciliationJob";
    static final String NOT_RENEWED = "subscription-not-renewed";
    static final Duration RENEWAL_GRACE = Duration.ofDays(2);

    private static final int PAGE = 200;

    private final DynamoDbClient dynamoDb;
    private final String billingTable;
    private final Notifier notifier;

    BillingReconciliationJob(
            FindingStore findings,
            RunStore runs,
            DynamoDbClient dynamoDb,
            String billingTable,
            Notifier notifier,
            Telemetry telemetry,
            Duration budget,
            Clock clock) {
        super(NAME, findings, runs, telemetry, budget, clock);
        this.dynamoDb = dynamoDb;
        this.billingTable = billingTable;
        this.notifier = notifier;
    }

    @Override
    protected Set<String> rules() {
        return Set.of(NOT_RENEWED);
    }

    @Override
    protected String page(Instant slot, String cursor, Tally tally) {
        ScanRequest.Builder scan = ScanRequest.builder()
                .tableName(billingTable)
                .filterExpression("sk = :subscription AND #status IN (:active, :trialing) AND currentPeriodEnd > :none"
                        + " AND currentPeriodEnd < :cutoff")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(
                        ":subscription", AttributeValue.fromS(BillingItems.SUBSCRIPTION),
                        ":active", AttributeValue.fromS("active"),
                        ":trialing", AttributeValue.fromS("trialing"),
                        ":none", AttributeValue.fromN("0"),
                        ":cutoff",
                                AttributeValue.fromN(
                                        Long.toString(slot.minus(RENEWAL_GRACE).getEpochSecond()))))
                .limit(PAGE);
        start(cursor).ifPresent(scan::exclusiveStartKey);
        ScanResponse page = dynamoDb.scan(scan.build());
        for (Map<String, AttributeValue> item : page.items()) {
            tally.seen++;
            BillingItems.Subscription subscription = BillingItems.Subscription.SCHEMA.mapToItem(item);
            String workspaceId =
                    subscription.pk().substring(BillingItems.workspace("").length());
            String summary = "The " + subscription.provider() + " subscription of workspace " + workspaceId
                    + " (plan " + subscription.plan() + ") ended its period on "
                    + Instant.ofEpochSecond(subscription.currentPeriodEnd()) + " and no renewal arrived.";
            if (tally.found(findings.record(NOT_RENEWED, "medium", workspaceId, summary, slot.toEpochMilli()))) {
                notifier.operations("Billing: a subscription was not renewed", summary);
            }
        }
        return cursor(page.lastEvaluatedKey());
    }
}

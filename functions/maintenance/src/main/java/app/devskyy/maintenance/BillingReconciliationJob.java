package app.devskyy.maintenance;

import app.devskyy.core.Json;
import app.devskyy.core.billing.BillingItems;
import app.devskyy.core.notify.Notifier;
import app.devskyy.core.observability.Telemetry;
import java.nio.charset.StandardCharsets;
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
import tools.jackson.databind.node.ObjectNode;

/**
 * Billing reconciliation (daily): subscriptions the billing table still holds as paying whose
 * period ended more than {@link #RENEWAL_GRACE} ago with no renewal arriving (the provider's
 * renewal webhook was lost, or the provider stopped the subscription without telling). Each is a
 * finding for operations, resolved once the period moves on or the status changes; the workspace
 * keeps its plan meanwhile, as the entitlements' own grace rules say.
 *
 * <p>Then the events parked for a customer no workspace was linked to (a subscription's events may
 * come before the checkout that names its workspace): those whose customer is linked now are sent
 * back to the webhook queue, where the webhooks family's processor applies them as it applies any
 * event, and leave the parked events. The checkout applies its customer's parked events itself;
 * this catches an event parked while that checkout was being applied. Each goes back under a
 * deduplication key of its own ({@code reconciled#<provider>#<event id>}): the ledger holds its
 * first delivery as processed (parked), and the billing effects are versioned, so that a second
 * application changes nothing.
 */
final class BillingReconciliationJob extends MaintenanceJob {

    static final String NAME = "billingReconciliationJob";
    static final String NOT_RENEWED = "subscription-not-renewed";
    static final Duration RENEWAL_GRACE = Duration.ofDays(2);

    private static final int PAGE = 200;
    private static final String SUBSCRIPTIONS = "subscriptions|";
    private static final String PARKED = "parked|";

    private final DynamoDbClient dynamoDb;
    private final String billingTable;
    private final Consumer<String> enqueue;
    private final Notifier notifier;

    BillingReconciliationJob(
            FindingStore findings,
            RunStore runs,
            DynamoDbClient dynamoDb,
            String billingTable,
            Consumer<String> enqueue,
            Notifier notifier,
            Telemetry telemetry,
            Duration budget,
            Clock clock) {
        super(NAME, findings, runs, telemetry, budget, clock);
        this.dynamoDb = dynamoDb;
        this.billingTable = billingTable;
        this.enqueue = enqueue;
        this.notifier = notifier;
    }

    @Override
    protected Set<String> rules() {
        return Set.of(NOT_RENEWED);
    }

    @Override
    protected String page(Instant slot, String cursor, Tally tally) {
        if (cursor != null && cursor.startsWith(PARKED)) {
            return parked(after(cursor, PARKED), tally);
        }
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
        start(after(cursor, SUBSCRIPTIONS)).ifPresent(scan::exclusiveStartKey);
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
        String next = cursor(page.lastEvaluatedKey());
        return next == null ? PARKED : SUBSCRIPTIONS + next;
    }

    /** A page of the parked events: each whose customer is linked now goes back to the webhook queue. */
    private String parked(String start, Tally tally) {
        QueryResponse page = ParkedEvents.page(dynamoDb, billingTable, start, PAGE, Optional.empty());
        for (Map<String, AttributeValue> parked : page.items()) {
            tally.seen++;
            Optional<BillingItems.ParkedKey> key =
                    BillingItems.ParkedKey.of(parked.get("sk").s());
            if (key.isPresent() && linked(key.get().provider(), key.get().key())) {
                ObjectNode event =
                        (ObjectNode) Json.tree(parked.get("event").s().getBytes(StandardCharsets.UTF_8));
                event.putArray("dedupeKeys")
                        .add("reconciled#" + key.get().provider() + "#"
                                + key.get().eventId());
                enqueue.accept(Json.write(event));
                try {
                    dynamoDb.deleteItem(r -> r.tableName(billingTable)
                            .key(Map.of("pk", parked.get("pk"), "sk", parked.get("sk")))
                            .conditionExpression("attribute_exists(pk)"));
                    tally.changed++;
                } catch (ConditionalCheckFailedException appliedMeanwhile) {
                    // The checkout applied it while this run looked: the second application changes nothing.
                }
            }
        }
        String next = cursor(page.lastEvaluatedKey());
        return next == null ? null : PARKED + next;
    }

    private boolean linked(String provider, String customerId) {
        return dynamoDb.getItem(r -> r.tableName(billingTable)
                        .key(BillingItems.customerLink(provider, customerId).attributes())
                        .consistentRead(true))
                .hasItem();
    }
}

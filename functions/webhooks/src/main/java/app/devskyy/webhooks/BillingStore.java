package app.devskyy.webhooks;

import app.devskyy.core.Json;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.Values;
import app.devskyy.core.aws.Writes;
import app.devskyy.core.billing.BillingItems;
import app.devskyy.core.http.Paging;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;

/**
 * The billing table as the webhooks family writes it ({@link BillingItems}): per workspace its
 * subscription, payments, refunds and provider customers; per provider customer its workspace; and
 * events parked for customers not yet linked to a workspace.
 *
 * <p>State items carry {@code version}, the provider's time of the change: a write succeeds only
 * over an older version, so events applied in any order leave the newest state.
 */
final class BillingStore {

    /** A subscription as the entitlements read it. */
    record Subscription(
            String provider,
            String subscriptionId,
            String customerId,
            String plan,
            String status,
            long currentPeriodEnd,
            boolean cancelAtPeriodEnd) {}

    /** A payment or refund ({@code kind}); amounts in the currency's minor unit. */
    record Payment(String kind, String provider, String id, String status, long amount, String currency) {}

    /** Parked events are kept this long for operations to review. */
    private static final long PARKED_SECONDS = 90L * 86_400;

    private final DynamoDbTable<BillingItems.Subscription> subscriptions;
    private final DynamoDbTable<BillingItems.Payment> payments;
    private final DynamoDbTable<BillingItems.CustomerLink> customerLinks;
    private final DynamoDbTable<BillingItems.WorkspaceCustomer> workspaceCustomers;
    private final DynamoDbTable<BillingItems.Parked> parked;
    private final Clock clock;

    BillingStore(DynamoTables tables, String table, Clock clock) {
        this.subscriptions = tables.table(table, BillingItems.Subscription.SCHEMA);
        this.payments = tables.table(table, BillingItems.Payment.SCHEMA);
        this.customerLinks = tables.table(table, BillingItems.CustomerLink.SCHEMA);
        this.workspaceCustomers = tables.table(table, BillingItems.WorkspaceCustomer.SCHEMA);
        this.parked = tables.table(table, BillingItems.Parked.SCHEMA);
        this.clock = clock;
    }

    Optional<String> workspaceOfCustomer(String provider, String customerId) {
        if (customerId == null || customerId.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(customerLinks.getItem(r -> r.key(
                                BillingItems.customerLink(provider, customerId).key())
                        .consistentRead(true)))
                .map(BillingItems.CustomerLink::workspaceId);
    }

    void linkCustomer(String provider, String customerId, String workspaceId) {
        var link = BillingItems.customerLink(provider, customerId);
        customerLinks.putItem(new BillingItems.CustomerLink(link.pk(), link.sk(), workspaceId));
        var customer = BillingItems.workspaceCustomer(workspaceId, provider);
        workspaceCustomers.putItem(new BillingItems.WorkspaceCustomer(customer.pk(), customer.sk(), customerId));
    }

    /** Writes the subscription unless a newer version is stored; false when it was older. */
    boolean putSubscription(String workspaceId, Subscription subscription, long version) {
        var key = BillingItems.subscription(workspaceId);
        var item = new BillingItems.Subscription(
                key.pk(),
                key.sk(),
                subscription.provider(),
                subscription.subscriptionId(),
                subscription.customerId(),
                subscription.plan(),
                subscription.status(),
                subscription.currentPeriodEnd(),
                subscription.cancelAtPeriodEnd(),
                version,
                clock.millis());
        return Writes.ifHolds(() -> subscriptions.putItem(r -> r.item(item).conditionExpression(olderThan(version))));
    }

    boolean putPayment(String workspaceId, Payment payment, long version) {
        var key = BillingItems.payment(workspaceId, payment.kind(), payment.provider(), payment.id());
        var item = new BillingItems.Payment(
                key.pk(),
                key.sk(),
                payment.provider(),
                payment.id(),
                payment.status(),
                payment.amount(),
                payment.currency(),
                version,
                clock.millis());
        return Writes.ifHolds(() -> payments.putItem(r -> r.item(item).conditionExpression(olderThan(version))));
    }

    private static Expression olderThan(long version) {
        return Writes.condition(
                "attribute_not_exists(version) OR version < :version", ":version", Values.number(version));
    }

    /** Keeps an event no workspace can be found for yet, under the customer (or order) it names. */
    void park(InboundEvent event, String key) {
        var item = BillingItems.parked(event.provider(), key, event.id());
        parked.putItem(new BillingItems.Parked(
                item.pk(),
                item.sk(),
                Json.write(event),
                event.type(),
                clock.millis(),
                clock.instant().getEpochSecond() + PARKED_SECONDS));
    }

    /** The parked events of one customer, to apply once the customer's workspace is known. */
    List<InboundEvent> parked(String provider, String key) {
        List<InboundEvent> events = new ArrayList<>();
        parked.query(r -> r.consistentRead(true)
                        .queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                                .partitionValue(BillingItems.UNMATCHED)
                                .sortValue(BillingItems.parkedPrefix(provider, key))
                                .build())))
                .items()
                .forEach(item -> events.add(
                        Json.convert(Json.tree(item.event().getBytes(StandardCharsets.UTF_8)), InboundEvent.class)));
        return events;
    }

    void unpark(InboundEvent event, String key) {
        parked.deleteItem(BillingItems.parked(event.provider(), key, event.id()).key());
    }

    /** Every parked event, oldest first within a provider: what operations review. */
    record UnmatchedView(String key, String type, Instant parkedAt) {}

    record UnmatchedPage(List<UnmatchedView> unmatched, String nextCursor) {}

    UnmatchedPage unmatched(int limit, Optional<String> after) {
        var page = parked.query(r -> {
                    r.queryConditional(QueryConditional.keyEqualTo(Key.builder()
                                    .partitionValue(BillingItems.UNMATCHED)
                                    .build()))
                            .limit(limit);
                    after.ifPresent(sk -> r.exclusiveStartKey(
                            ItemKey.of(BillingItems.UNMATCHED, sk).attributes()));
                })
                .iterator()
                .next();
        return new UnmatchedPage(
                page.items().stream()
                        .map(item -> new UnmatchedView(item.sk(), item.type(), Instant.ofEpochMilli(item.parkedAt())))
                        .toList(),
                Paging.nextCursor(Values.string(page.lastEvaluatedKey(), "sk")));
    }

    /** A workspace's payments and refunds, newest version last. */
    List<Payment> payments(String workspaceId) {
        List<Payment> found = new ArrayList<>();
        for (String kind : List.of(BillingItems.PAYMENT, BillingItems.REFUND)) {
            payments.query(r -> r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                            .partitionValue(BillingItems.workspace(workspaceId))
                            .sortValue(BillingItems.paymentsOf(kind))
                            .build())))
                    .items()
                    .forEach(item -> found.add(new Payment(
                            kind, item.provider(), item.paymentId(), item.status(), item.amount(), item.currency())));
        }
        return found;
    }
}

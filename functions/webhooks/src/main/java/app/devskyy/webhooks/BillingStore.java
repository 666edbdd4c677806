package app.devskyy.webhooks;

import app.devskyy.core.Json;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.ItemUpdate;
import app.devskyy.core.aws.Values;
import app.devskyy.core.aws.Writes;
import app.devskyy.core.billing.BillingItems;
import app.devskyy.core.billing.Entitlements;
import app.devskyy.core.http.Paging;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The billing table as the webhooks family writes it ({@link BillingItems}): per workspace its
 * subscription, payments, refunds and provider customers; per provider customer its workspace; and
 * events parked for customers not yet linked to a workspace.
 *
 * <p>State items carry {@code version}, the provider's time of the change: a write succeeds only
 * over an older version, so events applied in any order leave the newest state.
 */
final class BillingStore {

    /**
     * A subscription as the entitlements read it; a downgrade's {@code scheduledPlan} takes over at
     * {@code scheduledAt} (epoch seconds; null and 0 when none is scheduled).
     */
    record Subscription(
            String provider,
            String subscriptionId,
            String customerId,
            String plan,
            String status,
            long currentPeriodEnd,
            boolean cancelAtPeriodEnd,
            String scheduledPlan,
            long scheduledAt) {

        Subscription(
                String provider,
                String subscriptionId,
                String customerId,
                String plan,
                String status,
                long currentPeriodEnd,
                boolean cancelAtPeriodEnd) {
            this(provider, subscriptionId, customerId, plan, status, currentPeriodEnd, cancelAtPeriodEnd, null, 0);
        }

        /** Whether it still gives a plan: paid for, or past due within the provider's retry window. */
        boolean isCurrent() {
            return Entitlements.isEntitled(status) || "past_due".equals(status);
        }

        Subscription scheduled(String keptPlan, String nextPlan, long at) {
            return new Subscription(
                    provider,
                    subscriptionId,
                    customerId,
                    keptPlan,
                    status,
                    currentPeriodEnd,
                    cancelAtPeriodEnd,
                    nextPlan,
                    at);
        }
    }

    /**
     * A payment or refund ({@code kind}); amounts in the currency's minor unit. {@code reference}
     * is what refunding it takes (Stripe's payment intent, PhonePe's order), or a refund's payment;
     * {@code occurredAt} (epoch milliseconds) places it in the history, once: later events of the
     * same payment keep its place.
     */
    record Payment(
            String kind,
            String provider,
            String id,
            String status,
            long amount,
            String currency,
            String reference,
            long occurredAt) {}

    /** Parked events are kept this long for operations to review. */
    private static final long PARKED_SECONDS = 90L * 86_400;

    private final DynamoDbTable<BillingItems.Subscription> subscriptions;
    private final DynamoDbTable<BillingItems.Payment> payments;
    private final DynamoDbTable<BillingItems.CustomerLink> customerLinks;
    private final DynamoDbTable<BillingItems.WorkspaceCustomer> workspaceCustomers;
    private final DynamoDbTable<BillingItems.Parked> parked;
    private final DynamoDbTable<BillingItems.Order> orders;
    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;

    BillingStore(DynamoDbClient dynamoDb, DynamoTables tables, String table, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.orders = tables.table(table, BillingItems.Order.SCHEMA);
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

    /** The workspace's customer at a provider, once a checkout or an event linked one. */
    Optional<String> customerOf(String workspaceId, String provider) {
        return Optional.ofNullable(
                        workspaceCustomers.getItem(r -> r.key(BillingItems.workspaceCustomer(workspaceId, provider)
                                        .key())
                                .consistentRead(true)))
                .map(BillingItems.WorkspaceCustomer::customerId);
    }

    Optional<Subscription> subscription(String workspaceId) {
        return Optional.ofNullable(subscriptions.getItem(
                        r -> r.key(BillingItems.subscription(workspaceId).key()).consistentRead(true)))
                .map(item -> new Subscription(
                        item.provider(),
                        item.subscriptionId(),
                        item.customerId(),
                        item.plan(),
                        item.status(),
                        item.currentPeriodEnd(),
                        item.cancelAtPeriodEnd(),
                        item.scheduledPlan(),
                        item.scheduledAt()));
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
                subscription.scheduledPlan(),
                subscription.scheduledAt(),
                version,
                clock.millis());
        return Writes.ifHolds(() -> subscriptions.putItem(r -> r.item(item).conditionExpression(olderThan(version))));
    }

    /**
     * Writes the payment's state unless a newer version, or the same state, is stored (false
     * then). Its place in the history and a reference once known are kept by later writes.
     */
    boolean putPayment(String workspaceId, Payment payment, long version) {
        var key = BillingItems.payment(workspaceId, payment.kind(), payment.provider(), payment.id());
        ItemUpdate update = ItemUpdate.of(table, key)
                .set("provider", payment.provider())
                .set("paymentId", payment.id())
                .set("status", payment.status())
                .set("amount", payment.amount())
                .set("currency", payment.currency() == null ? "" : payment.currency())
                .set("version", version)
                .set("updatedAt", clock.millis())
                .setIfAbsent("occurredAt", payment.occurredAt())
                .setIfAbsent("historyKey", BillingItems.historyKey(payment.occurredAt(), key.sk()))
                // A newer version that repeats the stored state (a refund's webhook after the route) changes nothing.
                .condition(
                        "attribute_not_exists(#version) OR (#version < :version"
                                + " AND (#status <> :status OR #amount <> :amount))",
                        Map.of(
                                ":version",
                                Values.number(version),
                                ":status",
                                AttributeValue.fromS(payment.status()),
                                ":amount",
                                Values.number(payment.amount())));
        if (payment.reference() != null) {
            update.setIfAbsent("reference", payment.reference());
        }
        return update.applyIf(dynamoDb);
    }

    Optional<Payment> payment(String workspaceId, String kind, String provider, String id) {
        return Optional.ofNullable(payments.getItem(r -> r.key(BillingItems.payment(workspaceId, kind, provider, id)
                                .key())
                        .consistentRead(true)))
                .map(item -> payment(kind, item));
    }

    private static Payment payment(String kind, BillingItems.Payment item) {
        return new Payment(
                kind,
                item.provider(),
                item.paymentId(),
                item.status(),
                item.amount(),
                item.currency(),
                item.reference(),
                item.occurredAt());
    }

    record PaymentPage(List<Payment> payments, String nextCursor) {}

    /** A page of the workspace's payments and refunds, newest first, after the cursor's one. */
    PaymentPage history(String workspaceId, int limit, Optional<String> after) {
        String pk = BillingItems.workspace(workspaceId);
        var page = payments.index(BillingItems.PAYMENT_HISTORY)
                .query(r -> {
                    r.queryConditional(QueryConditional.keyEqualTo(
                                    Key.builder().partitionValue(pk).build()))
                            .scanIndexForward(false)
                            .limit(limit);
                    after.ifPresent(historyKey -> r.exclusiveStartKey(Map.of(
                            "pk", AttributeValue.fromS(pk),
                            "sk", AttributeValue.fromS(BillingItems.sortKeyOfHistory(historyKey)),
                            "historyKey", AttributeValue.fromS(historyKey))));
                })
                .iterator()
                .next();
        return new PaymentPage(
                page.items().stream()
                        .map(item -> payment(item.sk().substring(0, item.sk().indexOf('#')), item))
                        .toList(),
                Paging.nextCursor(Values.string(page.lastEvaluatedKey(), "historyKey")));
    }

    /** Records a checkout started with PhonePe (whose order it is, what it must pay), unless it is recorded. */
    void putOrder(String provider, String orderId, BillingItems.Order order) {
        var key = BillingItems.order(provider, orderId);
        Writes.putIfAbsent(
                orders,
                new BillingItems.Order(
                        key.pk(),
                        key.sk(),
                        order.workspaceId(),
                        order.plan(),
                        order.amount(),
                        order.currency(),
                        order.periodEnd(),
                        order.createdAt(),
                        null,
                        0));
    }

    /** Where PhonePe's payment page for the order is, once PhonePe has answered. */
    void setOrderPage(String provider, String orderId, String redirectUrl, long expireAt) {
        ItemUpdate.of(table, BillingItems.order(provider, orderId))
                .set("redirectUrl", redirectUrl)
                .set("expireAt", expireAt)
                .condition("attribute_exists(#pk)")
                .applyIf(dynamoDb);
    }

    Optional<BillingItems.Order> order(String provider, String orderId) {
        if (orderId == null || orderId.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(orders.getItem(
                r -> r.key(BillingItems.order(provider, orderId).key()).consistentRead(true)));
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

    /** A workspace's payments and refunds, payments first. */
    List<Payment> payments(String workspaceId) {
        List<Payment> found = new ArrayList<>();
        for (String kind : List.of(BillingItems.PAYMENT, BillingItems.REFUND)) {
            payments.query(r -> r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                            .partitionValue(BillingItems.workspace(workspaceId))
                            .sortValue(BillingItems.paymentsOf(kind))
                            .build())))
                    .items()
                    .forEach(item -> found.add(payment(kind, item)));
        }
        return found;
    }
}

package app.devskyy.core.billing;

import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.RecordSchema;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;

/**
 * The items of the billing table ({@code pk}, {@code sk}), written by the webhooks family and read
 * by every family through {@link Entitlements}; docs/data-model.md lists their access patterns.
 * State items carry {@code version}, the provider's time of the change, so that a write succeeds
 * only over an older one.
 */
public final class BillingItems {

    private BillingItems() {}

    public static final String SUBSCRIPTION = "SUBSCRIPTION";

    public static ItemKey subscription(String workspaceId) {
        return ItemKey.of(workspace(workspaceId), SUBSCRIPTION);
    }

    /** The two kinds of money movement, each its own sort key prefix. */
    public static final String PAYMENT = "PAYMENT";

    public static final String REFUND = "REFUND";

    /** A payment or refund ({@code kind} {@link #PAYMENT} or {@link #REFUND}) of a provider. */
    public static ItemKey payment(String workspaceId, String kind, String provider, String paymentId) {
        return ItemKey.of(workspace(workspaceId), kind + "#" + provider + "#" + paymentId);
    }

    /** The index of a workspace's payments and refunds by when they happened (pk, {@code historyKey}). */
    public static final String PAYMENT_HISTORY = "PaymentHistory";

    /**
     * A payment's place in the history: when it happened (epoch milliseconds, zero-padded) and its
     * sort key, so that a page's cursor gives back both the index's key and the table's.
     */
    public static String historyKey(long occurredAt, String sk) {
        return String.format("%015d#%s", occurredAt, sk);
    }

    /** The sort key a history key holds. */
    public static String sortKeyOfHistory(String historyKey) {
        return historyKey.substring(historyKey.indexOf('#') + 1);
    }

    /** A checkout this backend started with a provider that has no customer object (PhonePe). */
    public static ItemKey order(String provider, String orderId) {
        return ItemKey.of("ORDER#" + provider + "#" + orderId, "ORDER");
    }

    /** The sort key prefix of a workspace's payments or refunds. */
    public static String paymentsOf(String kind) {
        return kind + "#";
    }

    /** Which workspace a provider's customer is. */
    public static ItemKey customerLink(String provider, String customerId) {
        return ItemKey.of("CUSTOMER#" + provider + "#" + customerId, "WORKSPACE");
    }

    public static final String CUSTOMERS = "CUSTOMER#";

    /** A workspace's customer at a provider. */
    public static ItemKey workspaceCustomer(String workspaceId, String provider) {
        return ItemKey.of(workspace(workspaceId), CUSTOMERS + provider);
    }

    public static final String UNMATCHED = "UNMATCHED";

    /** An event parked until its customer's workspace is known. */
    public static ItemKey parked(String provider, String key, String eventId) {
        return ItemKey.of(UNMATCHED, parkedPrefix(provider, key) + eventId);
    }

    public static String parkedPrefix(String provider, String key) {
        return provider + "#" + key + "#";
    }

    /** A parked event's sort key read back: its provider, the customer (or order) it waits for, and its id. */
    public record ParkedKey(String provider, String key, String eventId) {

        /** The parts of {@code <provider>#<key>#<event id>}; empty for a key of another shape. */
        public static Optional<ParkedKey> of(String sortKey) {
            String[] parts = sortKey.split("#", 3);
            return parts.length == 3 ? Optional.of(new ParkedKey(parts[0], parts[1], parts[2])) : Optional.empty();
        }
    }

    public static String workspace(String workspaceId) {
        return "WS#" + workspaceId;
    }

    /**
     * {@code WS#<id>/SUBSCRIPTION}. A downgrade waits for the period's end: {@code plan} stays the
     * one paid for, {@code scheduledPlan} takes over at {@code scheduledAt} (epoch seconds).
     */
    public record Subscription(
            String pk,
            String sk,
            String provider,
            String subscriptionId,
            String customerId,
            String plan,
            String status,
            long currentPeriodEnd,
            boolean cancelAtPeriodEnd,
            String scheduledPlan,
            long scheduledAt,
            long version,
            long updatedAt) {

        public static final TableSchema<Subscription> SCHEMA = RecordSchema.of(
                        Subscription.class,
                        f -> new Subscription(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("provider"),
                                f.string("subscriptionId"),
                                f.string("customerId"),
                                f.string("plan"),
                                f.string("status"),
                                f.number("currentPeriodEnd", 0),
                                f.bool("cancelAtPeriodEnd"),
                                f.string("scheduledPlan"),
                                f.number("scheduledAt", 0),
                                f.number("version", 0),
                                f.number("updatedAt", 0)))
                .partitionKey("pk", Subscription::pk)
                .sortKey("sk", Subscription::sk)
                .string("provider", Subscription::provider)
                .string("subscriptionId", Subscription::subscriptionId)
                .string("customerId", Subscription::customerId)
                .string("plan", Subscription::plan)
                .string("status", Subscription::status)
                .number("currentPeriodEnd", Subscription::currentPeriodEnd)
                .bool("cancelAtPeriodEnd", Subscription::cancelAtPeriodEnd)
                .string("scheduledPlan", Subscription::scheduledPlan)
                .number("scheduledAt", Subscription::scheduledAt)
                .number("version", Subscription::version)
                .number("updatedAt", Subscription::updatedAt)
                .build();
    }

    /**
     * {@code WS#<id>/PAYMENT#<provider>#<id>} or {@code REFUND#...}; amounts in the currency's minor
     * unit. {@code reference} is what a refund needs (a payment's Stripe payment intent or PhonePe
     * order; a refund's payment); {@code historyKey} orders the {@link #PAYMENT_HISTORY} index.
     */
    public record Payment(
            String pk,
            String sk,
            String provider,
            String paymentId,
            String status,
            long amount,
            String currency,
            String reference,
            long occurredAt,
            String historyKey,
            long version,
            long updatedAt) {

        public static final TableSchema<Payment> SCHEMA = RecordSchema.of(
                        Payment.class,
                        f -> new Payment(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("provider"),
                                f.string("paymentId"),
                                f.string("status"),
                                f.number("amount", 0),
                                f.string("currency"),
                                f.string("reference"),
                                f.number("occurredAt", 0),
                                f.string("historyKey"),
                                f.number("version", 0),
                                f.number("updatedAt", 0)))
                .string(
                        "pk",
                        Payment::pk,
                        StaticAttributeTags.primaryPartitionKey(),
                        StaticAttributeTags.secondaryPartitionKey(PAYMENT_HISTORY))
                .sortKey("sk", Payment::sk)
                .string("provider", Payment::provider)
                .string("paymentId", Payment::paymentId)
                .string("status", Payment::status)
                .number("amount", Payment::amount)
                .string("currency", Payment::currency)
                .string("reference", Payment::reference)
                .number("occurredAt", Payment::occurredAt)
                .string("historyKey", Payment::historyKey, StaticAttributeTags.secondarySortKey(PAYMENT_HISTORY))
                .number("version", Payment::version)
                .number("updatedAt", Payment::updatedAt)
                .build();
    }

    /** {@code CUSTOMER#<provider>#<id>/WORKSPACE}. */
    public record CustomerLink(String pk, String sk, String workspaceId) {

        public static final TableSchema<CustomerLink> SCHEMA = RecordSchema.of(
                        CustomerLink.class,
                        f -> new CustomerLink(f.string("pk"), f.string("sk"), f.string("workspaceId")))
                .partitionKey("pk", CustomerLink::pk)
                .sortKey("sk", CustomerLink::sk)
                .string("workspaceId", CustomerLink::workspaceId)
                .build();
    }

    /** {@code WS#<id>/CUSTOMER#<provider>}. */
    public record WorkspaceCustomer(String pk, String sk, String customerId) {

        public static final TableSchema<WorkspaceCustomer> SCHEMA = RecordSchema.of(
                        WorkspaceCustomer.class,
                        f -> new WorkspaceCustomer(f.string("pk"), f.string("sk"), f.string("customerId")))
                .partitionKey("pk", WorkspaceCustomer::pk)
                .sortKey("sk", WorkspaceCustomer::sk)
                .string("customerId", WorkspaceCustomer::customerId)
                .build();
    }

    /**
     * {@code ORDER#<provider>#<order id>/ORDER}: whose order it is, for which plan, what it must
     * pay (minor units) and until when the plan then runs ({@code periodEnd}, epoch seconds); once
     * PhonePe has it, where to send the browser ({@code redirectUrl}, until {@code expireAt}, ms), so
     * that a repeated checkout answers the same payment page.
     */
    public record Order(
            String pk,
            String sk,
            String workspaceId,
            String plan,
            long amount,
            String currency,
            long periodEnd,
            long createdAt,
            String redirectUrl,
            long expireAt) {

        public static final TableSchema<Order> SCHEMA = RecordSchema.of(
                        Order.class,
                        f -> new Order(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("workspaceId"),
                                f.string("plan"),
                                f.number("amount", 0),
                                f.string("currency"),
                                f.number("periodEnd", 0),
                                f.number("createdAt", 0),
                                f.string("redirectUrl"),
                                f.number("expireAt", 0)))
                .partitionKey("pk", Order::pk)
                .sortKey("sk", Order::sk)
                .string("workspaceId", Order::workspaceId)
                .string("plan", Order::plan)
                .number("amount", Order::amount)
                .string("currency", Order::currency)
                .number("periodEnd", Order::periodEnd)
                .number("createdAt", Order::createdAt)
                .string("redirectUrl", Order::redirectUrl)
                .number("expireAt", Order::expireAt)
                .build();
    }

    /** {@code UNMATCHED/<provider>#<key>#<event id>}: the event as queued, kept 90 days. */
    public record Parked(String pk, String sk, String event, String type, long parkedAt, long expiresAt) {

        public static final TableSchema<Parked> SCHEMA = RecordSchema.of(
                        Parked.class,
                        f -> new Parked(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("event"),
                                f.string("type"),
                                f.number("parkedAt", 0),
                                f.number("expiresAt", 0)))
                .partitionKey("pk", Parked::pk)
                .sortKey("sk", Parked::sk)
                .string("event", Parked::event)
                .string("type", Parked::type)
                .number("parkedAt", Parked::parkedAt)
                .number("expiresAt", Parked::expiresAt)
                .build();
    }
}

package app.devskyy.core.billing;

import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.RecordSchema;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;

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

    public static String workspace(String workspaceId) {
        return "WS#" + workspaceId;
    }

    /** {@code WS#<id>/SUBSCRIPTION}. */
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
                .number("version", Subscription::version)
                .number("updatedAt", Subscription::updatedAt)
                .build();
    }

    /** {@code WS#<id>/PAYMENT#<provider>#<id>} or {@code REFUND#...}; amounts in the currency's minor unit. */
    public record Payment(
            String pk,
            String sk,
            String provider,
            String paymentId,
            String status,
            long amount,
            String currency,
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
                                f.number("version", 0),
                                f.number("updatedAt", 0)))
                .partitionKey("pk", Payment::pk)
                .sortKey("sk", Payment::sk)
                .string("provider", Payment::provider)
                .string("paymentId", Payment::paymentId)
                .string("status", Payment::status)
                .number("amount", Payment::amount)
                .string("currency", Payment::currency)
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

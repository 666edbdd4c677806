package app.devskyy.webhooks;

import app.devskyy.core.Json;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.billing.BillingItems;
import app.devskyy.core.billing.Entitlements;
import app.devskyy.webhooks.BillingStore.Payment;
import app.devskyy.webhooks.BillingStore.Subscription;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * What each provider event does to a workspace's billing: its customer, subscription, payments and
 * refunds. Every write is versioned by the provider's time of the change, so duplicates and
 * out-of-order deliveries leave the newest state; every applied effect is audited. An event whose
 * workspace cannot be told yet is parked under its customer and applied when the customer is linked
 * (a subscription's events may arrive before the checkout that names the workspace).
 */
final class BillingEffects {

    /** What happened to an event. */
    enum Outcome {
        APPLIED,
        OLDER_IGNORED,
        PARKED,
        NOT_HANDLED
    }

    private static final Logger LOG = LoggerFactory.getLogger(BillingEffects.class);

    private final BillingStore store;
    private final Entitlements entitlements;
    private final AuditLog audit;
    private final Clock clock;

    BillingEffects(BillingStore store, Entitlements entitlements, AuditLog audit, Clock clock) {
        this.store = store;
        this.entitlements = entitlements;
        this.audit = audit;
        this.clock = clock;
    }

    Outcome apply(InboundEvent event) {
        return switch (event.provider()) {
            case "stripe" -> stripe(event);
            case "woocommerce" -> wooCommerce(event);
            case "phonepe" -> phonePe(event);
            default -> Outcome.NOT_HANDLED;
        };
    }

    // ---- Stripe

    private Outcome stripe(InboundEvent event) {
        JsonNode object = event.payload().path("data").path("object");
        String customer = text(object, "customer");
        return switch (event.type()) {
            case "checkout.session.completed" -> checkoutCompleted(event, object, customer);
            case "customer.subscription.created",
                    "customer.subscription.updated",
                    "customer.subscription.deleted",
                    "customer.subscription.paused",
                    "customer.subscription.resumed" ->
                withWorkspace(event, object, customer, workspace -> subscription(event, object, customer, workspace));
            case "invoice.paid", "invoice.payment_failed" ->
                withWorkspace(
                        event,
                        object,
                        customer,
                        workspace -> record(
                                event,
                                workspace,
                                new Payment(
                                        BillingItems.PAYMENT,
                                        "stripe",
                                        text(object, "id"),
                                        event.type().equals("invoice.paid") ? "paid" : "failed",
                                        event.type().equals("invoice.paid")
                                                ? Json.wholeNumber(object, "amount_paid", 0)
                                                : Json.wholeNumber(object, "amount_due", 0),
                                        text(object, "currency"),
                                        // Sent before API version 2025-03-31; later, the refund route asks Stripe.
                                        text(object, "payment_intent"),
                                        createdAt(event, object))));
            // A refund is recorded from its own events, keyed by its id as the refund route records
            // it; charge.refunded names no refund (its refunds list is not sent) and is not handled.
            case "refund.created", "refund.updated", "refund.failed" ->
                withWorkspace(
                        event,
                        object,
                        customer,
                        workspace -> record(
                                event,
                                workspace,
                                new Payment(
                                        BillingItems.REFUND,
                                        "stripe",
                                        text(object, "id"),
                                        event.type().equals("refund.failed")
                                                ? "failed"
                                                : Optional.ofNullable(text(object, "status"))
                                                        .orElse("pending"),
                                        Json.wholeNumber(object, "amount", 0),
                                        text(object, "currency"),
                                        text(object.path("metadata"), "payment_id"),
                                        createdAt(event, object))));
            default -> Outcome.NOT_HANDLED;
        };
    }

    private Outcome checkoutCompleted(InboundEvent event, JsonNode session, String customer) {
        String workspace = Optional.ofNullable(text(session, "client_reference_id"))
                .orElse(text(session.path("metadata"), "workspace_id"));
        if (workspace == null) {
            store.park(event, customer == null ? "no-customer" : customer);
            LOG.warn("stripe checkout {} names no workspace; kept as unmatched", event.id());
            return Outcome.PARKED;
        }
        if (customer != null) {
            store.linkCustomer("stripe", customer, workspace);
        }
        if ("payment".equals(text(session, "mode")) && "paid".equals(text(session, "payment_status"))) {
            record(
                    event,
                    workspace,
                    new Payment(
                            BillingItems.PAYMENT,
                            "stripe",
                            text(session, "id"),
                            "paid",
                            Json.wholeNumber(session, "amount_total", 0),
                            text(session, "currency"),
                            text(session, "payment_intent"),
                            createdAt(event, session)));
        }
        audit.workspace(workspace, "billing.checkout.completed", "webhook:stripe", text(session, "id"), ORIGIN_STRIPE);
        if (customer != null) {
            // Events that came before the checkout named the workspace.
            for (InboundEvent parked : store.parked("stripe", customer)) {
                apply(parked);
                store.unpark(parked, customer);
            }
        }
        return Outcome.APPLIED;
    }

    private Outcome subscription(InboundEvent event, JsonNode subscription, String customer, String workspace) {
        JsonNode item = subscription.path("items").path("data").path(0);
        JsonNode price = item.path("price");
        String planName = Optional.ofNullable(text(price, "lookup_key"))
                .or(() -> Optional.ofNullable(text(price.path("metadata"), "plan")))
                .or(() -> Optional.ofNullable(text(subscription.path("metadata"), "plan")))
                .orElse(text(price, "id"));
        String status =
                event.type().equals("customer.subscription.deleted") ? "canceled" : text(subscription, "status");
        long periodEnd = subscription.has("current_period_end")
                ? Json.wholeNumber(subscription, "current_period_end", 0)
                : Json.wholeNumber(item, "current_period_end", 0);
        boolean written = store.putSubscription(
                workspace,
                downgradeAtPeriodEnd(
                        workspace,
                        new Subscription(
                                "stripe",
                                text(subscription, "id"),
                                customer,
                                entitlements.planOf(planName),
                                status == null ? "incomplete" : status,
                                periodEnd,
                                subscription.path("cancel_at_period_end").asBoolean())),
                version(event));
        if (!written) {
            return Outcome.OLDER_IGNORED;
        }
        audit.workspace(
                workspace, "billing." + event.type(), "webhook:stripe", text(subscription, "id"), ORIGIN_STRIPE);
        return Outcome.APPLIED;
    }

    /**
     * Upgrades apply at once; a downgrade of a paid-up subscription waits for the end of the
     * period paid for: the plan paid for is kept and the lower one scheduled for then (an earlier
     * schedule keeps its time).
     */
    private Subscription downgradeAtPeriodEnd(String workspace, Subscription next) {
        Optional<Subscription> stored = store.subscription(workspace);
        if (stored.isEmpty() || !Entitlements.isEntitled(next.status())) {
            return next;
        }
        Subscription previous = stored.get();
        long now = clock.instant().getEpochSecond();
        boolean scheduled = previous.scheduledPlan() != null && previous.scheduledAt() > 0;
        String current = scheduled && now >= previous.scheduledAt() ? previous.scheduledPlan() : previous.plan();
        boolean paidAhead = Entitlements.isEntitled(previous.status()) && previous.currentPeriodEnd() > now;
        if (!paidAhead || entitlements.rank(next.plan()) >= entitlements.rank(current)) {
            return next;
        }
        long at = scheduled && previous.scheduledAt() > now ? previous.scheduledAt() : previous.currentPeriodEnd();
        return next.scheduled(current, next.plan(), at);
    }

    /** When the provider created the object (its {@code created}, epoch seconds), else when the event says it changed. */
    private long createdAt(InboundEvent event, JsonNode object) {
        long created = Json.wholeNumber(object, "created", 0);
        return created > 0 ? created * 1000 : event.changedAt() > 0 ? event.changedAt() : clock.millis();
    }

    /** Later events win; within one second, created before updated before deleted. */
    private static long version(InboundEvent event) {
        int rank = event.type().endsWith(".created") ? 0 : event.type().endsWith(".deleted") ? 2 : 1;
        return event.changedAt() + rank;
    }

    private Outcome withWorkspace(
            InboundEvent event, JsonNode object, String customer, Function<String, Outcome> effect) {
        Optional<String> workspace = Optional.ofNullable(text(object.path("metadata"), "workspace_id"))
                .or(() -> Optional.ofNullable(
                        text(object.path("subscription_details").path("metadata"), "workspace_id")))
                .or(() -> store.workspaceOfCustomer("stripe", customer));
        if (workspace.isEmpty()) {
            store.park(event, customer == null ? "no-customer" : customer);
            LOG.warn(
                    "stripe {} {} is for a customer of no known workspace; kept as unmatched",
                    event.type(),
                    event.id());
            return Outcome.PARKED;
        }
        return effect.apply(workspace.get());
    }

    private Outcome record(InboundEvent event, String workspace, Payment payment) {
        return record(event, workspace, payment, version(event));
    }

    private Outcome record(InboundEvent event, String workspace, Payment payment, long version) {
        if (!store.putPayment(workspace, payment, version)) {
            return Outcome.OLDER_IGNORED;
        }
        audit.workspace(
                workspace,
                "billing." + payment.kind().toLowerCase(Locale.ROOT) + "." + payment.status(),
                "webhook:" + event.provider(),
                payment.id(),
                origin(event.provider()));
        return Outcome.APPLIED;
    }

    // ---- WooCommerce

    private Outcome wooCommerce(InboundEvent event) {
        JsonNode order = event.payload().path("data");
        if (!event.type().startsWith("order.")) {
            return Outcome.NOT_HANDLED;
        }
        String workspace = null;
        for (JsonNode meta : order.path("meta_data")) {
            if ("workspace_id".equals(meta.path("key").asString())) {
                workspace = meta.path("value").asString(null);
            }
        }
        if (workspace == null || workspace.isBlank()) {
            store.park(event, "order-" + order.path("id").asString());
            return Outcome.PARKED;
        }
        String status = switch (order.path("status").asString("")) {
            case "completed", "processing" -> "paid";
            case "refunded" -> "refunded";
            case "cancelled", "failed" -> "failed";
            default -> "pending";
        };
        if (event.type().equals("order.deleted")) {
            status = "deleted";
        }
        return record(
                event,
                workspace,
                new Payment(
                        BillingItems.PAYMENT,
                        "woocommerce",
                        order.path("id").asString(),
                        status,
                        minorUnits(order.path("total").asString("0")),
                        order.path("currency").asString(""),
                        null,
                        event.changedAt() > 0 ? event.changedAt() : clock.millis()));
    }

    /** WooCommerce sends totals as decimal strings ("49.90"); payments are kept in minor units. */
    private static long minorUnits(String total) {
        try {
            return new BigDecimal(total).movePointRight(2).longValue();
        } catch (NumberFormatException notANumber) {
            return 0;
        }
    }

    // ---- PhonePe

    private Outcome phonePe(InboundEvent event) {
        JsonNode payload = event.payload().path("payload");
        String order = Optional.ofNullable(text(payload, "originalMerchantOrderId"))
                .or(() -> Optional.ofNullable(text(payload, "merchantOrderId")))
                .orElse(payload.path("orderId").asString(""));
        Optional<BillingItems.Order> started = store.order("phonepe", order);
        Optional<String> workspace = started.map(BillingItems.Order::workspaceId)
                .or(() -> Optional.ofNullable(text(payload.path("metaInfo"), "udf1")));
        if (workspace.isEmpty()) {
            store.park(event, order);
            return Outcome.PARKED;
        }
        long occurredAt = started.map(BillingItems.Order::createdAt)
                .filter(t -> t > 0)
                .orElse(event.changedAt() > 0 ? event.changedAt() : clock.millis());
        if (event.type().startsWith("pg.refund.")) {
            String refundState = event.type().substring("pg.refund.".length());
            return record(
                    event,
                    workspace.get(),
                    new Payment(
                            BillingItems.REFUND,
                            "phonepe",
                            Optional.ofNullable(text(payload, "merchantRefundId"))
                                    .orElse(payload.path("refundId").asString(order)),
                            refundState,
                            Json.wholeNumber(payload, "amount", 0),
                            "INR",
                            order,
                            clock.millis()),
                    // Refund callbacks carry no time: a refund only moves forward, accepted to completed or failed.
                    refundState.equals("accepted") ? 1 : 2);
        }
        String status = switch (payload.path("state").asString("")) {
            case "COMPLETED" -> "paid";
            case "FAILED" -> "failed";
            default -> "pending";
        };
        // Callbacks carry no time: a payment only moves forward, pending to failed to paid.
        long rank = switch (status) {
            case "paid" -> 2;
            case "failed" -> 1;
            default -> 0;
        };
        long amount = Json.wholeNumber(payload, "amount", 0);
        Outcome recorded = record(
                event,
                workspace.get(),
                new Payment(BillingItems.PAYMENT, "phonepe", order, status, amount, "INR", order, occurredAt),
                event.changedAt() * 10 + rank);
        if (status.equals("paid") && started.isPresent()) {
            grantPaidPeriod(event, started.get(), order, amount);
        }
        return recorded;
    }

    /**
     * A PhonePe payment buys one period of its order's plan, which does not renew by itself. It
     * is granted only for the amount the order asked for.
     */
    private void grantPaidPeriod(InboundEvent event, BillingItems.Order order, String orderId, long paid) {
        if (paid != order.amount()) {
            LOG.warn("phonepe order paid {} where {} was asked; plan not granted", paid, order.amount());
            audit.workspace(
                    order.workspaceId(),
                    "billing.order.amount_mismatch",
                    "failure",
                    "webhook:phonepe",
                    orderId,
                    origin("phonepe"));
            return;
        }
        boolean written = store.putSubscription(
                order.workspaceId(),
                downgradeAtPeriodEnd(
                        order.workspaceId(),
                        new Subscription("phonepe", orderId, null, order.plan(), "active", order.periodEnd(), true)),
                Math.max(event.changedAt(), order.createdAt()));
        if (written) {
            audit.workspace(
                    order.workspaceId(), "billing.plan.purchased", "webhook:phonepe", orderId, origin("phonepe"));
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() && !value.asString().isBlank() ? value.asString() : null;
    }

    private static final AuditLog.Origin ORIGIN_STRIPE = origin("stripe");

    private static AuditLog.Origin origin(String provider) {
        return new AuditLog.Origin("provider:" + provider, provider + " webhook");
    }
}

package app.devskyy.webhooks;

import app.devskyy.core.Json;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.aws.Outages;
import app.devskyy.core.billing.BillingItems;
import app.devskyy.core.billing.Entitlements;
import app.devskyy.core.crypto.Digests;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.FieldError;
import app.devskyy.core.http.Paging;
import app.devskyy.webhooks.BillingStore.Subscription;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a workspace's admins do with its plan: buy one (a Stripe Checkout Session, or a PhonePe
 * payment for one period), open Stripe's customer portal, read invoices, check a PhonePe order
 * whose callback was lost, cancel at the period's end or take that back. Every write to a
 * provider carries an idempotency key derived from the caller's {@code Idempotency-Key} (or a new
 * one), scoped to the workspace and the action, so that a repeated request repeats nothing.
 */
final class Purchases {

    /** Where the browser is sent back to: the frontend's billing pages. */
    record Links(String success, String cancel, String portalReturn, String phonePeReturn) {}

    record CheckoutView(String provider, String id, String url, Instant expiresAt) {}

    record PortalView(String url) {}

    record InvoiceView(
            String id,
            String number,
            String status,
            String currency,
            long amountDue,
            long amountPaid,
            Instant createdAt,
            String hostedInvoiceUrl,
            String invoicePdf) {}

    record InvoicePage(List<InvoiceView> invoices, String nextCursor) {}

    record OrderStatusView(String orderId, String plan, String state, long amount, boolean applied) {}

    private final PaymentProviders providers;
    private final BillingStore store;
    private final BillingEffects effects;
    private final EventLedger ledger;
    private final Entitlements entitlements;
    private final AuditLog audit;
    private final Links links;
    private final Clock clock;

    Purchases(
            PaymentProviders providers,
            BillingStore store,
            BillingEffects effects,
            EventLedger ledger,
            Entitlements entitlements,
            AuditLog audit,
            Links links,
            Clock clock) {
        this.providers = providers;
        this.store = store;
        this.effects = effects;
        this.ledger = ledger;
        this.entitlements = entitlements;
        this.audit = audit;
        this.links = links;
        this.clock = clock;
    }

    /** The provider's idempotency key for one action of one workspace and the caller's key. */
    static String providerKey(String workspaceId, String action, Optional<String> idempotencyKey) {
        String key = idempotencyKey.orElseGet(() -> UUID.randomUUID().toString());
        return "dsk-" + Digests.sha256(workspaceId + "\n" + action + "\n" + key).substring(0, 40);
    }

    CheckoutView checkout(
            String workspaceId,
            String plan,
            String provider,
            Optional<String> idempotencyKey,
            AuditLog.Origin origin,
            String actorId) {
        if (!entitlements.document().path("plans").has(plan)) {
            throw invalid("/plan", "unknown-plan", "No plan has this name (GET /api/v1/billing/plans).");
        }
        JsonNode price =
                entitlements.document().path("plans").path(plan).path("prices").path(provider);
        if (!price.isObject()) {
            throw invalid("/plan", "no-price", "This plan has no price with " + provider + ".");
        }
        Optional<Subscription> current = store.subscription(workspaceId);
        if (current.isPresent()
                && "stripe".equals(current.get().provider())
                && current.get().isCurrent()) {
            throw ApiProblem.of(
                    409,
                    "subscription-exists",
                    "Subscription exists",
                    "The workspace already has a Stripe subscription; change its plan in the portal"
                            + " (POST /api/v1/billing/workspaces/{workspaceId}/portal).");
        }
        CheckoutView view = provider.equals(StripeApi.PROVIDER)
                ? stripeCheckout(workspaceId, plan, price, idempotencyKey)
                : phonePeCheckout(workspaceId, plan, price, current, idempotencyKey);
        audit.workspace(workspaceId, "billing.checkout.started", actorId, view.id(), origin);
        return view;
    }

    private CheckoutView stripeCheckout(
            String workspaceId, String plan, JsonNode price, Optional<String> idempotencyKey) {
        StripeApi stripe = offered(providers.stripe(), StripeApi.PROVIDER);
        JsonNode session = stripe.createCheckoutSession(
                new StripeApi.CheckoutSession(
                        workspaceId,
                        plan,
                        entitlements
                                .document()
                                .path("plans")
                                .path(plan)
                                .path("title")
                                .asString(plan),
                        Optional.ofNullable(price.path("priceId").asString(null)),
                        Json.wholeNumber(price, "amount", 0),
                        price.path("currency").asString("usd"),
                        price.path("interval").asString("month"),
                        store.customerOf(workspaceId, StripeApi.PROVIDER),
                        links.success(),
                        links.cancel()),
                providerKey(workspaceId, "checkout:" + plan, idempotencyKey));
        return new CheckoutView(
                StripeApi.PROVIDER,
                session.path("id").asString(),
                session.path("url").asString(),
                epochSeconds(session, "expires_at"));
    }

    /**
     * A PhonePe payment buys one period, from the end of a PhonePe period already paid for (an
     * early renewal loses nothing) or from now. The order is recorded before PhonePe hears of it,
     * so that its callback always finds whose it is and what it must pay; a repeat with the same
     * key answers the payment page PhonePe gave the first time.
     */
    private CheckoutView phonePeCheckout(
            String workspaceId,
            String plan,
            JsonNode price,
            Optional<Subscription> current,
            Optional<String> idempotencyKey) {
        PhonePeApi phonePe = offered(providers.phonePe(), PhonePeApi.PROVIDER);
        Instant now = clock.instant();
        Instant from = current.filter(s -> "phonepe".equals(s.provider()))
                .filter(s -> Entitlements.isEntitled(s.status()))
                .map(s -> Instant.ofEpochSecond(s.currentPeriodEnd()))
                .filter(end -> end.isAfter(now))
                .orElse(now);
        var start = from.atZone(ZoneOffset.UTC);
        Instant periodEnd = (price.path("interval").asString("month").equals("year")
                        ? start.plusYears(1)
                        : start.plusMonths(1))
                .toInstant();
        String orderId = "ord_"
                + providerKey(workspaceId, "order:" + plan, idempotencyKey).substring(4, 36);
        Optional<BillingItems.Order> earlier =
                store.order(PhonePeApi.PROVIDER, orderId).filter(o -> o.redirectUrl() != null);
        if (earlier.isPresent()) {
            return new CheckoutView(
                    PhonePeApi.PROVIDER,
                    orderId,
                    earlier.get().redirectUrl(),
                    earlier.get().expireAt() > 0
                            ? Instant.ofEpochMilli(earlier.get().expireAt())
                            : null);
        }
        long amount = Json.wholeNumber(price, "amount", 0);
        store.putOrder(
                PhonePeApi.PROVIDER,
                orderId,
                new BillingItems.Order(
                        null,
                        null,
                        workspaceId,
                        plan,
                        amount,
                        price.path("currency").asString("inr"),
                        periodEnd.getEpochSecond(),
                        now.toEpochMilli(),
                        null,
                        0));
        JsonNode order = phonePe.pay(orderId, amount, workspaceId, plan, links.phonePeReturn() + orderId);
        long expireAt = Json.wholeNumber(order, "expireAt", 0);
        store.setOrderPage(
                PhonePeApi.PROVIDER, orderId, order.path("redirectUrl").asString(), expireAt);
        return new CheckoutView(
                PhonePeApi.PROVIDER,
                orderId,
                order.path("redirectUrl").asString(),
                expireAt > 0 ? Instant.ofEpochMilli(expireAt) : null);
    }

    PortalView portal(String workspaceId, Optional<String> idempotencyKey, AuditLog.Origin origin, String actorId) {
        StripeApi stripe = offered(providers.stripe(), StripeApi.PROVIDER);
        String customer = store.customerOf(workspaceId, StripeApi.PROVIDER)
                .orElseThrow(() -> ApiProblem.of(
                        409,
                        "no-customer",
                        "No customer",
                        "The workspace is not a Stripe customer yet; buy a plan first (POST .../checkout)."));
        JsonNode session = stripe.createPortalSession(
                customer, links.portalReturn(), providerKey(workspaceId, "portal", idempotencyKey));
        audit.workspace(
                workspaceId,
                "billing.portal.opened",
                actorId,
                session.path("id").asString(),
                origin);
        return new PortalView(session.path("url").asString());
    }

    /** The Stripe customer's invoices, newest first; none before the workspace is a customer. */
    InvoicePage invoices(String workspaceId, int limit, Optional<String> after) {
        if (after.isPresent() && !after.get().matches("in_[A-Za-z0-9]{1,64}")) {
            throw ApiProblem.badRequest("The cursor is not one this API issued.");
        }
        Optional<String> customer = store.customerOf(workspaceId, StripeApi.PROVIDER);
        if (customer.isEmpty() || providers.stripe().isEmpty()) {
            return new InvoicePage(List.of(), null);
        }
        JsonNode page = providers.stripe().get().invoices(customer.get(), limit, after);
        List<InvoiceView> invoices = new ArrayList<>();
        for (JsonNode invoice : page.path("data")) {
            invoices.add(new InvoiceView(
                    invoice.path("id").asString(),
                    invoice.path("number").asString(null),
                    invoice.path("status").asString(null),
                    invoice.path("currency").asString(null),
                    Json.wholeNumber(invoice, "amount_due", 0),
                    Json.wholeNumber(invoice, "amount_paid", 0),
                    epochSeconds(invoice, "created"),
                    invoice.path("hosted_invoice_url").asString(null),
                    invoice.path("invoice_pdf").asString(null)));
        }
        boolean more = page.path("has_more").asBoolean() && !invoices.isEmpty();
        return new InvoicePage(
                invoices, more ? Paging.nextCursor(invoices.getLast().id()) : null);
    }

    /**
     * Asks PhonePe how an order stands and applies a final state through the webhook's own
     * effects, as the webhook event it stands in for: the ledger holds one claim for both, so the
     * order is applied once whichever of the two comes first.
     */
    OrderStatusView orderStatus(String workspaceId, String orderId) {
        BillingItems.Order order = store.order(PhonePeApi.PROVIDER, orderId)
                .filter(o -> o.workspaceId().equals(workspaceId))
                .orElseThrow(() -> ApiProblem.notFound("No such order."));
        PhonePeApi phonePe = offered(providers.phonePe(), PhonePeApi.PROVIDER);
        JsonNode status = phonePe.orderStatus(orderId);
        String state = status.path("state").asString("PENDING");
        boolean applied = false;
        if (state.equals("COMPLETED") || state.equals("FAILED")) {
            applied = applyOnce(asWebhookEvent(orderId, status, state));
        }
        return new OrderStatusView(orderId, order.plan(), state, Json.wholeNumber(status, "amount", 0), applied);
    }

    /** The status answer in the shape of PhonePe's webhook for the same change, with the same id. */
    private static InboundEvent asWebhookEvent(String orderId, JsonNode status, String state) {
        String type = state.equals("COMPLETED") ? "checkout.order.completed" : "checkout.order.failed";
        ObjectNode body = Json.MAPPER.createObjectNode().put("event", type);
        ObjectNode payload = body.putObject("payload");
        payload.setAll((ObjectNode) status.deepCopy());
        payload.put("merchantOrderId", orderId);
        String phonePeOrder = status.path("orderId").asString(orderId);
        String id = type + "#" + phonePeOrder + "#" + state;
        long changedAt = 0;
        for (JsonNode detail : status.path("paymentDetails")) {
            changedAt = Math.max(changedAt, Json.wholeNumber(detail, "timestamp", 0));
        }
        return new InboundEvent(PhonePeApi.PROVIDER, id, type, List.of("phonepe#" + id), changedAt, body);
    }

    private boolean applyOnce(InboundEvent event) {
        if (!ledger.claim(event)) {
            return false;
        }
        try {
            BillingEffects.Outcome outcome = effects.apply(event);
            ledger.markProcessed(event, outcome.name().toLowerCase(Locale.ROOT));
            return true;
        } catch (RuntimeException failed) {
            // Unclaimed again, so that the webhook or the next check applies it.
            ledger.release(event);
            if (Outages.isOutage(failed)) {
                throw ApiProblem.serviceUnavailable("The order could not be recorded; retry.", 5);
            }
            throw failed;
        }
    }

    /**
     * Cancels the Stripe subscription at the period's end ({@code cancel}), or takes that back;
     * Stripe's answer is applied at once, as its webhook would apply it. A PhonePe period does not
     * renew: cancelling it changes nothing, resuming it is a new checkout.
     */
    void cancelAtPeriodEnd(
            String workspaceId,
            boolean cancel,
            Optional<String> idempotencyKey,
            AuditLog.Origin origin,
            String actorId) {
        Subscription subscription = store.subscription(workspaceId)
                .filter(Subscription::isCurrent)
                .orElseThrow(() -> ApiProblem.of(
                        409, "no-subscription", "No subscription", "The workspace has no subscription to change."));
        if (PhonePeApi.PROVIDER.equals(subscription.provider())) {
            if (!cancel) {
                throw ApiProblem.of(
                        409,
                        "does-not-renew",
                        "Does not renew",
                        "A PhonePe plan runs for the period paid for; buy the next one with POST .../checkout.");
            }
            return;
        }
        StripeApi stripe = offered(providers.stripe(), StripeApi.PROVIDER);
        JsonNode answer = stripe.cancelAtPeriodEnd(
                subscription.subscriptionId(),
                cancel,
                providerKey(
                        workspaceId, (cancel ? "cancel:" : "resume:") + subscription.subscriptionId(), idempotencyKey));
        ObjectNode event = Json.MAPPER
                .createObjectNode()
                .put("id", "api_" + answer.path("id").asString())
                .put("type", "customer.subscription.updated");
        event.putObject("data").set("object", answer);
        effects.apply(new InboundEvent(
                StripeApi.PROVIDER,
                event.path("id").asString(),
                "customer.subscription.updated",
                List.of(),
                clock.millis(),
                event));
        audit.workspace(
                workspaceId,
                cancel ? "billing.subscription.cancel_requested" : "billing.subscription.resumed",
                actorId,
                subscription.subscriptionId(),
                origin);
    }

    private static <T> T offered(Optional<T> provider, String name) {
        return provider.orElseThrow(() ->
                invalid("/provider", "not-offered", name + " is not offered on this stage (no API credentials)."));
    }

    static ApiProblem invalid(String pointer, String code, String detail) {
        return ApiProblem.validation(List.of(new FieldError(pointer, code, detail)));
    }

    private static Instant epochSeconds(JsonNode node, String field) {
        long seconds = Json.wholeNumber(node, field, 0);
        return seconds > 0 ? Instant.ofEpochSecond(seconds) : null;
    }
}

package app.devskyy.webhooks;

import app.devskyy.core.Json;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.billing.BillingItems;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.webhooks.BillingStore.Payment;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Refunds, which platform admins make: of a payment this backend recorded, in full or in part,
 * through the provider that took it. The caller's {@code Idempotency-Key} becomes the provider's
 * idempotency key (Stripe) or refund id (PhonePe), so a repeated request is the same refund. The
 * refund is recorded from the provider's answer under the id its webhooks name, so the webhook
 * that follows updates that record (or repeats it, and changes nothing) instead of adding one.
 */
final class Refunds {

    record RefundView(
            String id,
            String provider,
            String paymentId,
            String status,
            long amount,
            String currency,
            Instant createdAt) {}

    /** The refund, and whether this request made it ({@code false}: a repeat with the same key). */
    record Made(RefundView refund, boolean isNew) {}

    private final PaymentProviders providers;
    private final BillingStore store;
    private final AuditLog audit;
    private final Clock clock;

    Refunds(PaymentProviders providers, BillingStore store, AuditLog audit, Clock clock) {
        this.providers = providers;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    Made refund(
            String workspaceId,
            String provider,
            String paymentId,
            Optional<Long> amount,
            Optional<String> reason,
            String idempotencyKey,
            AuditLog.Origin origin,
            String actorId) {
        Payment payment = store.payment(workspaceId, BillingItems.PAYMENT, provider, paymentId)
                .orElseThrow(() -> ApiProblem.notFound("No such payment in this workspace."));
        if (!payment.status().equals("paid")) {
            throw ApiProblem.of(
                    409,
                    "not-refundable",
                    "Not refundable",
                    "Only a paid payment can be refunded; this one is " + payment.status() + ".");
        }
        if (amount.isPresent() && amount.get() > payment.amount()) {
            throw Purchases.invalid(
                    "/amount", "above-payment", "The refund is more than the payment (" + payment.amount() + ").");
        }
        String key =
                Purchases.providerKey(workspaceId, "refund:" + provider + ":" + paymentId, Optional.of(idempotencyKey));
        Payment refund = provider.equals(StripeApi.PROVIDER)
                ? stripe(workspaceId, payment, amount, reason, key)
                : phonePe(payment, amount, key);
        // Stripe's versions are times, as its webhooks' are; PhonePe's refunds only move forward (pending first).
        boolean isNew =
                store.putPayment(workspaceId, refund, provider.equals(StripeApi.PROVIDER) ? refund.occurredAt() : 1);
        if (isNew) {
            audit.workspace(workspaceId, "billing.refund.requested", actorId, refund.id(), origin);
        }
        return new Made(
                new RefundView(
                        refund.id(),
                        refund.provider(),
                        paymentId,
                        refund.status(),
                        refund.amount(),
                        refund.currency(),
                        Instant.ofEpochMilli(refund.occurredAt())),
                isNew);
    }

    private Payment stripe(
            String workspaceId, Payment payment, Optional<Long> amount, Optional<String> reason, String key) {
        StripeApi stripe = providers
                .stripe()
                .orElseThrow(() -> Purchases.invalid(
                        "/provider", "not-offered", "stripe is not offered on this stage (no API credentials)."));
        // A payment intent recorded from its webhook, else the one that paid the invoice.
        String intent = Optional.ofNullable(payment.reference())
                .filter(ref -> ref.startsWith("pi_"))
                .or(() ->
                        payment.id().startsWith("in_") ? stripe.paymentIntentOfInvoice(payment.id()) : Optional.empty())
                .orElseThrow(() -> ApiProblem.of(
                        409, "not-refundable", "Not refundable", "Stripe names no payment to refund for this one."));
        JsonNode refund = stripe.refund(
                intent, amount, reason, Map.of("workspace_id", workspaceId, "payment_id", payment.id()), key);
        long created = Json.wholeNumber(refund, "created", 0);
        return new Payment(
                BillingItems.REFUND,
                StripeApi.PROVIDER,
                refund.path("id").asString(),
                refund.path("status").asString("pending"),
                Json.wholeNumber(refund, "amount", amount.orElse(payment.amount())),
                refund.path("currency").asString(payment.currency()),
                payment.id(),
                created > 0 ? created * 1000 : clock.millis());
    }

    private Payment phonePe(Payment payment, Optional<Long> amount, String key) {
        PhonePeApi phonePe = providers
                .phonePe()
                .orElseThrow(() -> Purchases.invalid(
                        "/provider", "not-offered", "phonepe is not offered on this stage (no API credentials)."));
        String refundId = "rf_" + key.substring(4, 36);
        JsonNode refund = phonePe.refund(refundId, payment.id(), amount.orElse(payment.amount()));
        return new Payment(
                BillingItems.REFUND,
                PhonePeApi.PROVIDER,
                refundId,
                refund.path("state").asString("PENDING").toLowerCase(Locale.ROOT),
                Json.wholeNumber(refund, "amount", amount.orElse(payment.amount())),
                "INR",
                payment.id(),
                clock.millis());
    }
}

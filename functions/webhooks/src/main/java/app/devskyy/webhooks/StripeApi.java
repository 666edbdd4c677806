package app.devskyy.webhooks;

import app.devskyy.core.http.ApiProblem;
import java.util.Map;
import java.util.Optional;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.Request;
import tools.jackson.databind.JsonNode;

/**
 * The calls this backend makes to the Stripe API, form-encoded as Stripe takes them, with the
 * API version pinned so that answers keep their shape. Every write carries an idempotency key, so
 * that a retry (ours, or the caller's with the same key) cannot create a second session, refund or
 * change. Retries follow Stripe's {@code Stripe-Should-Retry} header where it sends one.
 */
final class StripeApi {

    /** The version the fields read here were written against. */
    static final String VERSION = "2025-03-31.basil";

    static final String PROVIDER = "stripe";

    private final PaymentHttp http;
    private final HttpUrl base;
    private final String secretKey;

    StripeApi(PaymentHttp http, HttpUrl base, String secretKey) {
        this.http = http;
        this.base = base;
        this.secretKey = secretKey;
    }

    /** What a Checkout Session is for: one plan's recurring price, for one workspace. */
    record CheckoutSession(
            String workspaceId,
            String plan,
            String title,
            Optional<String> priceId,
            long amount,
            String currency,
            String interval,
            Optional<String> customerId,
            String successUrl,
            String cancelUrl) {}

    /** A Checkout Session in subscription mode; answers Stripe's session ({@code id}, {@code url}, {@code expires_at}). */
    JsonNode createCheckoutSession(CheckoutSession session, String idempotencyKey) {
        FormBody.Builder form = new FormBody.Builder()
                .add("mode", "subscription")
                .add("client_reference_id", session.workspaceId())
                .add("metadata[workspace_id]", session.workspaceId())
                .add("metadata[plan]", session.plan())
                .add("subscription_data[metadata][workspace_id]", session.workspaceId())
                .add("subscription_data[metadata][plan]", session.plan())
                .add("success_url", session.successUrl())
                .add("cancel_url", session.cancelUrl())
                .add("line_items[0][quantity]", "1");
        if (session.priceId().isPresent()) {
            form.add("line_items[0][price]", session.priceId().get());
        } else {
            // No price configured in Stripe for this stage: the plans document's price, inline.
            form.add("line_items[0][price_data][currency]", session.currency())
                    .add("line_items[0][price_data][unit_amount]", Long.toString(session.amount()))
                    .add("line_items[0][price_data][recurring][interval]", session.interval())
                    .add("line_items[0][price_data][product_data][name]", session.title())
                    .add("line_items[0][price_data][product_data][metadata][plan]", session.plan());
        }
        session.customerId().ifPresent(customer -> form.add("customer", customer));
        return post("/v1/checkout/sessions", form.build(), idempotencyKey);
    }

    /** A customer portal session: where the customer changes plan, card and invoices. */
    JsonNode createPortalSession(String customerId, String returnUrl, String idempotencyKey) {
        return post(
                "/v1/billing_portal/sessions",
                new FormBody.Builder()
                        .add("customer", customerId)
                        .add("return_url", returnUrl)
                        .build(),
                idempotencyKey);
    }

    /** A page of the customer's invoices, newest first, after the invoice {@code startingAfter}. */
    JsonNode invoices(String customerId, int limit, Optional<String> startingAfter) {
        HttpUrl.Builder url = base.newBuilder("/v1/invoices")
                .addQueryParameter("customer", customerId)
                .addQueryParameter("limit", Integer.toString(limit));
        startingAfter.ifPresent(after -> url.addQueryParameter("starting_after", after));
        return get(url.build());
    }

    /** The payment intent that paid an invoice, when one did. */
    Optional<String> paymentIntentOfInvoice(String invoiceId) {
        JsonNode payments = get(base.newBuilder("/v1/invoice_payments")
                .addQueryParameter("invoice", invoiceId)
                .addQueryParameter("limit", "10")
                .build());
        for (JsonNode payment : payments.path("data")) {
            JsonNode intent = payment.path("payment").path("payment_intent");
            if ("paid".equals(payment.path("status").asString()) && intent.isString()) {
                return Optional.of(intent.asString());
            }
        }
        return Optional.empty();
    }

    /** Refunds all of a payment intent, or {@code amount} of it; answers Stripe's refund. */
    JsonNode refund(
            String paymentIntent,
            Optional<Long> amount,
            Optional<String> reason,
            Map<String, String> metadata,
            String idempotencyKey) {
        FormBody.Builder form = new FormBody.Builder().add("payment_intent", paymentIntent);
        amount.ifPresent(a -> form.add("amount", Long.toString(a)));
        reason.ifPresent(r -> form.add("reason", r));
        metadata.forEach((k, v) -> form.add("metadata[" + k + "]", v));
        return post("/v1/refunds", form.build(), idempotencyKey);
    }

    /** Cancels at the period's end, or takes that back; answers the subscription. */
    JsonNode cancelAtPeriodEnd(String subscriptionId, boolean cancel, String idempotencyKey) {
        return post(
                "/v1/subscriptions/" + subscriptionId,
                new FormBody.Builder()
                        .add("cancel_at_period_end", Boolean.toString(cancel))
                        .build(),
                idempotencyKey);
    }

    private JsonNode post(String path, FormBody form, String idempotencyKey) {
        Request request = authorized(base.newBuilder(path).build())
                .header("Idempotency-Key", idempotencyKey)
                .post(form)
                .build();
        return call(request);
    }

    private JsonNode get(HttpUrl url) {
        return call(authorized(url).get().build());
    }

    private JsonNode call(Request request) {
        try {
            return http.send(PROVIDER, request, true, response -> {
                String advice = response.header("stripe-should-retry");
                return advice == null ? null : Boolean.parseBoolean(advice);
            });
        } catch (PaymentHttp.Refusal refusal) {
            throw explain(refusal);
        }
    }

    private Request.Builder authorized(HttpUrl url) {
        return new Request.Builder()
                .url(url)
                .header("Authorization", "Bearer " + secretKey)
                .header("Stripe-Version", VERSION);
    }

    /**
     * Stripe's refusal as this API's problem: a declined card is 402, a reused idempotency key 409,
     * anything else Stripe refused 422 with its error code. Stripe's message is not passed on.
     */
    static ApiProblem explain(PaymentHttp.Refusal refusal) {
        JsonNode error = refusal.body().path("error");
        String type = error.path("type").asString("");
        String code = error.path("code").asString("");
        if (type.equals("card_error")) {
            String decline = error.path("decline_code").asString(code);
            return ApiProblem.of(
                    402,
                    "payment-declined",
                    "Payment declined",
                    "The card was declined" + (decline.isEmpty() ? "" : " (" + decline + ")") + ".");
        }
        if (type.equals("idempotency_error") || refusal.status() == 409) {
            return ApiProblem.of(
                    409,
                    "idempotency-key-reused",
                    "Idempotency key reused",
                    "This Idempotency-Key was used for a different request; use a new key.");
        }
        return ApiProblem.of(
                422,
                "provider-refused",
                "The payment provider refused the request",
                "Stripe refused the request" + (code.matches("[a-z_]{1,80}") ? " (" + code + ")" : "") + ".");
    }
}

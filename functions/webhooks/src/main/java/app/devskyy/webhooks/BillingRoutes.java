package app.devskyy.webhooks;

import app.devskyy.core.Json;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.auth.Role;
import app.devskyy.core.billing.Entitlements;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.BodySchema;
import app.devskyy.core.http.HttpRequest;
import app.devskyy.core.http.HttpResponse;
import app.devskyy.core.http.Paging;
import app.devskyy.core.http.Router;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The billing API ({@code /api/v1/billing}): the public plans; per workspace its subscription,
 * payment history and invoices, and what its admins do (checkout, portal, order status, cancel,
 * resume); refunds for platform admins; events no workspace claimed, for platform admins.
 */
final class BillingRoutes {

    private static final BodySchema CHECKOUT = BodySchema.load(BillingRoutes.class, "billing-checkout");
    private static final BodySchema REFUND = BodySchema.load(BillingRoutes.class, "billing-refund");

    record CheckoutBody(String plan, String provider) {}

    record RefundBody(String provider, String paymentId, Long amount, String reason) {}

    private final BillingStore billing;
    private final Entitlements entitlements;
    private final Purchases purchases;
    private final Refunds refunds;
    private final Authenticator authenticator;

    BillingRoutes(
            BillingStore billing,
            Entitlements entitlements,
            Purchases purchases,
            Refunds refunds,
            Authenticator authenticator) {
        this.billing = billing;
        this.entitlements = entitlements;
        this.purchases = purchases;
        this.refunds = refunds;
        this.authenticator = authenticator;
    }

    /** Adds the billing routes to the family's router. */
    Router.Builder addTo(Router.Builder router) {
        String workspace = "/api/v1/billing/workspaces/{workspaceId}";
        return router.get("/api/v1/billing/plans", this::plans)
                .get(workspace + "/subscription", this::subscription)
                .post(workspace + "/subscription/cancel", request -> cancel(request, true))
                .post(workspace + "/subscription/resume", request -> cancel(request, false))
                .post(workspace + "/checkout", this::checkout)
                .post(workspace + "/portal", this::portal)
                .get(workspace + "/payments", this::payments)
                .get(workspace + "/invoices", this::invoices)
                .get(workspace + "/orders/{orderId}/status", this::orderStatus)
                .post(workspace + "/refunds", this::refund)
                .get("/api/v1/billing/unmatched", this::unmatched);
    }

    /**
     * The plans, public and cacheable: each one's title, limits and prices per provider, from the
     * plans document (the bundled one, or the stage's {@code BILLING_PLANS}). Its version is the ETag.
     */
    private HttpResponse plans(HttpRequest request) {
        JsonNode document = entitlements.document();
        return HttpResponse.publicDocument(request, document.path("version").asString("1"), () -> {
            List<PlanView> plans = new ArrayList<>();
            document.path("plans").properties().forEach(plan -> {
                Map<String, Long> limits = new LinkedHashMap<>();
                plan.getValue().properties().forEach(field -> {
                    if (field.getValue().isNumber()) {
                        limits.put(field.getKey(), field.getValue().asLong());
                    }
                });
                plans.add(new PlanView(
                        plan.getKey(),
                        plan.getValue().path("title").asString(plan.getKey()),
                        plan.getKey().equals(document.path("default").asString()),
                        limits,
                        // A plan with no price (the free one, or a stage's plans without prices) has none to show.
                        plan.getValue().has("prices")
                                ? plan.getValue().get("prices")
                                : Json.MAPPER.createObjectNode()));
            });
            return new PlanList(document.path("version").asString(null), plans);
        });
    }

    record PlanView(String id, String title, boolean isDefault, Map<String, Long> limits, JsonNode prices) {}

    record PlanList(String version, List<PlanView> plans) {}

    private String member(HttpRequest request, Role role) {
        Principal principal = authenticator.authenticate(request);
        String workspaceId = request.pathId("workspaceId");
        Authenticator.requireRole(principal, workspaceId, role);
        return workspaceId;
    }

    private HttpResponse subscription(HttpRequest request) {
        return HttpResponse.ok(subscriptionView(member(request, Role.READ_ONLY)));
    }

    private SubscriptionView subscriptionView(String workspaceId) {
        Entitlements.Entitlement entitlement = entitlements.current(workspaceId);
        return new SubscriptionView(
                workspaceId,
                entitlement.plan(),
                entitlement.status(),
                entitlement.provider(),
                entitlement.currentPeriodEnd(),
                entitlement.cancelAtPeriodEnd(),
                entitlement.scheduledPlan(),
                entitlement.scheduledAt(),
                entitlement.limits(),
                billing.payments(workspaceId).stream().map(BillingRoutes::view).toList());
    }

    private HttpResponse cancel(HttpRequest request, boolean cancel) {
        Principal principal = authenticator.authenticate(request);
        String workspaceId = request.pathId("workspaceId");
        Authenticator.requireRole(principal, workspaceId, Role.ADMIN);
        purchases.cancelAtPeriodEnd(
                workspaceId, cancel, request.idempotencyKey(), AuditLog.Origin.of(request), principal.userId());
        return HttpResponse.ok(subscriptionView(workspaceId));
    }

    private HttpResponse checkout(HttpRequest request) {
        Principal principal = authenticator.authenticate(request);
        String workspaceId = request.pathId("workspaceId");
        Authenticator.requireRole(principal, workspaceId, Role.ADMIN);
        CheckoutBody body = request.jsonBody(CHECKOUT, CheckoutBody.class);
        return HttpResponse.json(
                201,
                purchases.checkout(
                        workspaceId,
                        body.plan(),
                        body.provider() == null ? StripeApi.PROVIDER : body.provider(),
                        request.idempotencyKey(),
                        AuditLog.Origin.of(request),
                        principal.userId()));
    }

    private HttpResponse portal(HttpRequest request) {
        Principal principal = authenticator.authenticate(request);
        String workspaceId = request.pathId("workspaceId");
        Authenticator.requireRole(principal, workspaceId, Role.ADMIN);
        return HttpResponse.json(
                201,
                purchases.portal(
                        workspaceId, request.idempotencyKey(), AuditLog.Origin.of(request), principal.userId()));
    }

    private HttpResponse payments(HttpRequest request) {
        String workspaceId = member(request, Role.READ_ONLY);
        BillingStore.PaymentPage page = billing.history(
                workspaceId, Paging.limit(request), Paging.after(request).map(BillingRoutes::historyKey));
        return HttpResponse.ok(new PaymentPageView(
                page.payments().stream().map(BillingRoutes::view).toList(), page.nextCursor()));
    }

    /** A cursor of the history names one payment's place in it; any other is not one this API issued. */
    private static String historyKey(String cursor) {
        if (!cursor.matches("\\d{15}#(PAYMENT|REFUND)#[a-z]+#[\\x21-\\x7E]{1,400}")) {
            throw ApiProblem.badRequest("The cursor is not one this API issued.");
        }
        return cursor;
    }

    private HttpResponse invoices(HttpRequest request) {
        String workspaceId = member(request, Role.ADMIN);
        return HttpResponse.ok(purchases.invoices(workspaceId, Paging.limit(request), Paging.after(request)));
    }

    private HttpResponse orderStatus(HttpRequest request) {
        String workspaceId = member(request, Role.ADMIN);
        return HttpResponse.ok(purchases.orderStatus(workspaceId, request.pathId("orderId")));
    }

    private HttpResponse refund(HttpRequest request) {
        Principal principal = authenticator.authenticate(request);
        Authenticator.requirePlatformRole(principal, Role.ADMIN);
        String workspaceId = request.pathId("workspaceId");
        String key = request.idempotencyKey()
                .orElseThrow(() -> ApiProblem.badRequest("A refund takes an Idempotency-Key header."));
        RefundBody body = request.jsonBody(REFUND, RefundBody.class);
        Refunds.Made made = refunds.refund(
                workspaceId,
                body.provider(),
                body.paymentId(),
                Optional.ofNullable(body.amount()),
                Optional.ofNullable(body.reason()),
                key,
                AuditLog.Origin.of(request),
                principal.userId());
        return HttpResponse.json(made.isNew() ? 201 : 200, made.refund())
                .withHeader("idempotent-replayed", Boolean.toString(!made.isNew()));
    }

    /** Events kept for customers of no known workspace: for platform operators to reconcile; paged. */
    private HttpResponse unmatched(HttpRequest request) {
        Authenticator.requirePlatformRole(authenticator.authenticate(request), Role.ADMIN);
        return HttpResponse.ok(billing.unmatched(Paging.limit(request), Paging.after(request)));
    }

    private static PaymentView view(BillingStore.Payment p) {
        return new PaymentView(
                p.kind().toLowerCase(Locale.ROOT),
                p.provider(),
                p.id(),
                p.status(),
                p.amount(),
                p.currency(),
                p.occurredAt() > 0 ? Instant.ofEpochMilli(p.occurredAt()) : null);
    }

    record PaymentView(
            String kind, String provider, String id, String status, long amount, String currency, Instant occurredAt) {}

    record PaymentPageView(List<PaymentView> payments, String nextCursor) {}

    record SubscriptionView(
            String workspaceId,
            String plan,
            String status,
            String provider,
            Instant currentPeriodEnd,
            boolean cancelAtPeriodEnd,
            String scheduledPlan,
            Instant scheduledAt,
            Map<String, Long> entitlements,
            List<PaymentView> payments) {}
}

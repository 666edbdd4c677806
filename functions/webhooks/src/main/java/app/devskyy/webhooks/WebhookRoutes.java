package app.devskyy.webhooks;

import app.devskyy.core.Json;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.auth.Role;
import app.devskyy.core.aws.Outages;
import app.devskyy.core.billing.Entitlements;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.HttpRequest;
import app.devskyy.core.http.HttpResponse;
import app.devskyy.core.http.Paging;
import app.devskyy.core.http.Router;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The receivers ({@code POST /api/v1/webhooks/{provider}}) and the billing view. A receiver does
 * the least that makes a delivery safe, then answers 200: verify the signature on the exact bytes
 * received, record the event once (a duplicate answers 200 and goes no further), queue it for the
 * processor. A failed verification answers 401, changes nothing, and is audited.
 */
final class WebhookRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookRoutes.class);

    private final WebhookSecrets secrets;
    private final EventLedger ledger;
    private final WebhookQueue queue;
    private final BillingStore billing;
    private final Entitlements entitlements;
    private final AuditLog audit;
    private final Authenticator authenticator;
    private final Clock clock;

    WebhookRoutes(
            WebhookSecrets secrets,
            EventLedger ledger,
            WebhookQueue queue,
            BillingStore billing,
            Entitlements entitlements,
            AuditLog audit,
            Authenticator authenticator,
            Clock clock) {
        this.secrets = secrets;
        this.ledger = ledger;
        this.queue = queue;
        this.billing = billing;
        this.entitlements = entitlements;
        this.audit = audit;
        this.authenticator = authenticator;
        this.clock = clock;
    }

    Router router() {
        return Router.builder()
                .post("/api/v1/webhooks/{provider}", this::receive)
                .get("/api/v1/billing/plans", this::plans)
                .get("/api/v1/billing/workspaces/{workspaceId}/subscription", this::subscription)
                .get("/api/v1/billing/unmatched", this::unmatched)
                .build();
    }

    private HttpResponse receive(HttpRequest request) {
        String provider = request.pathParameter("provider");
        if (!provider.equals("stripe") && !provider.equals("woocommerce") && !provider.equals("phonepe")) {
            throw ApiProblem.notFound("No webhook receiver for this provider.");
        }
        if (provider.equals("woocommerce")) {
            var ping = WooCommerceVerifier.ping(request);
            if (ping.isPresent()) {
                return HttpResponse.ok(Map.of("received", true, "ping", true));
            }
        }
        InboundEvent event;
        try {
            event = switch (provider) {
                case "stripe" -> StripeVerifier.verify(request, secrets.stripe(), clock);
                case "woocommerce" -> WooCommerceVerifier.verify(request, secrets.woocommerce());
                default -> PhonePeVerifier.verify(request, secrets);
            };
        } catch (ApiProblem rejected) {
            if (rejected.status() == 401) {
                LOG.warn("{} webhook rejected: signature not verified", provider);
                audit.system(
                        "webhooks",
                        "webhook." + provider + ".rejected",
                        "failure",
                        "webhook:" + provider,
                        new AuditLog.Origin(
                                request.sourceIp(), request.header("user-agent").orElse("")));
            }
            throw rejected;
        }
        if (!ledger.claim(event)) {
            return HttpResponse.ok(Map.of("received", true, "duplicate", true));
        }
        try {
            queue.send(event);
        } catch (RuntimeException unavailable) {
            if (!Outages.isOutage(unavailable)) {
                throw unavailable;
            }
            // Unrecorded again, so that the provider's retry is processed rather than taken for a duplicate.
            ledger.release(event);
            throw ApiProblem.serviceUnavailable("The event could not be queued; retry.", 5);
        }
        return HttpResponse.ok(Map.of("received", true, "duplicate", false));
    }

    /**
     * The plans, public and cacheable: each one's title, limits and prices per provider, from the
     * plans document (the bundled one, or the stage's {@code BILLING_PLANS}). Its version is the ETag.
     */
    private HttpResponse plans(HttpRequest request) {
        JsonNode document = entitlements.document();
        String etag = "\"" + document.path("version").asString("1") + "\"";
        if (request.header("if-none-match")
                .map(String::strip)
                .filter(etag::equals)
                .isPresent()) {
            return new HttpResponse(304, Map.of("etag", etag), List.of(), "");
        }
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
                    plan.getValue().has("prices") ? plan.getValue().get("prices") : Json.MAPPER.createObjectNode()));
        });
        return HttpResponse.ok(new PlanList(document.path("version").asString(null), plans))
                .withHeader("cache-control", "public, max-age=300")
                .withHeader("etag", etag);
    }

    record PlanView(String id, String title, boolean isDefault, Map<String, Long> limits, JsonNode prices) {}

    record PlanList(String version, List<PlanView> plans) {}

    private HttpResponse subscription(HttpRequest request) {
        Principal principal = authenticator.authenticate(request);
        String workspaceId = request.pathId("workspaceId");
        Authenticator.requireRole(principal, workspaceId, Role.READ_ONLY);
        Entitlements.Entitlement entitlement = entitlements.current(workspaceId);
        return HttpResponse.ok(new SubscriptionView(
                workspaceId,
                entitlement.plan(),
                entitlement.status(),
                entitlement.provider(),
                entitlement.currentPeriodEnd(),
                entitlement.cancelAtPeriodEnd(),
                entitlement.limits(),
                billing.payments(workspaceId).stream()
                        .map(p -> new PaymentView(
                                p.kind().toLowerCase(Locale.ROOT),
                                p.provider(),
                                p.id(),
                                p.status(),
                                p.amount(),
                                p.currency()))
                        .toList()));
    }

    /** Events kept for customers of no known workspace: for platform operators to reconcile; paged. */
    private HttpResponse unmatched(HttpRequest request) {
        Authenticator.requirePlatformRole(authenticator.authenticate(request), Role.ADMIN);
        return HttpResponse.ok(billing.unmatched(Paging.limit(request), Paging.after(request)));
    }

    record PaymentView(String kind, String provider, String id, String status, long amount, String currency) {}

    record SubscriptionView(
            String workspaceId,
            String plan,
            String status,
            String provider,
            Instant currentPeriodEnd,
            boolean cancelAtPeriodEnd,
            Map<String, Long> entitlements,
            List<PaymentView> payments) {}
}

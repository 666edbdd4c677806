package app.devskyy.webhooks;

import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.aws.Outages;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.HttpRequest;
import app.devskyy.core.http.HttpResponse;
import app.devskyy.core.http.Router;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receivers ({@code POST /api/v1/webhooks/{provider}}) and the billing view. A receiver does
 * the least that makes a delivery safe, then answers 200: verify the signature on the exact bytes
 * received, record the event once (a duplicate answers 200 and goes no further), queue it for the
 * processor. A failed verification answers 401, changes nothing, and is audited. The billing API
 * beside them is {@link BillingRoutes}.
 */
final class WebhookRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookRoutes.class);

    private final WebhookSecrets secrets;
    private final EventLedger ledger;
    private final WebhookQueue queue;
    private final AuditLog audit;
    private final Clock clock;

    WebhookRoutes(WebhookSecrets secrets, EventLedger ledger, WebhookQueue queue, AuditLog audit, Clock clock) {
        this.secrets = secrets;
        this.ledger = ledger;
        this.queue = queue;
        this.audit = audit;
        this.clock = clock;
    }

    /** Adds the receivers to the family's router. */
    Router.Builder addTo(Router.Builder router) {
        return router.post("/api/v1/webhooks/{provider}", this::receive);
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
                        AuditLog.Origin.of(request));
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
}

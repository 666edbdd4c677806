package app.devskyy.webhooks;

import app.devskyy.core.Json;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * WooCommerce's scheme: {@code X-WC-Webhook-Signature} is the base64 HMAC-SHA256 of the raw body
 * under the webhook's secret. The topic, resource, event, webhook id and delivery id headers are
 * kept with the event. A store's ping when a webhook is saved (a form body {@code webhook_id=N},
 * no signature) is answered and changes nothing. Deliveries are deduplicated on the delivery id and
 * on the resource id with its modification time, since a store may resend a change under a new id.
 */
final class WooCommerceVerifier {

    private WooCommerceVerifier() {}

    /** The ping's form body; empty for anything else. */
    static Optional<String> ping(HttpRequest request) {
        String body = new String(request.body(), StandardCharsets.UTF_8).strip();
        boolean form = request.header("content-type").orElse("").startsWith("application/x-www-form-urlencoded");
        return form
                        && body.matches("webhook_id=\\d{1,20}")
                        && request.header("x-wc-webhook-signature").isEmpty()
                ? Optional.of(body.substring("webhook_id=".length()))
                : Optional.empty();
    }

    static InboundEvent verify(HttpRequest request, List<String> secrets) {
        String presented = request.header("x-wc-webhook-signature").orElseThrow(Signatures::rejected);
        byte[] body = request.body();
        boolean matched = false;
        for (String secret : secrets) {
            matched |= Signatures.equal(
                    Base64.getEncoder().encodeToString(Signatures.hmacSha256(secret, body)), presented.strip());
        }
        if (!matched) {
            throw Signatures.rejected();
        }
        String topic = request.header("x-wc-webhook-topic").orElse("");
        String delivery = request.header("x-wc-webhook-delivery-id").orElse("");
        if (!topic.matches("[a-z_]{1,40}\\.[a-z_]{1,40}") || !delivery.matches("[A-Za-z0-9-]{1,64}")) {
            throw ApiProblem.badRequest("The topic or delivery id header is missing or malformed.");
        }
        JsonNode resource = InboundEvent.jsonObject(body);
        String resourceId = resource.path("id").asString("");
        if (resourceId.isEmpty()) {
            throw ApiProblem.badRequest("The body names no resource id.");
        }
        long changedAt = modified(resource);
        List<String> keys = new ArrayList<>(List.of(
                "woocommerce#delivery#" + request.header("x-wc-webhook-id").orElse("") + "#" + delivery));
        keys.add("woocommerce#" + topic.substring(0, topic.indexOf('.')) + "#" + resourceId + "#" + changedAt + "#"
                + topic);
        var payload = Json.MAPPER.createObjectNode();
        payload.put("topic", topic);
        payload.put("resource", request.header("x-wc-webhook-resource").orElse(""));
        payload.put("event", request.header("x-wc-webhook-event").orElse(""));
        payload.put("webhookId", request.header("x-wc-webhook-id").orElse(""));
        payload.put("deliveryId", delivery);
        payload.set("data", resource);
        return new InboundEvent("woocommerce", delivery, topic, keys, changedAt, payload);
    }

    /** {@code date_modified_gmt} ({@code 2026-11-22T10:00:00}), in epoch milliseconds. */
    private static long modified(JsonNode resource) {
        try {
            return LocalDateTime.parse(resource.path("date_modified_gmt").asString(""))
                    .toInstant(ZoneOffset.UTC)
                    .toEpochMilli();
        } catch (DateTimeParseException missing) {
            throw ApiProblem.badRequest("The body has no valid date_modified_gmt.");
        }
    }
}

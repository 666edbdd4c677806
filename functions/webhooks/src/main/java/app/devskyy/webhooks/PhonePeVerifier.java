package app.devskyy.webhooks;

import app.devskyy.core.Json;
import app.devskyy.core.crypto.Digests;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.HttpRequest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * PhonePe's two schemes. The S2S callback: a body {@code {"response": "<base64 JSON>"}} with
 * {@code X-VERIFY: SHA256(<base64> + <salt key>) + "###" + <salt index>}. The newer webhook: a
 * JSON body {@code {"event", "payload"}} with {@code Authorization: SHA256(<username>:<password>)}.
 * Both are normalised to the newer event names ({@code checkout.order.completed|failed},
 * {@code pg.refund.*}), so the effects are written once.
 */
final class PhonePeVerifier {

    private PhonePeVerifier() {}

    static InboundEvent verify(HttpRequest request, WebhookSecrets secrets) {
        if (request.header("x-verify").isPresent()) {
            return callback(request, secrets.phonePeSaltKeys());
        }
        String authorization = request.header("authorization")
                .orElseThrow(Signatures::rejected)
                .strip();
        String presented = authorization.regionMatches(true, 0, "SHA256 ", 0, 7)
                ? authorization.substring(7).strip()
                : authorization;
        boolean matched = false;
        for (WebhookSecrets.Credentials credentials : secrets.phonePeCredentials()) {
            matched |= Signatures.equal(
                    Digests.sha256Hex(credentials.username() + ":" + credentials.password()),
                    presented.toLowerCase(Locale.ROOT));
        }
        if (!matched) {
            throw Signatures.rejected();
        }
        JsonNode body = InboundEvent.jsonObject(request.body());
        String event = body.path("event").asString("");
        JsonNode payload = body.path("payload");
        String orderId =
                payload.path("orderId").asString(payload.path("merchantOrderId").asString(""));
        if (!event.matches("[a-z]+(\\.[a-z_]+){1,3}") || orderId.isEmpty()) {
            throw ApiProblem.badRequest("The body is not a PhonePe webhook event.");
        }
        String refund = payload.path("refundId").asString("");
        String id = event + "#" + orderId + (refund.isEmpty() ? "" : "#" + refund) + "#"
                + payload.path("state").asString("");
        long changedAt = 0;
        for (JsonNode detail : payload.path("paymentDetails")) {
            changedAt = Math.max(changedAt, Json.wholeNumber(detail, "timestamp", 0));
        }
        return new InboundEvent("phonepe", id, event, List.of("phonepe#" + id), changedAt, body);
    }

    private static InboundEvent callback(HttpRequest request, List<WebhookSecrets.SaltKey> saltKeys) {
        String[] header = request.header("x-verify").orElseThrow().strip().split("###", 2);
        JsonNode body = InboundEvent.jsonObject(request.body());
        String response = body.path("response").asString("");
        boolean matched = false;
        for (WebhookSecrets.SaltKey salt : saltKeys) {
            if (header.length == 2 && header[1].equals(salt.index())) {
                matched |=
                        Signatures.equal(Digests.sha256Hex(response + salt.key()), header[0].toLowerCase(Locale.ROOT));
            }
        }
        if (!matched || response.isEmpty()) {
            throw Signatures.rejected();
        }
        JsonNode decoded;
        try {
            decoded = Json.tree(Base64.getDecoder().decode(response));
        } catch (IllegalArgumentException | JacksonException malformed) {
            throw ApiProblem.badRequest("The response is not base64 JSON.");
        }
        JsonNode data = decoded.path("data");
        String merchantTransactionId = data.path("merchantTransactionId").asString("");
        String code = decoded.path("code").asString("");
        if (merchantTransactionId.isEmpty() || code.isEmpty()) {
            throw ApiProblem.badRequest("The callback names no transaction.");
        }
        String event = switch (code) {
            case "PAYMENT_SUCCESS" -> "checkout.order.completed";
            case "PAYMENT_PENDING" -> "checkout.order.pending";
            default -> "checkout.order.failed";
        };
        ObjectNode normalised = Json.MAPPER.createObjectNode().put("event", event);
        ObjectNode payload = normalised.putObject("payload");
        payload.put("merchantOrderId", merchantTransactionId);
        payload.put("orderId", data.path("transactionId").asString(merchantTransactionId));
        payload.put(
                "state",
                switch (event) {
                    case "checkout.order.completed" -> "COMPLETED";
                    case "checkout.order.pending" -> "PENDING";
                    default -> "FAILED";
                });
        payload.put("amount", Json.wholeNumber(data, "amount", 0));
        payload.put("code", code);
        String id = "callback#" + merchantTransactionId + "#"
                + data.path("transactionId").asString("") + "#" + code;
        return new InboundEvent("phonepe", id, event, List.of("phonepe#" + id), 0, normalised);
    }
}

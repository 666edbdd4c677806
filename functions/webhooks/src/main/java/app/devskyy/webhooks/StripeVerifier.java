package app.devskyy.webhooks;

import app.devskyy.core.Json;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Stripe's scheme: {@code Stripe-Signature: t=<unix time>,v1=<hex>[,v1=...][,v0=...]}, where each
 * {@code v1} is the HMAC-SHA256 of {@code "<t>.<raw body>"} under an endpoint secret. Accepted when
 * any {@code v1} matches any active secret (rotation), and {@code t} is within five minutes of now
 * either way; {@code v0} (test-mode legacy) is ignored.
 */
final class StripeVerifier {

    /** The year 5138: beyond it a "created" time is no time at all. */
    private static final long MAX_EPOCH_SECONDS = 100_000_000_000L;

    static final long TOLERANCE_SECONDS = 300;

    private StripeVerifier() {}

    static InboundEvent verify(HttpRequest request, List<String> secrets, Clock clock) {
        String header = request.header("stripe-signature").orElseThrow(Signatures::rejected);
        long timestamp = -1;
        List<String> signatures = new ArrayList<>();
        for (String element : header.split(",")) {
            String[] pair = element.strip().split("=", 2);
            if (pair.length != 2) {
                continue;
            }
            if (pair[0].equals("t")) {
                try {
                    timestamp = Long.parseLong(pair[1]);
                } catch (NumberFormatException malformed) {
                    throw Signatures.rejected();
                }
            } else if (pair[0].equals("v1")) {
                signatures.add(pair[1]);
            }
        }
        if (timestamp < 0
                || signatures.isEmpty()
                || Math.abs(clock.instant().getEpochSecond() - timestamp) > TOLERANCE_SECONDS) {
            throw Signatures.rejected();
        }
        byte[] body = request.body();
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
        boolean matched = false;
        for (String secret : secrets) {
            String expected = HexFormat.of().formatHex(Signatures.hmacSha256(secret, prefix, body));
            for (String presented : signatures) {
                matched |= Signatures.equal(expected, presented);
            }
        }
        if (!matched) {
            throw Signatures.rejected();
        }
        JsonNode event = InboundEvent.jsonObject(body);
        String id = event.path("id").asString("");
        if (!id.startsWith("evt_")
                || !event.path("type").isString()
                || !event.path("data").path("object").isObject()) {
            throw ApiProblem.badRequest("The body is not a Stripe event.");
        }
        long created = Json.wholeNumber(event, "created", 0);
        if (created < 0 || created > MAX_EPOCH_SECONDS) {
            throw ApiProblem.badRequest("The event's created time is not a time.");
        }
        return new InboundEvent(
                "stripe", id, event.get("type").asString(), List.of("stripe#" + id), created * 1000, event);
    }
}

package app.devskyy.webhooks;

import app.devskyy.core.Json;
import app.devskyy.core.http.ApiProblem;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A verified delivery, as queued for the processor: the provider, the provider's id of the event,
 * its type ({@code customer.subscription.updated}, {@code order.updated},
 * {@code checkout.order.completed}), the keys it is deduplicated on, when the provider says the
 * object changed (epoch milliseconds; later wins), and the provider's payload.
 */
record InboundEvent(
        String provider, String id, String type, List<String> dedupeKeys, long changedAt, JsonNode payload) {

    /**
     * The longest deduplication key kept: far above any provider's ids (Stripe's and PhonePe's are
     * under 100 characters), far below DynamoDB's 2,048-byte partition key.
     */
    static final int MAX_KEY_LENGTH = 512;

    /** One place for every provider: ids too long for the ledger are the sender's error (400), never a store error. */
    InboundEvent {
        dedupeKeys = List.copyOf(dedupeKeys);
        if (dedupeKeys.stream().anyMatch(key -> key.length() > MAX_KEY_LENGTH)) {
            throw ApiProblem.badRequest("The event's identifiers are longer than any this provider issues.");
        }
    }

    /** A verified body as the JSON object every provider sends: 400 for anything else. */
    static JsonNode jsonObject(byte[] body) {
        try {
            JsonNode node = Json.tree(body);
            if (node == null || !node.isObject()) {
                throw ApiProblem.badRequest("The body is not a JSON object.");
            }
            return node;
        } catch (JacksonException malformed) {
            throw ApiProblem.malformedJson();
        }
    }
}

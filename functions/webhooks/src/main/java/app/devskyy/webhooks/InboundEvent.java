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
record InboundEvent(String provider, String id, String type, List<String> dedupeKeys, long changedAt, JsonNode payload) {

    InboundEvent {
        dedupeKeys = List.copyOf(dedupeKeys);
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

package app.devskyy.webhooks;

import java.util.List;
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
}

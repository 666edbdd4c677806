package app.devskyy.webhooks;

import app.devskyy.core.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The billing table: per workspace its subscription ({@code WS#<id>/SUBSCRIPTION}), payments and
 * refunds ({@code PAYMENT#<provider>#<id>}, {@code REFUND#<provider>#<id>}) and provider customers;
 * per provider customer its workspace ({@code CUSTOMER#<provider>#<id>/WORKSPACE}); and events for
 * customers not yet linked to a workspace ({@code UNMATCHED/<provider>#<key>#<event id>}).
 *
 * <p>State items carry {@code version}, the provider's time of the change: a write succeeds only
 * over an older version, so events applied in any order leave the newest state.
 */
final class BillingStore {

    /** A subscription as the entitlements read it. */
    record Subscription(
            String provider,
            String subscriptionId,
            String customerId,
            String plan,
            String status,
            long currentPeriodEnd,
            boolean cancelAtPeriodEnd) {}

    /** A payment or refund ({@code kind}); amounts in the currency's minor unit. */
    record Payment(String kind, String provider, String id, String status, long amount, String currency) {}

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;

    BillingStore(DynamoDbClient dynamoDb, String table, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.clock = clock;
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk));
    }

    Optional<String> workspaceOfCustomer(String provider, String customerId) {
        if (customerId == null || customerId.isEmpty()) {
            return Optional.empty();
        }
        var item = dynamoDb.getItem(r -> r.tableName(table)
                        .consistentRead(true)
                        .key(key("CUSTOMER#" + provider + "#" + customerId, "WORKSPACE")))
                .item();
        return item == null || item.isEmpty()
                ? Optional.empty()
                : Optional.of(item.get("workspaceId").s());
    }

    void linkCustomer(String provider, String customerId, String workspaceId) {
        Map<String, AttributeValue> link = new HashMap<>(key("CUSTOMER#" + provider + "#" + customerId, "WORKSPACE"));
        link.put("workspaceId", AttributeValue.fromS(workspaceId));
        dynamoDb.putItem(r -> r.tableName(table).item(link));
        Map<String, AttributeValue> customer = new HashMap<>(key("WS#" + workspaceId, "CUSTOMER#" + provider));
        customer.put("customerId", AttributeValue.fromS(customerId));
        dynamoDb.putItem(r -> r.tableName(table).item(customer));
    }

    /** Writes the subscription unless a newer version is stored; false when it was older. */
    boolean putSubscription(String workspaceId, Subscription subscription, long version) {
        Map<String, AttributeValue> item = new HashMap<>(key("WS#" + workspaceId, "SUBSCRIPTION"));
        item.put("provider", AttributeValue.fromS(subscription.provider()));
        item.put("subscriptionId", AttributeValue.fromS(subscription.subscriptionId()));
        item.put("customerId", AttributeValue.fromS(subscription.customerId()));
        item.put("plan", AttributeValue.fromS(subscription.plan()));
        item.put("status", AttributeValue.fromS(subscription.status()));
        item.put("currentPeriodEnd", AttributeValue.fromN(Long.toString(subscription.currentPeriodEnd())));
        item.put("cancelAtPeriodEnd", AttributeValue.fromBool(subscription.cancelAtPeriodEnd()));
        return putVersioned(item, version);
    }

    boolean putPayment(String workspaceId, Payment payment, long version) {
        Map<String, AttributeValue> item =
                new HashMap<>(key("WS#" + workspaceId, payment.kind() + "#" + payment.provider() + "#" + payment.id()));
        item.put("provider", AttributeValue.fromS(payment.provider()));
        item.put("paymentId", AttributeValue.fromS(payment.id()));
        item.put("status", AttributeValue.fromS(payment.status()));
        item.put("amount", AttributeValue.fromN(Long.toString(payment.amount())));
        item.put("currency", AttributeValue.fromS(payment.currency()));
        return putVersioned(item, version);
    }

    private boolean putVersioned(Map<String, AttributeValue> item, long version) {
        item.put("version", AttributeValue.fromN(Long.toString(version)));
        item.put("updatedAt", AttributeValue.fromN(Long.toString(clock.millis())));
        try {
            dynamoDb.putItem(r -> r.tableName(table)
                    .item(item)
                    .conditionExpression("attribute_not_exists(version) OR version < :version")
                    .expressionAttributeValues(Map.of(":version", AttributeValue.fromN(Long.toString(version)))));
            return true;
        } catch (ConditionalCheckFailedException older) {
            return false;
        }
    }

    /** Keeps an event no workspace can be found for yet, under the customer (or order) it names. */
    void park(InboundEvent event, String key) {
        Map<String, AttributeValue> item =
                new HashMap<>(key("UNMATCHED", event.provider() + "#" + key + "#" + event.id()));
        item.put("event", AttributeValue.fromS(Json.write(event)));
        item.put("type", AttributeValue.fromS(event.type()));
        item.put("parkedAt", AttributeValue.fromN(Long.toString(clock.millis())));
        item.put("expiresAt", AttributeValue.fromN(Long.toString(clock.instant().getEpochSecond() + 90L * 86_400)));
        dynamoDb.putItem(r -> r.tableName(table).item(item));
    }

    /** The parked events of one customer, to apply once the customer's workspace is known. */
    List<InboundEvent> parked(String provider, String key) {
        List<InboundEvent> events = new ArrayList<>();
        dynamoDb.queryPaginator(r -> r.tableName(table)
                        .consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                        .expressionAttributeValues(Map.of(
                                ":pk",
                                AttributeValue.fromS("UNMATCHED"),
                                ":prefix",
                                AttributeValue.fromS(provider + "#" + key + "#"))))
                .items()
                .forEach(item -> events.add(Json.convert(
                        Json.tree(item.get("event").s().getBytes(StandardCharsets.UTF_8)), InboundEvent.class)));
        return events;
    }

    void unpark(InboundEvent event, String key) {
        dynamoDb.deleteItem(
                r -> r.tableName(table).key(key("UNMATCHED", event.provider() + "#" + key + "#" + event.id())));
    }

    /** Every parked event, oldest first within a provider: what operations review. */
    List<Map<String, String>> unmatched(int limit) {
        List<Map<String, String>> out = new ArrayList<>();
        var page = dynamoDb.query(r -> r.tableName(table)
                .keyConditionExpression("pk = :pk")
                .limit(limit)
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("UNMATCHED"))));
        page.items()
                .forEach(item -> out.add(Map.of(
                        "key",
                        item.get("sk").s(),
                        "type",
                        item.get("type").s(),
                        "parkedAt",
                        item.get("parkedAt").n())));
        return out;
    }

    Optional<Map<String, AttributeValue>> subscription(String workspaceId) {
        var item = dynamoDb.getItem(r -> r.tableName(table).key(key("WS#" + workspaceId, "SUBSCRIPTION")))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    /** A workspace's payments and refunds, newest version last. */
    List<Payment> payments(String workspaceId) {
        List<Payment> payments = new ArrayList<>();
        for (String kind : List.of("PAYMENT", "REFUND")) {
            dynamoDb.queryPaginator(r -> r.tableName(table)
                            .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                            .expressionAttributeValues(Map.of(
                                    ":pk",
                                    AttributeValue.fromS("WS#" + workspaceId),
                                    ":prefix",
                                    AttributeValue.fromS(kind + "#"))))
                    .items()
                    .forEach(item -> payments.add(new Payment(
                            kind,
                            item.get("provider").s(),
                            item.get("paymentId").s(),
                            item.get("status").s(),
                            Long.parseLong(item.get("amount").n()),
                            item.get("currency").s())));
        }
        return payments;
    }
}

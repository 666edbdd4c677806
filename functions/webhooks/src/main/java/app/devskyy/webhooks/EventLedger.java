package app.devskyy.webhooks;

import app.devskyy.core.http.ApiProblem;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Which deliveries were seen, in the idempotency table: one item per deduplication key, written
 * only if absent (all of an event's keys in one transaction), kept 30 days, the longest a provider
 * retries is three days. The processor marks the event processed on its first key.
 */
final class EventLedger {

    static final Duration RETENTION = Duration.ofDays(30);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;

    EventLedger(DynamoDbClient dynamoDb, String table, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.clock = clock;
    }

    /**
     * Records a new event; false when any of its keys was seen before (a duplicate). One key is one
     * conditional put; several are one transaction, which DynamoDB may cancel when a concurrent
     * delivery of the same event touches the same items: it is tried again, and if the conflict
     * persists the provider is asked to retry (503), never told a guess.
     */
    boolean claim(InboundEvent event) {
        long expires = clock.instant().plus(RETENTION).getEpochSecond();
        List<Map<String, AttributeValue>> items = event.dedupeKeys().stream()
                .map(key -> {
                    Map<String, AttributeValue> item = new HashMap<>();
                    item.put("pk", AttributeValue.fromS(key));
                    item.put("provider", AttributeValue.fromS(event.provider()));
                    item.put("eventId", AttributeValue.fromS(event.id()));
                    item.put("status", AttributeValue.fromS("queued"));
                    item.put("receivedAt", AttributeValue.fromN(Long.toString(clock.millis())));
                    item.put("expiresAt", AttributeValue.fromN(Long.toString(expires)));
                    return item;
                })
                .toList();
        if (items.size() == 1) {
            try {
                dynamoDb.putItem(
                        r -> r.tableName(table).item(items.getFirst()).conditionExpression("attribute_not_exists(pk)"));
                return true;
            } catch (ConditionalCheckFailedException seen) {
                return false;
            }
        }
        List<TransactWriteItem> puts = items.stream()
                .map(item -> TransactWriteItem.builder()
                        .put(Put.builder()
                                .tableName(table)
                                .item(item)
                                .conditionExpression("attribute_not_exists(pk)")
                                .build())
                        .build())
                .toList();
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                dynamoDb.transactWriteItems(r -> r.transactItems(puts));
                return true;
            } catch (TransactionCanceledException cancelled) {
                if (cancelled.cancellationReasons().stream()
                        .anyMatch(reason -> "ConditionalCheckFailed".equals(reason.code()))) {
                    return false;
                }
                sleep(20L << attempt);
            }
        }
        throw ApiProblem.serviceUnavailable("A concurrent delivery of this event is being recorded; retry.", 1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Forgets an event that could not be queued, so that the provider's retry is not taken for a duplicate. */
    void release(InboundEvent event) {
        event.dedupeKeys()
                .forEach(key ->
                        dynamoDb.deleteItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS(key)))));
    }

    boolean processed(InboundEvent event) {
        var item = dynamoDb.getItem(r -> r.tableName(table)
                        .consistentRead(true)
                        .key(Map.of(
                                "pk", AttributeValue.fromS(event.dedupeKeys().getFirst()))))
                .item();
        return item != null
                && item.containsKey("status")
                && "processed".equals(item.get("status").s());
    }

    /** Marks the event processed with its outcome; false when another delivery of the message already did. */
    boolean markProcessed(InboundEvent event, String outcome) {
        try {
            dynamoDb.updateItem(r -> r.tableName(table)
                    .key(Map.of("pk", AttributeValue.fromS(event.dedupeKeys().getFirst())))
                    .updateExpression("SET #status = :processed, outcome = :outcome, processedAt = :at")
                    .conditionExpression("attribute_exists(pk) AND #status <> :processed")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(
                            ":processed",
                            AttributeValue.fromS("processed"),
                            ":outcome",
                            AttributeValue.fromS(outcome),
                            ":at",
                            AttributeValue.fromN(Long.toString(clock.millis())))));
            return true;
        } catch (ConditionalCheckFailedException already) {
            return false;
        }
    }
}

package app.devskyy.webhooks;

import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.ItemUpdate;
import app.devskyy.core.aws.Writes;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Which deliveries were seen, in the idempotency table ({@link IdempotencyItems}): one item per
 * deduplication key, written only if absent (all of an event's keys in one transaction), kept 30
 * days, the longest a provider retries is three days. The processor marks the event processed on
 * its first key.
 */
final class EventLedger {

    static final Duration RETENTION = Duration.ofDays(30);

    private final DynamoDbClient dynamoDb;
    private final DynamoTables tables;
    private final DynamoDbTable<IdempotencyItems.Claim> claims;
    private final String table;
    private final Clock clock;

    EventLedger(DynamoDbClient dynamoDb, DynamoTables tables, String table, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.tables = tables;
        this.claims = tables.table(table, IdempotencyItems.Claim.SCHEMA);
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
        List<IdempotencyItems.Claim> items = event.dedupeKeys().stream()
                .map(key -> new IdempotencyItems.Claim(
                        IdempotencyItems.claim(key).pk(),
                        event.provider(),
                        event.id(),
                        IdempotencyItems.QUEUED,
                        clock.millis(),
                        expires,
                        null,
                        null))
                .toList();
        if (items.size() == 1) {
            return Writes.putIfAbsent(claims, items.getFirst());
        }
        return Writes.transaction(
                        tables,
                        t -> items.forEach(item -> t.addPutItem(
                                claims,
                                TransactPutItemEnhancedRequest.builder(IdempotencyItems.Claim.class)
                                        .item(item)
                                        .conditionExpression(Writes.NEW_ITEM)
                                        .build())))
                .isEmpty();
    }

    /** Forgets an event that could not be queued, so that the provider's retry is not taken for a duplicate. */
    void release(InboundEvent event) {
        event.dedupeKeys()
                .forEach(key -> claims.deleteItem(IdempotencyItems.claim(key).key()));
    }

    boolean processed(InboundEvent event) {
        IdempotencyItems.Claim claim =
                claims.getItem(r -> r.key(first(event).key()).consistentRead(true));
        return claim != null && IdempotencyItems.PROCESSED.equals(claim.status());
    }

    /** Marks the event processed with its outcome; false when another delivery of the message already did. */
    boolean markProcessed(InboundEvent event, String outcome) {
        return ItemUpdate.of(table, first(event))
                .set("status", IdempotencyItems.PROCESSED)
                .set("outcome", outcome)
                .set("processedAt", clock.millis())
                .condition(
                        "attribute_exists(#pk) AND #status <> :processed",
                        Map.of(":processed", AttributeValue.fromS(IdempotencyItems.PROCESSED)))
                .applyIf(dynamoDb);
    }

    private static ItemKey first(InboundEvent event) {
        return IdempotencyItems.claim(event.dedupeKeys().getFirst());
    }
}

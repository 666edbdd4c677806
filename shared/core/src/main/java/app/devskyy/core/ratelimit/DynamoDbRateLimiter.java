package app.devskyy.core.ratelimit;

import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * GCRA on DynamoDB, for deployments without Upstash (and the local server): a consistent read of
 * the key's theoretical arrival time, then a write conditioned on it being unchanged; a lost race
 * is retried with the winner's value. Items expire through TTL ({@code expiresAt}).
 */
public final class DynamoDbRateLimiter implements RateLimiter {

    private static final int ATTEMPTS = 5;

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;

    public DynamoDbRateLimiter(DynamoDbClient dynamoDb, String table, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public Decision acquire(Limit limit, String key) throws StoreUnavailableException {
        Map<String, AttributeValue> itemKey = Map.of("pk", AttributeValue.fromS(RateLimiter.storageKey(limit, key)));
        try {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                long now = clock.millis();
                GetItemResponse current = dynamoDb.getItem(r -> r.tableName(table).key(itemKey).consistentRead(true));
                Long stored = current.hasItem() ? Long.valueOf(current.item().get("tat").n()) : null;
                long tat = stored == null ? now : Math.max(stored, now);
                long nextTat = tat + limit.intervalMillis();
                long allowAt = nextTat - limit.period().toMillis();
                if (now < allowAt) {
                    return Decision.deny(allowAt - now);
                }
                try {
                    dynamoDb.putItem(r -> r.tableName(table)
                            .item(Map.of("pk", itemKey.get("pk"),
                                    "tat", AttributeValue.fromN(Long.toString(nextTat)),
                                    "expiresAt", AttributeValue.fromN(Long.toString(nextTat / 1000 + 1))))
                            .conditionExpression(stored == null ? "attribute_not_exists(pk)" : "tat = :seen")
                            .expressionAttributeValues(stored == null ? null
                                    : Map.of(":seen", AttributeValue.fromN(Long.toString(stored)))));
                    return Decision.allow();
                } catch (ConditionalCheckFailedException raced) {
                    // Another instance counted a request in between: decide again on its value.
                }
            }
            // Sustained contention on one key means it is being hammered: refusing is the safe answer.
            return Decision.deny(limit.intervalMillis());
        } catch (SdkException e) {
            throw new StoreUnavailableException(e);
        }
    }
}

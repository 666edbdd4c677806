package app.devskyy.core.ratelimit;

import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * GCRA on DynamoDB, for deployments without Upstash (and the local server). Each decision is one
 * conditional update that DynamoDB applies atomically, so concurrent requests never race:
 * <ol>
 * <li>a key at rest (no state, or its theoretical arrival time in the past) starts again from now;</li>
 * <li>otherwise the arrival time advances by one interval, on condition that it stays within the
 * allowance; when it would not, the request is refused until the allowance reopens.</li>
 * </ol>
 * Items expire through TTL ({@code expiresAt}).
 */
public final class DynamoDbRateLimiter implements RateLimiter {

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;

    public DynamoDbRateLimiter(DynamoDbClient dynamoDb, String table, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public Decision acquire(Limit limit, String key, int units) throws StoreUnavailableException {
        if (units > limit.requests()) {
            return Decision.deny(limit.period().toMillis());
        }
        Map<String, AttributeValue> itemKey = Map.of("pk", AttributeValue.fromS(RateLimiter.storageKey(limit, key)));
        long interval = limit.intervalMillis(Math.max(1, units));
        long period = limit.period().toMillis();
        try {
            // Two rounds at most: a key that went to rest between the steps is simply started again.
            for (int round = 0; round < 2; round++) {
                long now = clock.millis();
                try {
                    dynamoDb.updateItem(r -> r.tableName(table)
                            .key(itemKey)
                            .updateExpression("SET tat = :next, expiresAt = :expires")
                            .conditionExpression("attribute_not_exists(tat) OR tat < :now")
                            .expressionAttributeValues(Map.of(
                                    ":next", number(now + interval),
                                    ":now", number(now),
                                    ":expires", number((now + interval) / 1000 + 1))));
                    return Decision.allow();
                } catch (ConditionalCheckFailedException busy) {
                    // The key is in use: count against its allowance below.
                }
                long maxTat = now + period - interval;
                try {
                    dynamoDb.updateItem(r -> r.tableName(table)
                            .key(itemKey)
                            .updateExpression("SET tat = tat + :interval, expiresAt = :expires")
                            .conditionExpression("tat >= :now AND tat <= :max")
                            .expressionAttributeValues(Map.of(
                                    ":interval", number(interval),
                                    ":now", number(now),
                                    ":max", number(maxTat),
                                    ":expires", number((now + period) / 1000 + 1)))
                            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                    return Decision.allow();
                } catch (ConditionalCheckFailedException refused) {
                    Map<String, AttributeValue> old = refused.item();
                    long tat = old == null || !old.containsKey("tat")
                            ? currentTat(itemKey)
                            : Long.parseLong(old.get("tat").n());
                    if (tat >= now) {
                        return Decision.deny(tat + interval - period - now);
                    }
                }
            }
            return Decision.deny(interval);
        } catch (SdkException e) {
            throw new StoreUnavailableException(e);
        }
    }

    private long currentTat(Map<String, AttributeValue> itemKey) {
        Map<String, AttributeValue> item = dynamoDb.getItem(
                        r -> r.tableName(table).key(itemKey).consistentRead(true))
                .item();
        return item == null || !item.containsKey("tat")
                ? 0
                : Long.parseLong(item.get("tat").n());
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}

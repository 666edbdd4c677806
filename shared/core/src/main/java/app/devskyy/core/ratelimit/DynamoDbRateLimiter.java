package app.devskyy.core.ratelimit;

import app.devskyy.core.Concurrently;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.ItemUpdate;
import app.devskyy.core.aws.Values;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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
    public Decision acquireAll(List<Count> counts) throws StoreUnavailableException {
        List<Decision> decisions = new ArrayList<>(Collections.nCopies(counts.size(), Decision.allow()));
        try {
            Concurrently.run(IntStream.range(0, counts.size())
                    .<Runnable>mapToObj(i -> () -> {
                        Count count = counts.get(i);
                        try {
                            decisions.set(i, acquire(count.limit(), count.key(), count.units()));
                        } catch (StoreUnavailableException e) {
                            throw new UncheckedStoreUnavailable(e);
                        }
                    })
                    .toArray(Runnable[]::new));
        } catch (UncheckedStoreUnavailable e) {
            throw e.cause;
        }
        return decisions.stream()
                .filter(d -> !d.allowed())
                .max(Comparator.comparing(Decision::retryAfter))
                .orElse(Decision.allow());
    }

    /** Carries a store outage out of {@link Concurrently}, whose tasks cannot throw checked exceptions. */
    private static final class UncheckedStoreUnavailable extends RuntimeException {
        private final StoreUnavailableException cause;

        UncheckedStoreUnavailable(StoreUnavailableException cause) {
            super(cause.getMessage(), cause, false, false);
            this.cause = cause;
        }
    }

    @Override
    public Decision acquire(Limit limit, String key, int units) throws StoreUnavailableException {
        if (units > limit.requests()) {
            return Decision.deny(limit.period().toMillis());
        }
        ItemKey itemKey = ItemKey.of(RateLimiter.storageKey(limit, key));
        long interval = limit.intervalMillis(Math.max(1, units));
        long period = limit.period().toMillis();
        try {
            // Two rounds at most: a key that went to rest between the steps is simply started again.
            for (int round = 0; round < 2; round++) {
                long now = clock.millis();
                boolean rested = ItemUpdate.of(table, itemKey)
                        .set("tat", now + interval)
                        .set("expiresAt", (now + interval) / 1000 + 1)
                        .condition("attribute_not_exists(#tat) OR #tat < :now", Map.of(":now", Values.number(now)))
                        .applyIf(dynamoDb);
                if (rested) {
                    return Decision.allow();
                }
                // The key is in use: count against its allowance.
                Optional<Map<String, AttributeValue>> refused = ItemUpdate.of(table, itemKey)
                        .add("tat", interval)
                        .set("expiresAt", (now + period) / 1000 + 1)
                        .condition(
                                "#tat >= :now AND #tat <= :max",
                                Map.of(":now", Values.number(now), ":max", Values.number(now + period - interval)))
                        .applyOrCurrent(dynamoDb);
                if (refused.isEmpty()) {
                    return Decision.allow();
                }
                long tat = Values.number(refused.get(), "tat", 0);
                if (tat >= now) {
                    return Decision.deny(tat + interval - period - now);
                }
            }
            return Decision.deny(interval);
        } catch (SdkException e) {
            throw new StoreUnavailableException(e);
        }
    }
}

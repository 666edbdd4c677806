package app.devskyy.core.privacy;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * The open data subject requests of the GDPR table, by deadline: a sparse index the GDPR family
 * writes (a request leaves it when it closes) and operations read, such as the count of overdue
 * requests that {@code /health/detailed} reports.
 */
public final class OpenRequests {

    private OpenRequests() {}

    /** The index: partition {@code queue} = {@link #OPEN}, sort {@code queueKey}. */
    public static final String INDEX = "OpenRequests";

    public static final String OPEN = "OPEN";

    /** A request's place in the queue: its deadline (epoch ms, zero-padded), then its id. */
    public static String key(long deadlineMillis, String requestId) {
        return String.format("%013d", deadlineMillis) + "#" + requestId;
    }

    /** How many open requests are past their deadline at {@code nowMillis}. */
    public static long overdue(DynamoDbClient dynamoDb, String table, long nowMillis) {
        return dynamoDb
                .queryPaginator(r -> r.tableName(table)
                        .indexName(INDEX)
                        .select(Select.COUNT)
                        .keyConditionExpression("#queue = :open AND #key < :now")
                        .expressionAttributeNames(Map.of("#queue", "queue", "#key", "queueKey"))
                        .expressionAttributeValues(Map.of(
                                ":open", AttributeValue.fromS(OPEN),
                                ":now", AttributeValue.fromS(String.format("%013d", nowMillis)))))
                .stream()
                .mapToLong(page -> page.count())
                .sum();
    }
}

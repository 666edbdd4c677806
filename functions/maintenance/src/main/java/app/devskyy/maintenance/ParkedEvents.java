package app.devskyy.maintenance;

import app.devskyy.core.billing.BillingItems;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The billing table's parked events ({@code UNMATCHED}, as the webhooks family parks them), a page
 * at a time: what the retention job reports near their expiry and the reconciliation applies.
 */
final class ParkedEvents {

    private ParkedEvents() {}

    /**
     * A page after {@code cursor} (null: the first); with {@code expiringBefore}, only the events
     * whose TTL falls before it.
     */
    static QueryResponse page(
            DynamoDbClient dynamoDb, String billingTable, String cursor, int limit, Optional<Instant> expiringBefore) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":unmatched", AttributeValue.fromS(BillingItems.UNMATCHED));
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(billingTable)
                .keyConditionExpression("pk = :unmatched")
                .limit(limit);
        expiringBefore.ifPresent(before -> {
            query.filterExpression("expiresAt < :before");
            values.put(":before", AttributeValue.fromN(Long.toString(before.getEpochSecond())));
        });
        MaintenanceJob.start(cursor).ifPresent(query::exclusiveStartKey);
        return dynamoDb.query(query.expressionAttributeValues(values).build());
    }
}

package app.devskyy.core.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.model.BatchWriteResult;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactWriteItemsEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.WriteBatch;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The DynamoDB Enhanced Client over a function's one low-level client. Table schemas are passed in
 * already built: each store keeps its schema in a {@code static final} field, made with
 * {@code StaticTableSchema} or {@code StaticImmutableTableSchema} builders, so a schema costs
 * its construction once per cold start (before the SnapStart snapshot) and no reflection per
 * request.
 */
public final class DynamoTables {

    private final DynamoDbEnhancedClient enhanced;

    public DynamoTables(DynamoDbClient dynamoDb) {
        this.enhanced =
                DynamoDbEnhancedClient.builder().dynamoDbClient(dynamoDb).build();
    }

    public <T> DynamoDbTable<T> table(String tableName, TableSchema<T> schema) {
        return enhanced.table(tableName, schema);
    }

    /**
     * Puts {@code items} and deletes {@code deletions} in one table, in batches of 25 (DynamoDB's
     * most per call), writing again what a throttled batch left unprocessed. Not atomic: a caller
     * that needs all or none uses {@link #transact}.
     */
    public <T> void batchWrite(DynamoDbTable<T> table, Class<T> type, List<T> items, List<ItemKey> deletions) {
        List<WriteBatch> batches = new ArrayList<>();
        for (int from = 0; from < items.size() + deletions.size(); from += BATCH) {
            WriteBatch.Builder<T> batch = WriteBatch.builder(type).mappedTableResource(table);
            for (int i = from; i < Math.min(from + BATCH, items.size() + deletions.size()); i++) {
                if (i < items.size()) {
                    batch.addPutItem(items.get(i));
                } else {
                    batch.addDeleteItem(deletions.get(i - items.size()).key());
                }
            }
            batches.add(batch.build());
        }
        for (WriteBatch batch : batches) {
            BatchWriteResult result = enhanced.batchWriteItem(r -> r.addWriteBatch(batch));
            for (int attempt = 1;
                    !(result.unprocessedPutItemsForTable(table).isEmpty()
                            && result.unprocessedDeleteItemsForTable(table).isEmpty());
                    attempt++) {
                if (attempt > UNPROCESSED_ATTEMPTS) {
                    throw new IllegalStateException("DynamoDB left items unprocessed after " + attempt + " batches");
                }
                WriteBatch.Builder<T> again = WriteBatch.builder(type).mappedTableResource(table);
                result.unprocessedPutItemsForTable(table).forEach(again::addPutItem);
                result.unprocessedDeleteItemsForTable(table).forEach(again::addDeleteItem);
                WriteBatch retry = again.build();
                Writes.pause(25L << attempt);
                result = enhanced.batchWriteItem(r -> r.addWriteBatch(retry));
            }
        }
    }

    private static final int BATCH = 25;
    private static final int UNPROCESSED_ATTEMPTS = 5;

    /** Writes several items of any of these tables all or none (a DynamoDB transaction). */
    public void transact(Consumer<TransactWriteItemsEnhancedRequest.Builder> items) {
        enhanced.transactWriteItems(items);
    }
}

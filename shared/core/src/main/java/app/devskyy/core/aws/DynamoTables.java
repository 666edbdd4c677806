package app.devskyy.core.aws;

import java.util.function.Consumer;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactWriteItemsEnhancedRequest;
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

    /** Writes several items of any of these tables all or none (a DynamoDB transaction). */
    public void transact(Consumer<TransactWriteItemsEnhancedRequest.Builder> items) {
        enhanced.transactWriteItems(items);
    }
}

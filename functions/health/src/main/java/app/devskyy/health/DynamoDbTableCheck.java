package app.devskyy.health;

import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/** A table is reachable and ACTIVE (or UPDATING, which still serves reads and writes). */
public record DynamoDbTableCheck(String logicalName, String tableName, DynamoDbClient dynamoDb)
        implements DependencyCheck {

    @Override
    public String name() {
        return "dynamodb:" + logicalName;
    }

    @Override
    public String target() {
        return tableName;
    }

    @Override
    public String componentType() {
        return "datastore";
    }

    @Override
    public void probe(Duration timeout) {
        TableStatus status = dynamoDb.describeTable(DescribeTableRequest.builder()
                        .tableName(tableName)
                        .overrideConfiguration(c -> c.apiCallTimeout(timeout).apiCallAttemptTimeout(timeout))
                        .build())
                .table()
                .tableStatus();
        if (status != TableStatus.ACTIVE && status != TableStatus.UPDATING) {
            throw new IllegalStateException("table not active");
        }
    }
}

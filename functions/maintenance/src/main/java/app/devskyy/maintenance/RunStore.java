package app.devskyy.maintenance;

import app.devskyy.core.aws.ItemUpdate;
import app.devskyy.core.aws.Values;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Job runs, one per job and slot. {@link #claim} is what makes a job idempotent on its scheduled
 * time: the first delivery of a slot creates the run; a later one finds it complete (nothing to
 * do), or running under another's lease (it waits its turn), or running with a lapsed lease (a run
 * cut short: it resumes from the cursor the last page left).
 */
final class RunStore {

    static final String RUNNING = "running";
    static final String COMPLETE = "complete";

    private final DynamoDbClient dynamoDb;
    private final String table;

    RunStore(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /**
     * The run of the slot: to continue (running, now under this delivery's lease), or already
     * complete; empty when another delivery holds it (its lease has not lapsed).
     */
    Optional<MaintenanceItems.Run> claim(String job, Instant slot, String requestedBy, long now, long leaseUntil) {
        ItemUpdate claim = ItemUpdate.of(table, MaintenanceItems.run(job, slot))
                .set("job", job)
                .set("slot", slot.toString())
                .setIfAbsent("status", RUNNING)
                .setIfAbsent("startedAt", now)
                .set("leaseUntil", leaseUntil)
                .condition(
                        "attribute_not_exists(#pk) OR (#status = :running AND #leaseUntil < :now)",
                        Map.of(":running", AttributeValue.fromS(RUNNING), ":now", Values.number(now)));
        if (requestedBy != null) {
            claim.setIfAbsent("requestedBy", requestedBy);
        }
        if (!claim.applyIf(dynamoDb)) {
            return run(job, slot).filter(run -> run.status().equals(COMPLETE));
        }
        return run(job, slot);
    }

    Optional<MaintenanceItems.Run> run(String job, Instant slot) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(table)
                        .key(MaintenanceItems.run(job, slot).attributes())
                        .consistentRead(true))
                .item();
        return item.isEmpty() ? Optional.empty() : Optional.of(MaintenanceItems.Run.SCHEMA.mapToItem(item));
    }

    /** A page done: its counts added, the next page's cursor kept (none when the run is done). */
    void progress(String job, Instant slot, String nextCursor, long seen, long changed, long findings) {
        ItemUpdate update = ItemUpdate.of(table, MaintenanceItems.run(job, slot))
                .add("seen", seen)
                .add("changed", changed)
                .add("findings", findings);
        if (nextCursor == null) {
            update.remove("cursor");
        } else {
            update.set("cursor", nextCursor);
        }
        update.apply(dynamoDb);
    }

    void complete(String job, Instant slot, long changed, long now) {
        ItemUpdate.of(table, MaintenanceItems.run(job, slot))
                .set("status", COMPLETE)
                .set("endedAt", now)
                .set("leaseUntil", 0)
                .add("changed", changed)
                .apply(dynamoDb);
    }

    /** The job's latest run, if it has run. */
    Optional<MaintenanceItems.Run> latest(String job) {
        return dynamoDb
                .query(r -> r.tableName(table)
                        .keyConditionExpression("pk = :job AND begins_with(sk, :run)")
                        .expressionAttributeValues(Map.of(
                                ":job", AttributeValue.fromS(MaintenanceItems.job(job)),
                                ":run", AttributeValue.fromS("RUN#")))
                        .scanIndexForward(false)
                        .limit(1))
                .items()
                .stream()
                .findFirst()
                .map(MaintenanceItems.Run.SCHEMA::mapToItem);
    }
}

package app.devskyy.agents;

import app.devskyy.core.Concurrently;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.ItemUpdate;
import app.devskyy.core.aws.Values;
import app.devskyy.core.aws.Writes;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.Paging;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.Page;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads and writes of runs, their steps, timelines and idempotency claims. Every change of a run
 * or one of its steps adds one to the run's {@code version}, which is its {@code ETag}: a client
 * polling with {@code If-None-Match} learns of any progress.
 */
final class RunStore {

    /** A page of items and the cursor of the next. */
    record Listing<T>(List<T> items, String nextCursor) {}

    /** What {@link #create} did: started a new run, or found the one this idempotency key started. */
    record Created(AgentItems.Run run, boolean isNew) {}

    private final DynamoDbClient dynamoDb;
    private final DynamoTables tables;
    private final String table;
    private final DynamoDbTable<AgentItems.Run> runs;
    private final DynamoDbTable<AgentItems.Step> steps;
    private final DynamoDbTable<AgentItems.Event> events;
    private final DynamoDbTable<AgentItems.Claim> claims;
    private final Duration retention;
    private final Clock clock;

    RunStore(DynamoDbClient dynamoDb, DynamoTables tables, String table, Duration retention, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.tables = tables;
        this.table = table;
        this.runs = tables.table(table, AgentItems.Run.SCHEMA);
        this.steps = tables.table(table, AgentItems.Step.SCHEMA);
        this.events = tables.table(table, AgentItems.Event.SCHEMA);
        this.claims = tables.table(table, AgentItems.Claim.SCHEMA);
        this.retention = retention;
        this.clock = clock;
    }

    long expiresAt() {
        return clock.instant().plus(retention).getEpochSecond();
    }

    /** Counts one more run of the month unless the month has {@code limit} already; false when it has. */
    boolean countRun(String workspaceId, String month, long limit) {
        return ItemUpdate.of(table, AgentItems.runCount(workspaceId, month))
                .add("runs", 1)
                .set("expiresAt", clock.instant().plus(Duration.ofDays(62)).getEpochSecond())
                .condition("attribute_not_exists(runs) OR runs < :limit", Map.of(":limit", Values.number(limit)))
                .applyIf(dynamoDb);
    }

    /** Gives back a count taken for a start that turned out to be a replay. */
    void uncountRun(String workspaceId, String month) {
        ItemUpdate.of(table, AgentItems.runCount(workspaceId, month))
                .add("runs", -1)
                .apply(dynamoDb);
    }

    /** A run id that sorts by creation time: a workspace's runs list newest first in one query. */
    String newRunId() {
        return "run_" + String.format("%012x", clock.millis())
                + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /**
     * Writes a new run, with its idempotency claim in the same transaction when the caller sent a
     * key. When the key was used before: the run it started if the request was the same, a 422
     * problem if it was another.
     */
    Created create(AgentItems.Run run, Optional<String> keyHash) {
        if (keyHash.isEmpty()) {
            runs.putItem(r -> r.item(run).conditionExpression(Writes.NEW_ITEM));
            return new Created(run, true);
        }
        ItemKey claimKey = AgentItems.claim(run.workspaceId(), keyHash.get());
        AgentItems.Claim claim = new AgentItems.Claim(
                claimKey.pk(),
                claimKey.sk(),
                run.runId(),
                run.requestHash(),
                clock.instant().plus(Duration.ofHours(24)).getEpochSecond());
        OptionalInt refused = Writes.transaction(
                tables,
                t -> t.addPutItem(
                                claims,
                                TransactPutItemEnhancedRequest.builder(AgentItems.Claim.class)
                                        .item(claim)
                                        .conditionExpression(Writes.NEW_ITEM)
                                        .build())
                        .addPutItem(
                                runs,
                                TransactPutItemEnhancedRequest.builder(AgentItems.Run.class)
                                        .item(run)
                                        .conditionExpression(Writes.NEW_ITEM)
                                        .build()));
        if (refused.isEmpty()) {
            return new Created(run, true);
        }
        AgentItems.Claim earlier = claims.getItem(r -> r.key(claimKey.key()).consistentRead(true));
        if (earlier == null) {
            throw ApiProblem.serviceUnavailable("The run could not be recorded; try again.", 1);
        }
        if (!earlier.requestHash().equals(run.requestHash())) {
            throw ApiProblem.of(
                    422,
                    "idempotency-key-reused",
                    "Unprocessable Content",
                    "This Idempotency-Key was used for a different request in the last 24 hours; use a new key.");
        }
        return new Created(
                run(run.workspaceId(), earlier.runId())
                        .orElseThrow(() -> ApiProblem.serviceUnavailable("The run is being recorded; try again.", 1)),
                false);
    }

    Optional<AgentItems.Run> run(String workspaceId, String runId) {
        return Optional.ofNullable(runs.getItem(
                r -> r.key(AgentItems.run(workspaceId, runId).key()).consistentRead(true)));
    }

    /** A workspace's runs, newest first, optionally of one status and one agent. */
    Listing<AgentItems.Run> list(
            String workspaceId, Optional<String> status, Optional<String> agent, int limit, Optional<String> after) {
        String pk = AgentItems.workspace(workspaceId);
        List<String> filters = new ArrayList<>();
        Map<String, AttributeValue> values = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        status.ifPresent(s -> {
            filters.add("#status = :status");
            names.put("#status", "status");
            values.put(":status", AttributeValue.fromS(s));
        });
        agent.ifPresent(a -> {
            filters.add("#agent = :agent");
            names.put("#agent", "agent");
            values.put(":agent", AttributeValue.fromS(a));
        });
        Page<AgentItems.Run> page = runs.query(r -> {
                    r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                                    .partitionValue(pk)
                                    .sortValue(AgentItems.RUNS)
                                    .build()))
                            .scanIndexForward(false)
                            .limit(limit);
                    if (!filters.isEmpty()) {
                        r.filterExpression(Expression.builder()
                                .expression(String.join(" AND ", filters))
                                .expressionNames(names)
                                .expressionValues(values)
                                .build());
                    }
                    after.ifPresent(sk -> r.exclusiveStartKey(ItemKey.of(pk, sk).attributes()));
                })
                .iterator()
                .next();
        return new Listing<>(page.items(), Paging.nextCursor(Values.string(page.lastEvaluatedKey(), "sk")));
    }

    /**
     * Moves a run from one of {@code from} to {@code to}, with {@code extra} set alongside (and
     * {@code removed} removed); {@code false} when the run was in none of them.
     */
    boolean transition(
            String workspaceId,
            String runId,
            Set<String> from,
            String to,
            String reason,
            Map<String, AttributeValue> extra,
            List<String> removed) {
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> placeholders = new ArrayList<>();
        int i = 0;
        for (String status : from) {
            values.put(":from" + i, AttributeValue.fromS(status));
            placeholders.add(":from" + i++);
        }
        ItemUpdate update = ItemUpdate.of(table, AgentItems.run(workspaceId, runId))
                .set("status", to)
                .set("updatedAt", clock.millis())
                .add("version", 1)
                .condition("#status IN (" + String.join(", ", placeholders) + ")", values);
        if (reason != null) {
            update.set("reason", reason);
        }
        extra.forEach(update::set);
        removed.forEach(update::remove);
        return update.applyIf(dynamoDb);
    }

    /** Keeps the run's budget reservation with it; {@code false} when the run holds one already. */
    boolean recordHold(String workspaceId, String runId, String hold) {
        return ItemUpdate.of(table, AgentItems.run(workspaceId, runId))
                .set("budgetHold", hold)
                .condition("attribute_not_exists(#budgetHold)")
                .applyIf(dynamoDb);
    }

    /** Takes the run's reservation away, once: {@code true} for the one caller that may release it. */
    boolean claimHold(String workspaceId, String runId, String hold) {
        return ItemUpdate.of(table, AgentItems.run(workspaceId, runId))
                .remove("budgetHold")
                .condition("#budgetHold = :hold", Map.of(":hold", AttributeValue.fromS(hold)))
                .applyIf(dynamoDb);
    }

    /**
     * Claims the decision on the approval the run awaits (with the values it brings); {@code false}
     * when the run does not await it or someone decided first.
     */
    boolean claimDecision(String workspaceId, String runId, String taskToken, Map<String, AttributeValue> values) {
        ItemUpdate update = ItemUpdate.of(table, AgentItems.run(workspaceId, runId))
                .add("version", 1)
                .condition(
                        "#status = :awaiting AND #approvalToken = :token AND attribute_not_exists(#decision)",
                        Map.of(
                                ":awaiting", AttributeValue.fromS(RunStatus.AWAITING_APPROVAL),
                                ":token", AttributeValue.fromS(taskToken)));
        values.forEach(update::set);
        return update.applyIf(dynamoDb);
    }

    /** Gives a claimed decision back when Step Functions could not be told of it. */
    void releaseDecision(String workspaceId, String runId) {
        ItemUpdate.of(table, AgentItems.run(workspaceId, runId))
                .remove("decision")
                .apply(dynamoDb);
    }

    /** Records the run's execution, once; {@code false} when it was recorded before. */
    boolean recordExecution(String workspaceId, String runId, String executionArn) {
        return ItemUpdate.of(table, AgentItems.run(workspaceId, runId))
                .set("executionArn", executionArn)
                .add("version", 1)
                .condition("attribute_not_exists(#executionArn)")
                .applyIf(dynamoDb);
    }

    /** Sets attributes of a run that is in {@code status} (a running run's plan, its result). */
    boolean update(String workspaceId, String runId, String status, Map<String, AttributeValue> values) {
        ItemUpdate update = ItemUpdate.of(table, AgentItems.run(workspaceId, runId))
                .set("updatedAt", clock.millis())
                .add("version", 1)
                .condition("#status = :status", Map.of(":status", AttributeValue.fromS(status)));
        values.forEach(update::set);
        return update.applyIf(dynamoDb);
    }

    /**
     * Holds {@code micros} against the run's cost cap, while the run is running. {@code heldMicros}
     * counts spend plus calls in flight, as the budgets do, so one conditional update decides.
     * Empty when held; otherwise the run as it stands (its status or its cap explains the refusal).
     */
    Optional<Map<String, AttributeValue>> hold(String workspaceId, String runId, long micros, long capMicros) {
        return ItemUpdate.of(table, AgentItems.run(workspaceId, runId))
                .add("heldMicros", micros)
                .condition(
                        "#status = :running AND (attribute_not_exists(#heldMicros) OR #heldMicros <= :room)",
                        Map.of(
                                ":running", AttributeValue.fromS(RunStatus.RUNNING),
                                ":room", Values.number(capMicros - micros)))
                .applyOrCurrent(dynamoDb);
    }

    /** Replaces a hold by what the call cost, and counts the call's tokens. */
    void settle(
            String workspaceId, String runId, long heldMicros, long actualMicros, long promptTokens, long completion) {
        ItemUpdate.of(table, AgentItems.run(workspaceId, runId))
                .add("heldMicros", actualMicros - heldMicros)
                .add("spentMicros", actualMicros)
                .add("promptTokens", promptTokens)
                .add("completionTokens", completion)
                .add("modelCalls", 1)
                .add("version", 1)
                .set("updatedAt", clock.millis())
                .apply(dynamoDb);
    }

    // ---- steps

    Optional<AgentItems.Step> step(String runId, String stepId) {
        return Optional.ofNullable(
                steps.getItem(r -> r.key(AgentItems.step(runId, stepId).key()).consistentRead(true)));
    }

    /**
     * Writes a step's record, then counts the change in its run's version and records it on the
     * timeline at once (the version only after the record, so that a client polling on the ETag
     * never sees a new version with an old step).
     */
    void putStep(AgentItems.Run run, AgentItems.Step step, String eventType, String detail) {
        steps.putItem(step);
        Concurrently.run(
                () -> ItemUpdate.of(table, AgentItems.run(run.workspaceId(), run.runId()))
                        .add("version", 1)
                        .set("updatedAt", clock.millis())
                        .apply(dynamoDb),
                () -> event(run, eventType, step.stepId(), detail));
    }

    /** Every step record of a run, in step order (the Enhanced Client reads every page). */
    List<AgentItems.Step> steps(String runId) {
        return steps
                .query(r -> r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                                .partitionValue(AgentItems.runPartition(runId))
                                .sortValue(AgentItems.STEPS)
                                .build()))
                        .consistentRead(true))
                .items()
                .stream()
                .toList();
    }

    // ---- timeline

    /** Appends to a run's timeline; {@code startedBy} lets erasure find the run's events by person. */
    void event(AgentItems.Run run, String type, String stepId, String detail) {
        event(run.runId(), run.startedBy(), type, stepId, detail);
    }

    void event(String runId, String startedBy, String type, String stepId, String detail) {
        long now = clock.millis();
        ItemKey key = AgentItems.event(runId, now, UUID.randomUUID().toString().substring(0, 8));
        events.putItem(new AgentItems.Event(key.pk(), key.sk(), type, now, stepId, detail, expiresAt(), startedBy));
    }

    Listing<AgentItems.Event> events(String runId, int limit, Optional<String> after) {
        String pk = AgentItems.runPartition(runId);
        Page<AgentItems.Event> page = events.query(r -> {
                    r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                                    .partitionValue(pk)
                                    .sortValue(AgentItems.EVENTS)
                                    .build()))
                            .consistentRead(true)
                            .limit(limit);
                    after.ifPresent(sk -> r.exclusiveStartKey(ItemKey.of(pk, sk).attributes()));
                })
                .iterator()
                .next();
        return new Listing<>(page.items(), Paging.nextCursor(Values.string(page.lastEvaluatedKey(), "sk")));
    }
}

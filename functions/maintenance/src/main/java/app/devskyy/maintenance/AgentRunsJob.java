package app.devskyy.maintenance;

import app.devskyy.core.agents.AgentRuns;
import app.devskyy.core.aws.Values;
import app.devskyy.core.notify.Notifier;
import app.devskyy.core.observability.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Agent runs (every 15 minutes). A working run past its wall time has its execution stopped with
 * {@link AgentRuns#WALL_TIME_EXCEEDED}: a step enforces the limit when it starts, but a run whose
 * execution stalls between steps would never meet one; the agents family's listener of ended
 * executions records it as {@code limit_exceeded}. A run awaiting an approval that expires within
 * {@link #EXPIRING} is a finding, and its workspace's admins are told once.
 */
final class AgentRunsJob extends MaintenanceJob {

    static final String NAME = "agentRunsJob";
    static final String APPROVAL_EXPIRING = "agent-approval-expiring";
    static final Duration EXPIRING = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(AgentRunsJob.class);
    private static final int PAGE = 200;

    private final DynamoDbClient dynamoDb;
    private final String agentsTable;
    private final BiConsumer<String, String> stopExecution;
    private final AuthDirectory directory;
    private final Notifier notifier;

    /** @param stopExecution stops an execution (by ARN) with an error name; a gone execution is no failure */
    AgentRunsJob(
            FindingStore findings,
            RunStore runs,
            DynamoDbClient dynamoDb,
            String agentsTable,
            BiConsumer<String, String> stopExecution,
            AuthDirectory directory,
            Notifier notifier,
            Telemetry telemetry,
            Duration budget,
            Clock clock) {
        super(NAME, findings, runs, telemetry, budget, clock);
        this.dynamoDb = dynamoDb;
        this.agentsTable = agentsTable;
        this.stopExecution = stopExecution;
        this.directory = directory;
        this.notifier = notifier;
    }

    @Override
    protected Set<String> rules() {
        return Set.of(APPROVAL_EXPIRING);
    }

    @Override
    protected String page(Instant slot, String cursor, Tally tally) {
        ScanRequest.Builder scan = ScanRequest.builder()
                .tableName(agentsTable)
                .filterExpression("begins_with(sk, :runs) AND #status IN (:starting, :running, :awaiting)")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(
                        ":runs", AttributeValue.fromS(AgentRuns.RUNS),
                        ":starting", AttributeValue.fromS(AgentRuns.WORKING.get(0)),
                        ":running", AttributeValue.fromS(AgentRuns.WORKING.get(1)),
                        ":awaiting", AttributeValue.fromS(AgentRuns.AWAITING_APPROVAL)))
                .limit(PAGE);
        start(cursor).ifPresent(scan::exclusiveStartKey);
        ScanResponse page = dynamoDb.scan(scan.build());
        for (Map<String, AttributeValue> run : page.items()) {
            tally.seen++;
            if (AgentRuns.WORKING.contains(run.get("status").s())) {
                stopIfOverdue(run, slot, tally);
            } else {
                remindIfExpiring(run, slot, tally);
            }
        }
        return cursor(page.lastEvaluatedKey());
    }

    private void stopIfOverdue(Map<String, AttributeValue> run, Instant slot, Tally tally) {
        long deadline = Values.number(run, "createdAt", 0)
                + Values.number(run, "maxWallSeconds", 0) * 1000
                + Values.number(run, "pausedMillis", 0);
        String executionArn = Values.string(run, "executionArn");
        if (executionArn == null || deadline >= slot.toEpochMilli()) {
            return;
        }
        stopExecution.accept(executionArn, AgentRuns.WALL_TIME_EXCEEDED);
        tally.changed++;
        LOG.info("run {} passed its wall time; its execution is stopped", Values.string(run, "runId"));
    }

    private void remindIfExpiring(Map<String, AttributeValue> run, Instant slot, Tally tally) {
        long expiresAt = Values.number(run, "approvalExpiresAt", 0);
        if (expiresAt <= slot.toEpochMilli() || expiresAt > slot.plus(EXPIRING).toEpochMilli()) {
            return;
        }
        String runId = Values.string(run, "runId");
        String workspaceId = Values.string(run, "workspaceId");
        String summary = "Run " + runId + " of workspace " + workspaceId + " waits for an approval that expires at "
                + Instant.ofEpochMilli(expiresAt) + "; the run then ends expired.";
        if (tally.found(findings.record(APPROVAL_EXPIRING, "low", runId, summary, slot.toEpochMilli()))) {
            notifier.email(
                    directory.workspaceAdmins(workspaceId),
                    "An agent run waits for your approval",
                    "maintenance-finding",
                    Map.of("summary", summary));
        }
    }
}

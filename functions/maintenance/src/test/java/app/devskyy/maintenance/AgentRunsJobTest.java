package app.devskyy.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.agents.AgentRuns;
import app.devskyy.core.events.ScheduledJob;
import app.devskyy.core.testing.DynamoDbLocal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@ExtendWith(DynamoDbLocal.class)
class AgentRunsJobTest {

    private final MaintenanceFixture fx = new MaintenanceFixture();
    private final List<String> stopped = new ArrayList<>();

    /** A run item as the agents family writes it. */
    private String run(
            String workspaceId, String status, Instant createdAt, long maxWallSeconds, Instant approvalExpiresAt) {
        String runId = MaintenanceFixture.id("run_");
        Map<String, AttributeValue> item = new HashMap<>(Map.of(
                "pk", AttributeValue.fromS("WS#" + workspaceId),
                "sk", AttributeValue.fromS(AgentRuns.RUNS + runId),
                "runId", AttributeValue.fromS(runId),
                "workspaceId", AttributeValue.fromS(workspaceId),
                "status", AttributeValue.fromS(status),
                "createdAt", AttributeValue.fromN(Long.toString(createdAt.toEpochMilli())),
                "maxWallSeconds", AttributeValue.fromN(Long.toString(maxWallSeconds)),
                "pausedMillis", AttributeValue.fromN("0"),
                "executionArn", AttributeValue.fromS("arn:aws:states:us-east-1:123456789012:execution:run:" + runId)));
        if (approvalExpiresAt != null) {
            item.put("approvalExpiresAt", AttributeValue.fromN(Long.toString(approvalExpiresAt.toEpochMilli())));
        }
        fx.dynamoDb.putItem(r -> r.tableName("AgentsTable").item(item));
        return runId;
    }

    @Test
    void aWorkingRunPastItsWallTimeIsStoppedAndAnExpiringApprovalIsToldOnce() {
        Instant slot = Instant.parse("2027-08-01T10:15:00Z");
        String workspace = MaintenanceFixture.id("ws_");
        String admin = fx.person(null);
        fx.member(workspace, admin, "admin");
        String overdue = run(workspace, "running", slot.minus(Duration.ofHours(2)), 3600, null);
        String onTime = run(workspace, "running", slot.minus(Duration.ofMinutes(10)), 3600, null);
        String waiting = run(
                workspace,
                "awaiting_approval",
                slot.minus(Duration.ofDays(1)),
                3600,
                slot.plus(Duration.ofMinutes(40)));
        String waitingLonger = run(
                workspace, "awaiting_approval", slot.minus(Duration.ofHours(3)), 3600, slot.plus(Duration.ofHours(20)));
        AgentRunsJob job = new AgentRunsJob(
                fx.findings,
                fx.runs,
                fx.dynamoDb,
                "AgentsTable",
                (arn, error) -> stopped.add(arn.substring(arn.lastIndexOf(':') + 1) + " " + error),
                fx.directory,
                fx.notifier,
                fx.telemetry,
                fx.budget(),
                fx.clock);

        job.invoke(new ScheduledJob.Schedule(slot.toString(), "e1", "arn", null, null));
        assertThat(stopped)
                .contains(overdue + " " + AgentRuns.WALL_TIME_EXCEEDED)
                .noneMatch(s -> s.startsWith(onTime));
        assertThat(stopped).noneMatch(s -> s.startsWith(waiting) || s.startsWith(waitingLonger));
        assertThat(fx.findings.find(MaintenanceItems.findingId(AgentRunsJob.APPROVAL_EXPIRING, waiting)))
                .isPresent();
        assertThat(fx.findings.find(MaintenanceItems.findingId(AgentRunsJob.APPROVAL_EXPIRING, waitingLonger)))
                .isEmpty();
        assertThat(fx.mails)
                .filteredOn(m -> m.text().contains(waiting))
                .singleElement()
                .satisfies(m -> assertThat(m.to()).isEqualTo(admin + "@example.com"));

        job.invoke(new ScheduledJob.Schedule(slot.plus(Duration.ofMinutes(15)).toString(), "e2", "arn", null, null));
        assertThat(fx.mails).filteredOn(m -> m.text().contains(waiting)).hasSize(1);
    }
}

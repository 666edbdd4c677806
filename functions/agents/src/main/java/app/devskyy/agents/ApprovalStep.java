package app.devskyy.agents;

import app.devskyy.core.aws.Values;
import app.devskyy.core.events.PermanentFailure;
import app.devskyy.core.observability.Telemetry;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Started with {@code .waitForTaskToken}: stores the task token with the run (which now awaits
 * approval, until the deadline the state's timeout enforces) and returns; the execution waits
 * until {@code POST /runs/{runId}/approval} answers Step Functions with the token, or the timeout
 * ends the run {@code expired}.
 */
final class ApprovalStep extends RunStep<ApprovalStep.Requested> {

    record Requested(boolean requested) {}

    private static final Logger LOG = LoggerFactory.getLogger(ApprovalStep.class);

    ApprovalStep(RunStore store, Telemetry telemetry, Clock clock) {
        super("agentApproval", store, telemetry, clock);
    }

    @Override
    protected Requested work(RunState state, AgentItems.Run run) {
        if (state.taskToken() == null || state.taskToken().isBlank() || state.timeoutSeconds() == null) {
            throw new PermanentFailure("UnreadableEvent", "the approval state has no task token or timeout");
        }
        long now = clock.millis();
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                "approvalToken", AttributeValue.fromS(state.taskToken()),
                "approvalRequestedAt", Values.number(now),
                "approvalExpiresAt", Values.number(now + state.timeoutSeconds() * 1000)));
        if (state.stepId() != null) {
            values.put("approvalStepId", AttributeValue.fromS(state.stepId()));
        }
        boolean waiting = store.transition(
                run.workspaceId(),
                run.runId(),
                Set.of(RunStatus.RUNNING),
                RunStatus.AWAITING_APPROVAL,
                null,
                values,
                state.stepId() == null ? List.of("approvalStepId", "decision") : List.of("decision"));
        if (!waiting) {
            throw new PermanentFailure("RunEnded", "the run is no longer running");
        }
        store.event(run, "approval_requested", state.stepId(), "until " + (now + state.timeoutSeconds() * 1000));
        LOG.info("run {} awaits approval{}", run.runId(), state.stepId() == null ? "" : " of step " + state.stepId());
        return new Requested(true);
    }
}

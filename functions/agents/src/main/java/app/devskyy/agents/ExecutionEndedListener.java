package app.devskyy.agents;

import app.devskyy.core.Json;
import app.devskyy.core.aws.Values;
import app.devskyy.core.events.EventFunction;
import app.devskyy.core.http.Identifiers;
import app.devskyy.core.observability.Telemetry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The target of the EventBridge rule on the state machine's executions that end failed, timed
 * out or aborted: an outage that outlasted its retries fails the execution where it happened (so
 * that a redrive resumes there), and this records the run as {@code failed}, retryable; a stop
 * records {@code cancelled}. Runs that already ended keep their ending.
 */
final class ExecutionEndedListener
        extends EventFunction<ExecutionEndedListener.StatusChange, ExecutionEndedListener.Recorded> {

    /** EventBridge's "Step Functions Execution Status Change" event, what this needs of it. */
    record StatusChange(String id, Detail detail) {}

    record Detail(String executionArn, String name, String status, String input, String error) {}

    record Recorded(String runId, String status) {}

    private final RunStore store;
    private final RunBudget budget;
    private final Clock clock;

    ExecutionEndedListener(RunStore store, RunBudget budget, Telemetry telemetry, Clock clock) {
        super("agentExecutionEnded", StatusChange.class, telemetry);
        this.store = store;
        this.budget = budget;
        this.clock = clock;
    }

    @Override
    protected String correlationId(StatusChange event) {
        return event.detail() == null
                ? String.valueOf(event.id())
                : String.valueOf(event.detail().name());
    }

    @Override
    protected Recorded handle(StatusChange event) {
        if (event.detail() == null || event.detail().input() == null) {
            return new Recorded(null, "ignored");
        }
        JsonNode input;
        try {
            input = Json.MAPPER.readTree(event.detail().input().getBytes(StandardCharsets.UTF_8));
        } catch (JacksonException unreadable) {
            return new Recorded(null, "ignored");
        }
        String runId = input.path("runId").asString(null);
        String workspaceId = input.path("workspaceId").asString(null);
        if (runId == null || workspaceId == null) {
            return new Recorded(null, "ignored");
        }
        if (!Identifiers.isId(runId) || !Identifiers.isId(workspaceId)) {
            return new Recorded(null, "ignored");
        }
        AgentItems.Run run = store.run(workspaceId, runId).orElse(null);
        if (run == null) {
            return new Recorded(runId, "unknown");
        }
        RunEnding ending = RunEnding.ofExecution(
                String.valueOf(event.detail().status()), event.detail().error());
        boolean ended = store.transition(
                workspaceId,
                runId,
                RunStatus.ACTIVE,
                ending.status(),
                ending.reason(),
                Map.of("endedAt", Values.number(clock.millis())),
                List.of("approvalToken"));
        budget.release(workspaceId, runId);
        if (ended) {
            store.event(run, "ended", null, ending.status() + ": " + ending.reason());
        }
        return new Recorded(runId, ended ? ending.status() : "unchanged");
    }
}

package app.devskyy.agents;

import app.devskyy.core.aws.Values;
import app.devskyy.core.observability.Telemetry;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Where every caught failure goes: records how the run ended (a run already ended, by a person
 * rejecting or cancelling it, keeps that ending). Model calls settle their own reservations when
 * they return, so nothing is left held.
 */
final class FinishStep extends RunStep<FinishStep.Finished> {

    record Finished(String status, String reason) {}

    private final RunBudget budget;

    FinishStep(RunStore store, RunBudget budget, Telemetry telemetry, Clock clock) {
        super("agentFinish", store, telemetry, clock);
        this.budget = budget;
    }

    @Override
    protected AgentItems.Run current(AgentItems.Run run) {
        return run;
    }

    @Override
    protected Finished work(RunState state, AgentItems.Run run) {
        RunEnding ending = RunEnding.ofCaught(state.error());
        boolean ended = ending != null
                && store.transition(
                        run.workspaceId(),
                        run.runId(),
                        RunStatus.ACTIVE,
                        ending.status(),
                        ending.reason(),
                        Map.of("endedAt", Values.number(clock.millis())),
                        List.of("approvalToken"));
        budget.release(run.workspaceId(), run.runId());
        if (!ended) {
            return new Finished(run.status(), run.reason());
        }
        store.event(run, "ended", null, ending.status() + ": " + ending.reason());
        return new Finished(ending.status(), ending.reason());
    }
}

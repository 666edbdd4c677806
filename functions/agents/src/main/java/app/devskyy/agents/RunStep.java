package app.devskyy.agents;

import app.devskyy.core.events.PermanentFailure;
import app.devskyy.core.events.StepTask;
import app.devskyy.core.http.Identifiers;
import app.devskyy.core.observability.Telemetry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The base of the run's task functions: the run is read (consistently), a run that has ended is
 * refused, a run still marked starting or awaiting approval is marked running (the execution has
 * moved past both; the routes may not have written it yet, or lost the write), and the wall-time
 * limit is enforced before any work, so a runaway run ends with {@code limit_exceeded}.
 */
abstract class RunStep<O> extends StepTask<RunState, O> {

    protected final RunStore store;
    protected final Clock clock;

    protected RunStep(String name, RunStore store, Telemetry telemetry, Clock clock) {
        super(name, RunState.class, telemetry);
        this.store = store;
        this.clock = clock;
    }

    @Override
    protected String correlationId(RunState state) {
        return state.runId() + (state.stepId() == null ? "" : "/" + state.stepId());
    }

    @Override
    protected final O run(RunState state) {
        if (!Identifiers.isId(String.valueOf(state.runId()))
                || !Identifiers.isId(String.valueOf(state.workspaceId()))) {
            throw new PermanentFailure("UnreadableEvent", "the state names no run");
        }
        AgentItems.Run run = store.run(state.workspaceId(), state.runId())
                .orElseThrow(() -> new PermanentFailure("RunNotFound", "the run does not exist"));
        return work(state, current(run));
    }

    /** The run as this step may work on it; steps that end runs override it to accept any status. */
    protected AgentItems.Run current(AgentItems.Run run) {
        if (RunStatus.AWAITING_APPROVAL.equals(run.status()) || RunStatus.STARTING.equals(run.status())) {
            // The execution is past its start, or past an approval whose write the route lost.
            store.transition(
                    run.workspaceId(),
                    run.runId(),
                    Set.of(RunStatus.AWAITING_APPROVAL, RunStatus.STARTING),
                    RunStatus.RUNNING,
                    null,
                    Map.of(),
                    List.of("approvalToken", "decision"));
            return store.run(run.workspaceId(), run.runId()).orElseThrow();
        }
        if (!RunStatus.RUNNING.equals(run.status())) {
            throw new PermanentFailure("RunEnded", "the run is no longer running");
        }
        long workedMillis = clock.millis() - run.createdAt() - run.pausedMillis();
        if (workedMillis > run.maxWallSeconds() * 1000) {
            throw new PermanentFailure("WallTimeExceeded", "the run passed its wall-time limit");
        }
        return run;
    }

    protected abstract O work(RunState state, AgentItems.Run run);
}

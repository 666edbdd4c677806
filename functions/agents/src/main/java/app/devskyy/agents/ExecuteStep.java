package app.devskyy.agents;

import app.devskyy.core.Json;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.events.PermanentFailure;
import app.devskyy.core.observability.Telemetry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Carries out one plan step through the model: the brief, the results of the steps it depends on,
 * the step's instruction, and on a revision its previous answer with the reviewer's critique. The
 * output is stored in the step's record (bounded), never in the execution's state.
 */
final class ExecuteStep extends RunStep<ExecuteStep.Executed> {

    record Executed(String stepId, long attempt) {}

    /** What a step's record keeps of its output. */
    static final int MAX_OUTPUT = 16_000;

    private final AgentCatalogue catalogue;
    private final AgentModel model;
    private final Prompts prompts;

    ExecuteStep(RunStore store, AgentCatalogue catalogue, AgentModel model, Telemetry telemetry, Clock clock) {
        super("agentExecute", store, telemetry, clock);
        this.catalogue = catalogue;
        this.model = model;
        this.prompts = new Prompts(catalogue);
    }

    @Override
    protected Executed work(RunState state, AgentItems.Run run) {
        AgentCatalogue.Agent agent = catalogue.of(run);
        Plan.Step step = Plan.parse(run.plan()).step(state.stepId());
        AgentItems.Step previous = store.step(run.runId(), step.stepId()).orElse(null);
        List<AgentItems.Step> dependencies = new ArrayList<>();
        for (String id : step.dependsOn()) {
            dependencies.add(store.step(run.runId(), id)
                    .orElseThrow(() -> new PermanentFailure("StepNotExecuted", "a dependency has no result")));
        }
        long attempt = previous == null ? 1 : previous.attempts() + 1;
        long started = clock.millis();
        AgentModel.Reply reply = model.text(
                run,
                "agent-step",
                run.runId() + "-" + step.stepId() + "-" + attempt,
                prompts.execute(agent, run, step, dependencies, previous));
        String output = reply.text().length() <= MAX_OUTPUT
                ? reply.text()
                : reply.text().substring(0, MAX_OUTPUT);
        ItemKey key = AgentItems.step(run.runId(), step.stepId());
        store.putStep(
                run.workspaceId(),
                run.runId(),
                new AgentItems.Step(
                        key.pk(),
                        key.sk(),
                        step.stepId(),
                        step.title(),
                        step.instruction(),
                        Json.write(step.dependsOn()),
                        step.sideEffect(),
                        "executed",
                        attempt,
                        output,
                        previous == null ? null : previous.critique(),
                        null,
                        reply.provider(),
                        reply.model(),
                        reply.usage().promptTokens() + (previous == null ? 0 : previous.promptTokens()),
                        reply.usage().completionTokens() + (previous == null ? 0 : previous.completionTokens()),
                        reply.costMicros() + (previous == null ? 0 : previous.costMicros()),
                        previous == null || previous.startedAt() == null ? started : previous.startedAt(),
                        clock.millis(),
                        store.expiresAt(),
                        run.startedBy()));
        store.event(run, "step_executed", step.stepId(), "attempt " + attempt);
        return new Executed(step.stepId(), attempt);
    }
}

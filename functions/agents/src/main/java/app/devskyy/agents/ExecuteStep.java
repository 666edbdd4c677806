package app.devskyy.agents;

import app.devskyy.core.Json;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.events.PermanentFailure;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.llm.metering.Concurrently;
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
        // The step's own record and its dependencies' results, read at once.
        List<String> ids = new ArrayList<>(step.dependsOn());
        ids.add(step.stepId());
        AgentItems.Step[] read = new AgentItems.Step[ids.size()];
        Runnable[] reads = new Runnable[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            int index = i;
            reads[i] =
                    () -> read[index] = store.step(run.runId(), ids.get(index)).orElse(null);
        }
        Concurrently.run(reads);
        AgentItems.Step previous = read[ids.size() - 1];
        List<AgentItems.Step> dependencies = new ArrayList<>();
        for (int i = 0; i < ids.size() - 1; i++) {
            if (read[i] == null) {
                throw new PermanentFailure("StepNotExecuted", "a dependency has no result");
            }
            dependencies.add(read[i]);
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
                run,
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
                        run.startedBy()),
                "step_executed",
                "attempt " + attempt);
        return new Executed(step.stepId(), attempt);
    }
}

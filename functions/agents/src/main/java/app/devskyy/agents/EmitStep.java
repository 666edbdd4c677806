package app.devskyy.agents;

import app.devskyy.core.Json;
import app.devskyy.core.aws.Values;
import app.devskyy.core.events.PermanentFailure;
import app.devskyy.core.observability.Telemetry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Writes the run's final result: the model's answer against the agent's output schema (refused
 * when it does not satisfy it), from the steps' results and the approver's instructions, and ends
 * the run {@code succeeded}. Every model call has settled by now, so the run's spend is final.
 */
final class EmitStep extends RunStep<EmitStep.Emitted> {

    record Emitted(String status) {}

    private final AgentCatalogue catalogue;
    private final AgentModel model;
    private final RunBudget budget;
    private final Prompts prompts;

    EmitStep(
            RunStore store,
            AgentCatalogue catalogue,
            AgentModel model,
            RunBudget budget,
            Telemetry telemetry,
            Clock clock) {
        super("agentEmit", store, telemetry, clock);
        this.catalogue = catalogue;
        this.model = model;
        this.budget = budget;
        this.prompts = new Prompts(catalogue);
    }

    @Override
    protected Emitted work(RunState state, AgentItems.Run run) {
        AgentCatalogue.Agent agent = catalogue.of(run);
        List<AgentItems.Step> steps = store.steps(run.runId());
        AgentModel.Reply reply = model.json(
                run,
                "agent-emit",
                run.runId() + "-emit",
                prompts.emit(agent, run, steps),
                "result",
                catalogue.output(agent));
        List<String> cited = new ArrayList<>();
        cited.add(reply.text());
        steps.forEach(step -> cited.add(step.output()));
        boolean ended = store.transition(
                run.workspaceId(),
                run.runId(),
                Set.of(RunStatus.RUNNING),
                RunStatus.SUCCEEDED,
                null,
                Map.of(
                        "result",
                        AttributeValue.fromS(Json.write(reply.json())),
                        "citations",
                        AttributeValue.fromS(Citations.cited(run.sources(), cited)),
                        "endedAt",
                        Values.number(clock.millis())),
                List.of());
        budget.release(run.workspaceId(), run.runId());
        if (!ended) {
            throw new PermanentFailure("RunEnded", "the run is no longer running");
        }
        store.event(run, "succeeded", null, null);
        return new Emitted(RunStatus.SUCCEEDED);
    }
}

package app.devskyy.agents;

import app.devskyy.core.Json;
import app.devskyy.core.events.PermanentFailure;
import app.devskyy.core.observability.Telemetry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Plans the run: the caller's plan when the run came with one, otherwise the model's, asked for as
 * JSON against the plan schema (tools limited to the agent's). A plan longer than the run's
 * {@code maxSteps} ends the run with {@code limit_exceeded}. Answers the plan's shape.
 */
final class PlanStep extends RunStep<Plan.Shape> {

    private final AgentCatalogue catalogue;
    private final AgentModel model;
    private final Prompts prompts;

    PlanStep(RunStore store, AgentCatalogue catalogue, AgentModel model, Telemetry telemetry, Clock clock) {
        super("agentPlan", store, telemetry, clock);
        this.catalogue = catalogue;
        this.model = model;
        this.prompts = new Prompts(catalogue);
    }

    @Override
    protected Plan.Shape work(RunState state, AgentItems.Run run) {
        AgentCatalogue.Agent agent = catalogue.of(run);
        Plan plan;
        if (run.plan() != null) {
            plan = Plan.parse(run.plan());
        } else {
            AgentModel.Reply reply = model.json(
                    run, "agent-plan", run.runId() + "-plan", prompts.plan(agent, run), "plan", catalogue.plan(agent));
            plan = Plan.of(
                    List.of(Json.convert(reply.json().get("steps"), Plan.Draft[].class)), agent, catalogue.registry());
            if (plan.steps().size() > run.maxSteps()) {
                throw new PermanentFailure("StepLimitExceeded", "the plan has more steps than the run allows");
            }
            store.update(
                    run.workspaceId(),
                    run.runId(),
                    RunStatus.RUNNING,
                    Map.of("plan", AttributeValue.fromS(plan.json())));
        }
        store.event(run, "planned", null, plan.steps().size() + " steps");
        return plan.shape(run.approvalPolicy());
    }
}

package app.devskyy.agents;

import app.devskyy.core.events.PermanentFailure;
import app.devskyy.core.observability.Telemetry;
import java.time.Clock;

/**
 * Judges a step's result against the agent's rubric (self-critique by the model, as JSON against
 * the verdict schema). {@code revise} sends the step back with the critique, at most
 * {@code maxRevisions} times; past that the run ends {@code failed} ({@code validation_failed}).
 */
final class ValidateStep extends RunStep<ValidateStep.Verdict> {

    record Verdict(String verdict) {}

    private final AgentCatalogue catalogue;
    private final AgentModel model;
    private final Prompts prompts;
    private final int maxRevisions;

    ValidateStep(
            RunStore store,
            AgentCatalogue catalogue,
            AgentModel model,
            int maxRevisions,
            Telemetry telemetry,
            Clock clock) {
        super("agentValidate", store, telemetry, clock);
        this.catalogue = catalogue;
        this.model = model;
        this.prompts = new Prompts(catalogue);
        this.maxRevisions = maxRevisions;
    }

    @Override
    protected Verdict work(RunState state, AgentItems.Run run) {
        AgentCatalogue.Agent agent = catalogue.of(run);
        AgentItems.Step step = store.step(run.runId(), String.valueOf(state.stepId()))
                .orElseThrow(() -> new PermanentFailure("StepNotExecuted", "the step has no result to validate"));
        AgentModel.Reply reply = model.json(
                run,
                "agent-validate",
                run.runId() + "-" + step.stepId() + "-" + step.attempts() + "-validate",
                prompts.validate(agent, run, step),
                "verdict",
                Prompts.VERDICT_SCHEMA);
        String verdict = reply.json().path("verdict").asString();
        String critique = reply.json().path("critique").asString(null);
        boolean revise = "revise".equals(verdict);
        boolean exhausted = revise && step.attempts() > maxRevisions;
        store.putStep(
                run,
                step.reviewed(
                        exhausted ? "failed_validation" : revise ? "revising" : "done",
                        revise ? critique : null,
                        verdict,
                        reply.usage().promptTokens(),
                        reply.usage().completionTokens(),
                        reply.costMicros(),
                        clock.millis()),
                "step_validated",
                verdict);
        if (exhausted) {
            throw new PermanentFailure("ValidationFailed", "a step failed validation after every revision allowed");
        }
        return new Verdict(revise ? "revise" : "pass");
    }
}

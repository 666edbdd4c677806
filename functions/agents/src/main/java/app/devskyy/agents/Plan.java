package app.devskyy.agents;

import app.devskyy.agents.tools.ToolRegistry;
import app.devskyy.core.Json;
import app.devskyy.core.events.PermanentFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * A run's plan: its steps, each with the earlier steps it depends on and the tool it would use.
 * The state machine gets only its shape: waves of step ids (a step's wave comes after every wave
 * of its dependencies), which steps have side effects, and how wide the widest wave is.
 */
record Plan(List<Step> steps) {

    /** The hard bound on a plan's length, whatever a run's options say. */
    static final int MAX_STEPS = 100;

    /** At most this many steps of a wave run at once (Lambda concurrency is the account's to share). */
    static final int MAX_CONCURRENCY = 10;

    /**
     * A step. {@code approval} says its tool wants a person's approval before every use, whatever
     * the run's policy; {@code arguments} are what a side-effecting tool is called with, exactly as
     * the approver saw them.
     */
    record Step(
            String stepId,
            String title,
            String instruction,
            List<String> dependsOn,
            String tool,
            boolean sideEffect,
            Boolean approval,
            JsonNode arguments) {

        /** Plans written before tools were governed by the registry carry no {@code approval}. */
        boolean needsApproval() {
            return Boolean.TRUE.equals(approval);
        }
    }

    /** One step of a wave, as the state machine's Map sees it: {@code approve} sends it to an approval first. */
    record WaveStep(String stepId, boolean sideEffect, boolean approve) {}

    /** What the plan step returns to the state machine. */
    record Shape(List<List<WaveStep>> waves, int maxConcurrency, String approval) {}

    static String stepId(int index) {
        return String.format("s%03d", index + 1);
    }

    /**
     * A plan from steps that name their dependencies by 1-based position; a dependency on the step
     * itself or a later one is refused (a plan is acyclic by construction).
     */
    static Plan of(List<Draft> drafts, AgentCatalogue.Agent agent, ToolRegistry registry) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) {
            Draft draft = drafts.get(i);
            List<String> dependsOn = new ArrayList<>();
            for (int position : draft.dependsOn() == null ? List.<Integer>of() : draft.dependsOn()) {
                if (position < 1 || position > i) {
                    throw new PermanentFailure("InvalidPlan", "a plan step depends on itself or a later step");
                }
                dependsOn.add(stepId(position - 1));
            }
            String tool = draft.tool() == null || draft.tool().equals("none") ? null : draft.tool();
            AgentCatalogue.Tool used = tool == null
                    ? null
                    : agent.tool(tool)
                            .orElseThrow(() -> new PermanentFailure(
                                    "InvalidPlan", "a plan step names a tool the agent may not use"));
            boolean sideEffect = used != null && used.sideEffecting();
            if (sideEffect
                    && (draft.arguments() == null || !registry.schema(tool).accepts(draft.arguments()))) {
                throw new PermanentFailure(
                        "InvalidPlan", "a step with a side-effecting tool needs arguments that fit the tool's schema");
            }
            steps.add(new Step(
                    stepId(i),
                    draft.title(),
                    draft.instruction(),
                    List.copyOf(dependsOn),
                    tool,
                    sideEffect,
                    used != null && used.approval(),
                    draft.arguments()));
        }
        return new Plan(List.copyOf(steps));
    }

    /** A step as the model or the caller writes it. */
    record Draft(String title, String instruction, List<Integer> dependsOn, String tool, JsonNode arguments) {}

    static Plan parse(String json) {
        return new Plan(Json.MAPPER.readValue(json, new TypeReference<List<Step>>() {}));
    }

    String json() {
        return Json.write(steps);
    }

    Step step(String stepId) {
        return steps.stream()
                .filter(s -> s.stepId().equals(stepId))
                .findFirst()
                .orElseThrow(() -> new PermanentFailure("UnknownStep", "the plan has no such step"));
    }

    Shape shape(String approval) {
        Map<String, Integer> waveOf = new LinkedHashMap<>();
        List<List<WaveStep>> waves = new ArrayList<>();
        for (Step step : steps) {
            int wave = step.dependsOn().stream().mapToInt(waveOf::get).max().orElse(-1) + 1;
            waveOf.put(step.stepId(), wave);
            while (waves.size() <= wave) {
                waves.add(new ArrayList<>());
            }
            boolean approve = step.needsApproval() || (step.sideEffect() && "per_side_effect".equals(approval));
            waves.get(wave).add(new WaveStep(step.stepId(), step.sideEffect(), approve));
        }
        int widest = waves.stream().mapToInt(List::size).max().orElse(1);
        return new Shape(waves, Math.min(MAX_CONCURRENCY, widest), approval);
    }
}

package app.devskyy.agents;

import app.devskyy.core.Json;
import app.devskyy.core.http.BodySchema;
import app.devskyy.llm.ChatMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The messages each step sends, rebuilt from what the runs table holds (nothing of a prompt is
 * stored or carried in the execution's state), and the JSON schemas the model answers against.
 */
final class Prompts {

    /** What a step's prompt quotes of an earlier step's output. */
    static final int QUOTED_OUTPUT = 4_000;

    private final AgentCatalogue catalogue;

    Prompts(AgentCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    private String system(AgentCatalogue.Agent agent, String role) {
        StringBuilder text = new StringBuilder(agent.systemPrompt()).append("\n\n");
        for (String technique : agent.techniques()) {
            text.append(catalogue.technique(technique)).append('\n');
        }
        return text.append("\nCite every fact you take from the context or the inputs with its marker in square")
                .append(" brackets, such as [kb:doc_0123.0004] or [inputs.season], right after the fact.\n\n")
                .append(role)
                .toString();
    }

    private static String brief(AgentItems.Run run) {
        return "Goal: " + run.goal() + "\n\nInputs (JSON): " + (run.inputs() == null ? "{}" : run.inputs())
                + (run.context() == null ? "" : "\n\nContext:\n" + run.context());
    }

    List<ChatMessage> plan(AgentCatalogue.Agent agent, AgentItems.Run run) {
        List<String> tools =
                agent.tools().stream().map(AgentCatalogue.Tool::name).toList();
        return List.of(
                ChatMessage.of(
                        "system",
                        system(
                                agent,
                                "Plan the work as at most " + run.maxSteps() + " steps. Each step has a title, an"
                                        + " instruction, the earlier steps it needs (by 1-based position) and the"
                                        + " tool it would use, one of " + tools + " or none.")),
                ChatMessage.of("user", brief(run)));
    }

    static JsonNode planSchema(AgentCatalogue.Agent agent) {
        ObjectNode schema = Json.MAPPER.createObjectNode().put("type", "object").put("additionalProperties", false);
        schema.putArray("required").add("steps");
        ObjectNode steps = schema.putObject("properties").putObject("steps");
        steps.put("type", "array").put("minItems", 1).put("maxItems", Plan.MAX_STEPS);
        ObjectNode step = steps.putObject("items").put("type", "object").put("additionalProperties", false);
        step.putArray("required").add("title").add("instruction");
        ObjectNode properties = step.putObject("properties");
        properties.putObject("title").put("type", "string").put("minLength", 1).put("maxLength", 200);
        properties
                .putObject("instruction")
                .put("type", "string")
                .put("minLength", 1)
                .put("maxLength", 4000);
        properties
                .putObject("dependsOn")
                .put("type", "array")
                .put("maxItems", Plan.MAX_STEPS)
                .putObject("items")
                .put("type", "integer")
                .put("minimum", 1);
        properties
                .putObject("arguments")
                .put("type", "object")
                .put(
                        "description",
                        "for a tool with side effects: exactly what it is called with, for the approver to see");
        ArrayNode tools = properties.putObject("tool").put("type", "string").putArray("enum");
        tools.add("none");
        agent.tools().forEach(t -> tools.add(t.name()));
        return schema;
    }

    List<ChatMessage> execute(
            AgentCatalogue.Agent agent,
            AgentItems.Run run,
            Plan.Step step,
            List<AgentItems.Step> dependencies,
            AgentItems.Step previous) {
        StringBuilder user = new StringBuilder(brief(run));
        for (AgentItems.Step done : dependencies) {
            user.append("\n\nResult of step ")
                    .append(done.stepId())
                    .append(" (")
                    .append(done.title())
                    .append("):\n")
                    .append(quote(done.output()));
        }
        user.append("\n\nThis step: ").append(step.title()).append('\n').append(step.instruction());
        if (step.tool() != null && !step.sideEffect()) {
            user.append("\nUse the tool ")
                    .append(catalogue.registry().spec(step.tool()).orElseThrow().functionName())
                    .append(" for this step.");
        }
        if (run.edits() != null && step.sideEffect()) {
            user.append("\n\nThe approver's instructions: ").append(run.edits());
        }
        if (previous != null && previous.critique() != null) {
            user.append("\n\nYour previous answer:\n")
                    .append(quote(previous.output()))
                    .append("\n\nA reviewer asked for changes: ")
                    .append(previous.critique());
        }
        return List.of(
                ChatMessage.of(
                        "system", system(agent, "Carry out this one step of the plan and answer with its result.")),
                ChatMessage.of("user", user.toString()));
    }

    List<ChatMessage> validate(AgentCatalogue.Agent agent, AgentItems.Run run, AgentItems.Step step) {
        return List.of(
                ChatMessage.of(
                        "system",
                        "You review one step of an agent's work against a rubric. Answer pass when it meets"
                                + " every criterion, otherwise revise with a critique saying what to change.\nRubric:\n- "
                                + String.join("\n- ", agent.rubric())),
                ChatMessage.of(
                        "user",
                        brief(run) + "\n\nStep: " + step.title() + "\n" + step.instruction() + "\n\nResult:\n"
                                + quote(step.output())));
    }

    static final BodySchema VERDICT_SCHEMA =
            BodySchema.of(Json.tree(("{\"type\":\"object\",\"additionalProperties\":false,"
                            + "\"required\":[\"verdict\"],\"properties\":{\"verdict\":{\"enum\":[\"pass\",\"revise\"]},"
                            + "\"critique\":{\"type\":\"string\",\"maxLength\":2000}}}")
                    .getBytes(StandardCharsets.UTF_8)));

    List<ChatMessage> emit(AgentCatalogue.Agent agent, AgentItems.Run run, List<AgentItems.Step> steps) {
        StringBuilder user = new StringBuilder(brief(run));
        for (AgentItems.Step step : steps) {
            user.append("\n\nStep ")
                    .append(step.stepId())
                    .append(" (")
                    .append(step.title())
                    .append("):\n")
                    .append(quote(step.output()));
        }
        if (run.edits() != null) {
            user.append("\n\nThe approver's instructions for the final result: ")
                    .append(run.edits());
        }
        return List.of(
                ChatMessage.of("system", system(agent, "Write the run's final result from the steps' results.")),
                ChatMessage.of("user", user.toString()));
    }

    private static String quote(String output) {
        if (output == null) {
            return "(none)";
        }
        return output.length() <= QUOTED_OUTPUT ? output : output.substring(0, QUOTED_OUTPUT) + "…";
    }

    static List<AgentItems.Step> only(List<AgentItems.Step> steps, List<String> ids) {
        List<AgentItems.Step> chosen = new ArrayList<>();
        for (AgentItems.Step step : steps) {
            if (ids.contains(step.stepId())) {
                chosen.add(step);
            }
        }
        return chosen;
    }
}

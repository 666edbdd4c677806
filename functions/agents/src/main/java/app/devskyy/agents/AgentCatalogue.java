package app.devskyy.agents;

import app.devskyy.agents.tools.ToolRegistry;
import app.devskyy.core.Json;
import app.devskyy.core.events.PermanentFailure;
import app.devskyy.core.http.BodySchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The agents, as data: {@code /agents/index.json} names them, {@code /agents/<name>.json} describes
 * each (purpose, system prompt, techniques, tools, default model alias, output schema, rubric) and
 * {@code /agents/techniques.json} holds the technique prompts they share. A new agent is one file
 * and one line of the index; no code. Read once per cold start.
 */
final class AgentCatalogue {

    /**
     * A tool an agent may use, as the tool registry describes it: {@code effect} is {@code read},
     * {@code write} or {@code external}; {@code approval} says a person approves each use first.
     */
    record Tool(String name, String effect, boolean approval) {
        boolean sideEffecting() {
            return !"read".equals(effect);
        }
    }

    /** An agent's file: its tools by name, described by the registry. */
    private record AgentFile(
            String name,
            String title,
            String purpose,
            String systemPrompt,
            List<String> techniques,
            List<String> tools,
            String defaultModel,
            JsonNode outputSchema,
            List<String> rubric) {}

    record Agent(
            String name,
            String title,
            String purpose,
            String systemPrompt,
            List<String> techniques,
            List<Tool> tools,
            String defaultModel,
            JsonNode outputSchema,
            List<String> rubric) {

        Optional<Tool> tool(String name) {
            return tools.stream().filter(t -> t.name().equals(name)).findFirst();
        }
    }

    private final Map<String, Agent> agents;
    private final Map<String, String> techniques;
    /** Each agent's output and plan schemas, compiled once per cold start rather than once per call. */
    private final Map<String, BodySchema> outputs = new HashMap<>();

    private final Map<String, BodySchema> plans = new HashMap<>();

    private final ToolRegistry registry;

    private AgentCatalogue(Map<String, Agent> agents, Map<String, String> techniques, ToolRegistry registry) {
        this.registry = registry;
        this.agents = agents;
        this.techniques = techniques;
        agents.values().forEach(agent -> {
            outputs.put(agent.name(), BodySchema.of(agent.outputSchema()));
            plans.put(agent.name(), BodySchema.of(Prompts.planSchema(agent)));
        });
    }

    ToolRegistry registry() {
        return registry;
    }

    BodySchema output(Agent agent) {
        return outputs.get(agent.name());
    }

    BodySchema plan(Agent agent) {
        return plans.get(agent.name());
    }

    static AgentCatalogue bundled(ToolRegistry registry) {
        Map<String, Agent> agents = new LinkedHashMap<>();
        for (JsonNode name : read("index")) {
            AgentFile file = Json.convert(read(name.asString()), AgentFile.class);
            List<Tool> tools = file.tools().stream()
                    .map(tool -> registry.spec(tool)
                            .map(spec -> new Tool(spec.name(), spec.effect(), spec.approval()))
                            .orElseThrow(() -> new IllegalStateException(
                                    "agent " + file.name() + " uses the unknown tool " + tool)))
                    .toList();
            Agent agent = new Agent(
                    file.name(),
                    file.title(),
                    file.purpose(),
                    file.systemPrompt(),
                    file.techniques(),
                    tools,
                    file.defaultModel(),
                    file.outputSchema(),
                    file.rubric());
            if (!agent.name().equals(name.asString())) {
                throw new IllegalStateException("agents/" + name.asString() + ".json names itself " + agent.name());
            }
            agents.put(agent.name(), agent);
        }
        Map<String, String> techniques = new LinkedHashMap<>();
        read("techniques")
                .properties()
                .forEach(e -> techniques.put(e.getKey(), e.getValue().asString()));
        agents.values()
                .forEach(agent -> agent.techniques().forEach(t -> {
                    if (!techniques.containsKey(t)) {
                        throw new IllegalStateException("agent " + agent.name() + " uses the unknown technique " + t);
                    }
                }));
        return new AgentCatalogue(Map.copyOf(agents), Map.copyOf(techniques), registry);
    }

    List<Agent> all() {
        return agents.values().stream()
                .sorted(Comparator.comparing(Agent::name))
                .toList();
    }

    Optional<Agent> agent(String name) {
        return Optional.ofNullable(agents.get(name));
    }

    /** A run's agent; a run whose agent left the catalogue cannot go on. */
    Agent of(AgentItems.Run run) {
        return agent(run.agent())
                .orElseThrow(() -> new PermanentFailure("UnknownAgent", "the run's agent is not in the catalogue"));
    }

    String technique(String name) {
        return techniques.get(name);
    }

    private static JsonNode read(String name) {
        String resource = "/agents/" + name + ".json";
        try (InputStream in = AgentCatalogue.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing agent resource " + resource);
            }
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

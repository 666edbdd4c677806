package app.devskyy.agents;

import app.devskyy.agents.tools.ToolRegistry;
import app.devskyy.agents.tools.Toolbox;
import app.devskyy.core.Concurrently;
import app.devskyy.core.Json;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.events.PermanentFailure;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.llm.ChatMessage;
import app.devskyy.llm.ChatRequest;
import app.devskyy.llm.Usage;
import app.devskyy.llm.metering.Caller;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Carries out one plan step through the model: the brief, the results of the steps it depends on,
 * the step's instruction, and on a revision its previous answer with the reviewer's critique.
 * <ul>
 *   <li>A step whose tool has side effects calls it once, before the model writes, with the plan's
 *       arguments: what the approver saw, if the step needed approval (the state machine brings it
 *       here only after). A revision does not call it again once it succeeded.
 *   <li>Otherwise the model may call the agent's read-only tools in a bounded ReAct loop: at most
 *       {@link #MAX_ROUNDS} rounds of at most {@link #MAX_CALLS_PER_ROUND} calls, then an answer.
 *       Side-effecting tools are never offered to the model.
 * </ul>
 * Each call goes through the toolbox (schema, role, timeout, retries, breaker, audit). The output
 * and a summary of the calls are stored in the step's record (bounded), never in the execution's state.
 */
final class ExecuteStep extends RunStep<ExecuteStep.Executed> {

    record Executed(String stepId, long attempt) {}

    /** What a step's record keeps of its output. */
    static final int MAX_OUTPUT = 16_000;

    static final int MAX_ROUNDS = 4;
    static final int MAX_CALLS_PER_ROUND = 4;

    /** What a tool's answer may take of the conversation. */
    static final int MAX_TOOL_ANSWER = 8_000;

    private final AgentCatalogue catalogue;
    private final AgentModel model;
    private final Toolbox toolbox;
    private final Prompts prompts;

    ExecuteStep(
            RunStore store,
            AgentCatalogue catalogue,
            AgentModel model,
            Toolbox toolbox,
            Telemetry telemetry,
            Clock clock) {
        super("agentExecute", store, telemetry, clock);
        this.catalogue = catalogue;
        this.model = model;
        this.toolbox = toolbox;
        this.prompts = new Prompts(catalogue);
    }

    /** What a step's record keeps of one tool call. */
    record CallRecord(String tool, String status, int attempts, long millis, String error) {
        static CallRecord of(Toolbox.Result result) {
            return new CallRecord(result.tool(), result.status(), result.attempts(), result.millis(), result.error());
        }
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
        String callId = run.runId() + "-" + step.stepId() + "-" + attempt;
        Caller caller = RunBudget.caller(run);
        List<ChatMessage> messages = new ArrayList<>(prompts.execute(agent, run, step, dependencies, previous));
        List<CallRecord> calls = new ArrayList<>(previousCalls(previous));
        Usage usage = Usage.NONE;
        long cost = 0;
        AgentModel.Reply reply;
        if (step.sideEffect()) {
            ToolRegistry.Spec tool = catalogue.registry().spec(step.tool()).orElseThrow();
            if (step.arguments() == null) {
                throw new PermanentFailure("InvalidPlan", "a step with a side-effecting tool has no arguments");
            }
            boolean done = calls.stream()
                    .anyMatch(c -> c.tool().equals(tool.name()) && c.status().equals("ok"));
            String answer;
            if (done) {
                answer = "The call succeeded in an earlier attempt of this step: " + quote(previous.output());
            } else {
                Toolbox.Result result = toolbox.call(tool, caller, run.runId(), step.stepId(), step.arguments());
                calls.add(CallRecord.of(result));
                answer = result.forModel();
            }
            messages.add(ChatMessage.of(
                    "user",
                    "The tool " + tool.name() + " was called with the approved arguments "
                            + Json.write(step.arguments()) + " and answered:\n" + quote(answer)
                            + "\nReport what was done (or why it failed) as this step's result."));
            reply = model.text(run, "agent-step", callId, messages);
            usage = reply.usage();
            cost = reply.costMicros();
        } else {
            List<ToolRegistry.Spec> offered = agent.tools().stream()
                    .filter(t -> !t.sideEffecting())
                    .map(t -> catalogue.registry().spec(t.name()).orElseThrow())
                    .toList();
            List<ChatRequest.Tool> functions = offered.stream()
                    .map(t -> new ChatRequest.Tool(t.functionName(), t.description(), t.inputSchema(), null))
                    .toList();
            for (int round = 1; ; round++) {
                reply = model.turn(run, "agent-step", callId + "-" + round, messages, functions, round < MAX_ROUNDS);
                usage = add(usage, reply.usage());
                cost += reply.costMicros();
                if (reply.toolCalls().isEmpty() || round == MAX_ROUNDS) {
                    break;
                }
                List<ChatMessage.ToolCall> asked =
                        reply.toolCalls().stream().limit(MAX_CALLS_PER_ROUND).toList();
                messages.add(ChatMessage.assistant(reply.text(), asked));
                for (ChatMessage.ToolCall call : asked) {
                    String answer = offered.stream()
                            .filter(t -> t.functionName().equals(call.name()))
                            .findFirst()
                            .map(t -> {
                                Toolbox.Result result = toolbox.call(
                                        t, caller, run.runId(), step.stepId(), arguments(call.arguments()));
                                calls.add(CallRecord.of(result));
                                return result.forModel();
                            })
                            .orElse("{\"error\":\"unknown_tool\",\"detail\":\"no such tool is offered\"}");
                    messages.add(new ChatMessage(
                            "tool", List.of(ChatMessage.Part.text(quote(answer))), null, List.of(), call.id()));
                }
            }
        }
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
                        usage.promptTokens() + (previous == null ? 0 : previous.promptTokens()),
                        usage.completionTokens() + (previous == null ? 0 : previous.completionTokens()),
                        cost + (previous == null ? 0 : previous.costMicros()),
                        previous == null || previous.startedAt() == null ? started : previous.startedAt(),
                        clock.millis(),
                        store.expiresAt(),
                        run.startedBy(),
                        calls.isEmpty() ? null : Json.write(calls)),
                "step_executed",
                "attempt " + attempt + (calls.isEmpty() ? "" : ", " + calls.size() + " tool calls"));
        return new Executed(step.stepId(), attempt);
    }

    private static List<CallRecord> previousCalls(AgentItems.Step previous) {
        if (previous == null || previous.toolCalls() == null) {
            return List.of();
        }
        return List.of(Json.MAPPER.readValue(previous.toolCalls(), CallRecord[].class));
    }

    /** A model's arguments as JSON; text that is not a JSON object fails the tool's schema check. */
    private static JsonNode arguments(String text) {
        try {
            JsonNode parsed = Json.MAPPER.readTree(text == null ? "" : text);
            return parsed == null ? Json.MAPPER.nullNode() : parsed;
        } catch (JacksonException unreadable) {
            return Json.MAPPER.getNodeFactory().stringNode(text);
        }
    }

    private static Usage add(Usage a, Usage b) {
        return new Usage(
                a.promptTokens() + b.promptTokens(),
                a.completionTokens() + b.completionTokens(),
                a.cachedTokens() + b.cachedTokens(),
                a.reasoningTokens() + b.reasoningTokens());
    }

    private static String quote(String text) {
        if (text == null) {
            return "(none)";
        }
        return text.length() <= MAX_TOOL_ANSWER ? text : text.substring(0, MAX_TOOL_ANSWER) + "…";
    }
}

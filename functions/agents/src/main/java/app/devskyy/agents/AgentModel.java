package app.devskyy.agents;

import app.devskyy.core.Json;
import app.devskyy.core.events.PermanentFailure;
import app.devskyy.core.events.TransientFailure;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.BodySchema;
import app.devskyy.llm.ChatGateway.GatewayException;
import app.devskyy.llm.ChatMessage;
import app.devskyy.llm.ChatRequest;
import app.devskyy.llm.Routing;
import app.devskyy.llm.Routing.Route;
import app.devskyy.llm.Usage;
import app.devskyy.llm.metering.MeteredChat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The steps' model calls: through the same metered path as the LLM proxy (the usage ledger, the
 * gateway's retries, fallbacks and circuit breakers), within the run's reservation of the
 * workspace's budget ({@link RunBudget}) and with each call held against the run's cost cap. Failures leave as the named failures the state machine acts on: an
 * outage is transient (retried), an exhausted budget, a reached cap or a rejected request is not.
 * JSON answers are checked against their schema; one that does not satisfy it is asked for once
 * more with the reason, then refused.
 */
final class AgentModel {

    /** A model's answer and what it cost. */
    record Reply(
            String text,
            JsonNode json,
            String provider,
            String model,
            Usage usage,
            long costMicros,
            List<ChatMessage.ToolCall> toolCalls) {}

    private final MeteredChat meter;
    private final Routing routing;
    private final RunStore store;
    private final RunBudget budget;

    AgentModel(MeteredChat meter, Routing routing, RunStore store, RunBudget budget) {
        this.meter = meter;
        this.routing = routing;
        this.store = store;
        this.budget = budget;
    }

    Reply text(AgentItems.Run run, String operation, String callId, List<ChatMessage> messages) {
        return call(run, operation, callId, ChatRequest.of(messages));
    }

    /** One turn of a conversation with tools: the answer's text, or the tool calls the model asks for. */
    Reply turn(
            AgentItems.Run run,
            String operation,
            String callId,
            List<ChatMessage> messages,
            List<ChatRequest.Tool> tools,
            boolean mayCallTools) {
        return call(
                run,
                operation,
                callId,
                new ChatRequest(
                        messages,
                        null,
                        null,
                        null,
                        null,
                        tools,
                        tools.isEmpty() ? null : ChatRequest.ToolChoice.of(mayCallTools ? "auto" : "none"),
                        null,
                        null,
                        null,
                        null));
    }

    /** A JSON object that satisfies {@code schema}. */
    Reply json(
            AgentItems.Run run,
            String operation,
            String callId,
            List<ChatMessage> messages,
            String schemaName,
            BodySchema check) {
        ChatRequest.ResponseFormat format =
                new ChatRequest.ResponseFormat("json_schema", schemaName, check.document(), false);
        List<ChatMessage> conversation = new ArrayList<>(messages);
        for (int attempt = 1; ; attempt++) {
            ChatRequest request =
                    new ChatRequest(conversation, 0.0, null, null, null, null, null, format, null, null, null);
            Reply reply = call(run, operation, callId + "-" + attempt, request);
            Optional<JsonNode> parsed = parse(reply.text()).filter(check::accepts);
            if (parsed.isPresent()) {
                return new Reply(
                        reply.text(),
                        parsed.get(),
                        reply.provider(),
                        reply.model(),
                        reply.usage(),
                        reply.costMicros(),
                        List.of());
            }
            if (attempt == 2) {
                throw new PermanentFailure(
                        "InvalidOutput", "the model's " + schemaName + " does not satisfy its schema");
            }
            conversation.add(ChatMessage.assistant(reply.text(), List.of()));
            conversation.add(ChatMessage.of(
                    "user",
                    "That answer is not a JSON object satisfying the " + schemaName
                            + " schema. Answer again with only such an object."));
        }
    }

    private static Optional<JsonNode> parse(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("```")) {
            trimmed = trimmed.replaceFirst("^```(json)?", "")
                    .replaceFirst("```$", "")
                    .strip();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(trimmed);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (JacksonException unreadable) {
            return Optional.empty();
        }
    }

    private Reply call(AgentItems.Run run, String operation, String callId, ChatRequest request) {
        Route route = routing.resolve(run.model(), "chat", meter.gateway().reachableProviders(), request)
                .orElseThrow(() ->
                        new PermanentFailure("ModelUnavailable", "the run's model alias has no reachable target"));
        try {
            MeteredChat.Completed completed = meter.complete(
                    RunBudget.caller(run),
                    callId,
                    operation,
                    route,
                    request,
                    Optional.of(cap(run)),
                    Optional.of(budget.hold(run)),
                    outcome -> {});
            return new Reply(
                    completed.result().text(),
                    null,
                    completed.target().provider(),
                    completed.target().model(),
                    completed.result().usage(),
                    completed.costMicros(),
                    completed.result().choices().isEmpty()
                            ? List.of()
                            : completed.result().choices().getFirst().message().toolCalls());
        } catch (GatewayException failed) {
            if (failed.status() == 400) {
                throw new PermanentFailure("ProviderRejected", "the provider rejected the step's request");
            }
            throw new TransientFailure("ProviderUnavailable", "no provider of the route answered", null);
        } catch (ApiProblem refused) {
            if ("budget-exhausted".equals(refused.slug())) {
                throw new PermanentFailure(
                        "BudgetExhausted", "the workspace's monthly LLM budget cannot cover the next model call");
            }
            throw refused;
        }
    }

    private MeteredChat.Cap cap(AgentItems.Run run) {
        return new MeteredChat.Cap() {
            @Override
            public void hold(long micros) {
                store.hold(run.workspaceId(), run.runId(), micros, run.capMicros())
                        .ifPresent(current -> {
                            String status = current.containsKey("status")
                                    ? current.get("status").s()
                                    : "";
                            if (!RunStatus.RUNNING.equals(status)) {
                                throw new PermanentFailure("RunEnded", "the run is no longer running");
                            }
                            throw new PermanentFailure(
                                    "CostCapReached", "the run's cost cap cannot cover the next model call");
                        });
            }

            @Override
            public void settle(long heldMicros, long actualMicros, Usage usage) {
                store.settle(
                        run.workspaceId(),
                        run.runId(),
                        heldMicros,
                        actualMicros,
                        usage.promptTokens(),
                        usage.completionTokens());
            }
        };
    }
}

package app.devskyy.llm;

import app.devskyy.core.Json;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A chat completion request, provider-neutral (OpenAI's parameters). {@code extra} holds the
 * parameters only some providers understand ({@code seed}, {@code top_k}, penalties,
 * {@code reasoning_effort}, ...): each adapter takes those it supports, and the response cache
 * keys on all of them.
 */
public record ChatRequest(
        List<ChatMessage> messages,
        Double temperature,
        Double topP,
        Integer maxTokens,
        List<String> stop,
        List<Tool> tools,
        ToolChoice toolChoice,
        ResponseFormat responseFormat,
        String user,
        Integer n,
        ObjectNode extra) {

    public ChatRequest {
        messages = List.copyOf(messages);
        stop = stop == null ? List.of() : List.copyOf(stop);
        tools = tools == null ? List.of() : List.copyOf(tools);
        extra = extra == null ? Json.MAPPER.createObjectNode() : extra;
    }

    /** A function the model may call; {@code parameters} is its JSON Schema. */
    public record Tool(String name, String description, JsonNode parameters, Boolean strict) {}

    /** {@code auto}, {@code none}, {@code required}, or {@code function} with the function's name. */
    public record ToolChoice(String mode, String function) {
        public static ToolChoice of(String mode) {
            return new ToolChoice(mode, null);
        }
    }

    /** {@code text}, {@code json_object}, or {@code json_schema} with a named schema. */
    public record ResponseFormat(String type, String name, JsonNode schema, Boolean strict) {
        public boolean wantsJson() {
            return "json_object".equals(type) || "json_schema".equals(type);
        }
    }

    public static ChatRequest of(List<ChatMessage> messages) {
        return new ChatRequest(messages, null, null, null, null, null, null, null, null, null, null);
    }

    public ChatRequest withMaxTokens(int tokens) {
        return new ChatRequest(
                messages, temperature, topP, tokens, stop, tools, toolChoice, responseFormat, user, n, extra);
    }

    public ChatRequest withMessages(List<ChatMessage> replaced) {
        return new ChatRequest(
                replaced, temperature, topP, maxTokens, stop, tools, toolChoice, responseFormat, user, n, extra);
    }

    public ChatRequest withTemperature(Double value) {
        return new ChatRequest(
                messages, value, topP, maxTokens, stop, tools, toolChoice, responseFormat, user, n, extra);
    }

    /** How many alternatives are asked for ({@code n}, 1 by default). */
    public int choices() {
        return n == null ? 1 : n;
    }

    /** The system messages' text, joined: for providers that take the system prompt apart. */
    public String systemPrompt() {
        return String.join(
                "\n\n",
                messages.stream()
                        .filter(m -> "system".equals(m.role()))
                        .map(ChatMessage::text)
                        .toList());
    }

    /**
     * The system prompt for providers without a JSON mode: with {@code json_object} asked, it ends
     * with the instruction to answer in JSON.
     */
    public String systemPromptAskingForJson() {
        String system = systemPrompt();
        if (responseFormat == null || !"json_object".equals(responseFormat.type())) {
            return system;
        }
        return (system.isEmpty() ? "" : system + "\n\n") + "Answer with one JSON object and nothing else.";
    }

    /** The messages after taking the system prompt apart. */
    public List<ChatMessage> conversation() {
        return messages.stream().filter(m -> !"system".equals(m.role())).toList();
    }

    /** The name of the function a tool message answers, from the assistant call it refers to. */
    public String toolNameOf(String toolCallId) {
        for (ChatMessage message : messages) {
            for (ChatMessage.ToolCall call : message.toolCalls()) {
                if (call.id().equals(toolCallId)) {
                    return call.name();
                }
            }
        }
        return "tool";
    }
}

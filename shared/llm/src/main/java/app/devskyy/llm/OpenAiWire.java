package app.devskyy.llm;

import app.devskyy.core.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * OpenAI's chat completions and embeddings format, both ways: what the proxy reads from callers
 * and writes back, and what the OpenAI-compatible providers (OpenAI, Mistral, Groq, Ollama, vLLM)
 * speak.
 */
public final class OpenAiWire {

    /** Request fields that are not part of {@link ChatRequest}'s typed parameters but are passed on. */
    public static final Set<String> EXTRA_PARAMETERS = Set.of(
            "frequency_penalty",
            "presence_penalty",
            "seed",
            "logit_bias",
            "reasoning_effort",
            "parallel_tool_calls",
            "top_k",
            "service_tier");

    private OpenAiWire() {}

    // ---- requests

    /** A request body already checked against the chat-completion schema. */
    public static ChatRequest readChatRequest(JsonNode body) {
        List<ChatMessage> messages = new ArrayList<>();
        body.path("messages").forEach(m -> messages.add(readMessage(m)));
        List<ChatRequest.Tool> tools = new ArrayList<>();
        body.path("tools")
                .forEach(t -> tools.add(new ChatRequest.Tool(
                        t.path("function").path("name").asString(),
                        t.path("function").path("description").asString(null),
                        t.path("function").has("parameters")
                                ? t.path("function").get("parameters")
                                : null,
                        t.path("function").has("strict")
                                ? t.path("function").get("strict").asBoolean()
                                : null)));
        ObjectNode extra = Json.MAPPER.createObjectNode();
        for (String name : EXTRA_PARAMETERS.stream().sorted().toList()) {
            if (body.has(name) && !body.get(name).isNull()) {
                extra.set(name, body.get(name));
            }
        }
        JsonNode max = body.has("max_completion_tokens") ? body.get("max_completion_tokens") : body.get("max_tokens");
        return new ChatRequest(
                messages,
                number(body, "temperature"),
                number(body, "top_p"),
                max == null || max.isNull() ? null : max.asInt(),
                stops(body.get("stop")),
                tools,
                toolChoice(body.get("tool_choice")),
                responseFormat(body.get("response_format")),
                body.path("user").asString(null),
                body.has("n") && !body.get("n").isNull() ? body.get("n").asInt() : null,
                extra);
    }

    private static ChatMessage readMessage(JsonNode m) {
        String role = m.path("role").asString();
        List<ChatMessage.Part> parts = new ArrayList<>();
        JsonNode content = m.get("content");
        if (content != null && content.isString()) {
            parts.add(ChatMessage.Part.text(content.asString()));
        } else if (content != null && content.isArray()) {
            content.forEach(p -> parts.add(
                    "image_url".equals(p.path("type").asString())
                            ? ChatMessage.Part.image(
                                    p.path("image_url").path("url").asString())
                            : ChatMessage.Part.text(p.path("text").asString())));
        }
        List<ChatMessage.ToolCall> calls = new ArrayList<>();
        m.path("tool_calls")
                .forEach(c -> calls.add(new ChatMessage.ToolCall(
                        c.path("id").asString(),
                        c.path("function").path("name").asString(),
                        c.path("function").path("arguments").asString("{}"))));
        // "developer" is OpenAI's newer name for the system role.
        return new ChatMessage(
                "developer".equals(role) ? "system" : role,
                parts,
                m.path("name").asString(null),
                calls,
                m.path("tool_call_id").asString(null));
    }

    private static Double number(JsonNode body, String name) {
        return body.has(name) && !body.get(name).isNull() ? body.get(name).asDouble() : null;
    }

    private static List<String> stops(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isString()) {
            return List.of(stop.asString());
        }
        List<String> stops = new ArrayList<>();
        stop.forEach(s -> stops.add(s.asString()));
        return stops;
    }

    private static ChatRequest.ToolChoice toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isString()) {
            return ChatRequest.ToolChoice.of(choice.asString());
        }
        return new ChatRequest.ToolChoice(
                "function", choice.path("function").path("name").asString());
    }

    private static ChatRequest.ResponseFormat responseFormat(JsonNode format) {
        if (format == null || format.isNull()) {
            return null;
        }
        JsonNode schema = format.path("json_schema");
        return new ChatRequest.ResponseFormat(
                format.path("type").asString(),
                schema.path("name").asString(null),
                schema.has("schema") ? schema.get("schema") : null,
                schema.has("strict") ? schema.get("strict").asBoolean() : null);
    }

    /**
     * The request in OpenAI's format for {@code model}. {@code maxTokensField} is
     * {@code max_completion_tokens} for OpenAI (its reasoning models refuse the older name) and
     * {@code max_tokens} for the compatible servers that only know that one.
     */
    public static ObjectNode writeChatRequest(
            ChatRequest request, String model, String maxTokensField, Set<String> extrasAccepted) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        request.messages().forEach(m -> messages.add(writeMessage(m)));
        if (request.temperature() != null) {
            body.put("temperature", request.temperature());
        }
        if (request.topP() != null) {
            body.put("top_p", request.topP());
        }
        if (request.maxTokens() != null) {
            body.put(maxTokensField, request.maxTokens());
        }
        if (!request.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            request.stop().forEach(stop::add);
        }
        if (!request.tools().isEmpty()) {
            body.set("tools", writeTools(request.tools()));
        }
        if (request.toolChoice() != null) {
            body.set("tool_choice", writeToolChoice(request.toolChoice()));
        }
        if (request.responseFormat() != null) {
            body.set("response_format", writeResponseFormat(request.responseFormat()));
        }
        if (request.user() != null) {
            body.put("user", request.user());
        }
        if (request.n() != null) {
            body.put("n", request.n());
        }
        request.extra().properties().forEach(e -> {
            if (extrasAccepted.contains(e.getKey())) {
                body.set(e.getKey(), e.getValue());
            }
        });
        return body;
    }

    public static ObjectNode writeMessage(ChatMessage m) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("role", m.role());
        boolean textOnly = m.content().stream().allMatch(ChatMessage.Part::isText);
        if (m.content().isEmpty()) {
            out.putNull("content");
        } else if (textOnly) {
            out.put("content", m.text());
        } else {
            ArrayNode parts = out.putArray("content");
            for (ChatMessage.Part part : m.content()) {
                ObjectNode p = parts.addObject();
                p.put("type", part.type());
                if (part.isText()) {
                    p.put("text", part.text());
                } else {
                    p.putObject("image_url").put("url", part.imageUrl());
                }
            }
        }
        if (m.name() != null) {
            out.put("name", m.name());
        }
        if (!m.toolCalls().isEmpty()) {
            ArrayNode calls = out.putArray("tool_calls");
            for (ChatMessage.ToolCall call : m.toolCalls()) {
                ObjectNode c = calls.addObject();
                c.put("id", call.id());
                c.put("type", "function");
                c.putObject("function").put("name", call.name()).put("arguments", call.arguments());
            }
        }
        if (m.toolCallId() != null) {
            out.put("tool_call_id", m.toolCallId());
        }
        return out;
    }

    public static ArrayNode writeTools(List<ChatRequest.Tool> tools) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (ChatRequest.Tool tool : tools) {
            ObjectNode function = out.addObject().put("type", "function").putObject("function");
            function.put("name", tool.name());
            if (tool.description() != null) {
                function.put("description", tool.description());
            }
            if (tool.parameters() != null) {
                function.set("parameters", tool.parameters());
            }
            if (tool.strict() != null) {
                function.put("strict", tool.strict());
            }
        }
        return out;
    }

    private static JsonNode writeToolChoice(ChatRequest.ToolChoice choice) {
        if (!"function".equals(choice.mode())) {
            return Json.MAPPER.getNodeFactory().stringNode(choice.mode());
        }
        ObjectNode out = Json.MAPPER.createObjectNode().put("type", "function");
        out.putObject("function").put("name", choice.function());
        return out;
    }

    private static ObjectNode writeResponseFormat(ChatRequest.ResponseFormat format) {
        ObjectNode out = Json.MAPPER.createObjectNode().put("type", format.type());
        if ("json_schema".equals(format.type())) {
            ObjectNode schema = out.putObject("json_schema");
            schema.put("name", format.name() == null ? "response" : format.name());
            if (format.schema() != null) {
                schema.set("schema", format.schema());
            }
            if (format.strict() != null) {
                schema.put("strict", format.strict());
            }
        }
        return out;
    }

    // ---- results

    public static ChatResult readChatResult(JsonNode body, String model) {
        List<ChatResult.Choice> choices = new ArrayList<>();
        for (JsonNode c : body.path("choices")) {
            choices.add(new ChatResult.Choice(
                    c.path("index").asInt(choices.size()),
                    readMessage(c.path("message")),
                    finishReason(c.path("finish_reason").asString("stop"))));
        }
        JsonNode u = body.path("usage");
        Usage usage = new Usage(
                u.path("prompt_tokens").asLong(),
                u.path("completion_tokens").asLong(),
                u.path("prompt_tokens_details").path("cached_tokens").asLong(),
                u.path("completion_tokens_details").path("reasoning_tokens").asLong());
        return new ChatResult(body.path("id").asString(""), body.path("model").asString(model), choices, usage);
    }

    /** OpenAI's reasons pass through; compatible servers' extras ({@code eos}, {@code function_call}) are mapped. */
    private static String finishReason(String reason) {
        return switch (reason) {
            case "length", "tool_calls", "content_filter" -> reason;
            case "function_call" -> "tool_calls";
            case "model_length" -> "length";
            default -> "stop";
        };
    }

    /** The proxy's answer: a {@code chat.completion} object. */
    public static ObjectNode writeChatResult(ChatResult result, String id, String model, long created) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("id", id);
        body.put("object", "chat.completion");
        body.put("created", created);
        body.put("model", model);
        ArrayNode choices = body.putArray("choices");
        for (ChatResult.Choice choice : result.choices()) {
            ObjectNode c = choices.addObject();
            c.put("index", choice.index());
            ObjectNode message = writeMessage(choice.message());
            message.putNull("refusal");
            c.set("message", message);
            c.putNull("logprobs");
            c.put("finish_reason", choice.finishReason());
        }
        body.set("usage", writeUsage(result.usage()));
        return body;
    }

    public static ObjectNode writeUsage(Usage usage) {
        ObjectNode u = Json.MAPPER.createObjectNode();
        u.put("prompt_tokens", usage.promptTokens());
        u.put("completion_tokens", usage.completionTokens());
        u.put("total_tokens", usage.totalTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedTokens());
        u.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
        return u;
    }

    public static ObjectNode writeEmbeddings(EmbeddingResult result, String model) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        for (int i = 0; i < result.vectors().size(); i++) {
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            ArrayNode vector = item.putArray("embedding");
            for (float value : result.vectors().get(i)) {
                vector.add(value);
            }
        }
        body.put("model", model);
        body.putObject("usage").put("prompt_tokens", result.promptTokens()).put("total_tokens", result.promptTokens());
        return body;
    }

    public static EmbeddingResult readEmbeddings(JsonNode body) {
        List<float[]> vectors = new ArrayList<>();
        for (JsonNode item : body.path("data")) {
            vectors.add(floats(item.path("embedding")));
        }
        return new EmbeddingResult(
                vectors, body.path("usage").path("prompt_tokens").asLong());
    }

    public static float[] floats(JsonNode array) {
        float[] vector = new float[array.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) array.get(i).asDouble();
        }
        return vector;
    }
}

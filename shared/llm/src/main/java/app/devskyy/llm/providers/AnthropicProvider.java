package app.devskyy.llm.providers;

import app.devskyy.core.Json;
import app.devskyy.llm.ChatMessage;
import app.devskyy.llm.ChatProvider;
import app.devskyy.llm.ChatRequest;
import app.devskyy.llm.ChatResult;
import app.devskyy.llm.ProviderException;
import app.devskyy.llm.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Anthropic's Messages API. The system prompt is a top-level field; tool calls and results are
 * content blocks ({@code tool_use}, {@code tool_result} in a user turn); consecutive turns of one
 * role are merged. Anthropic has no JSON mode: a JSON schema becomes one forced tool whose input
 * is the answer, and plain JSON mode an instruction.
 */
public final class AnthropicProvider implements ChatProvider {

    static final String VERSION = "2023-06-01";
    /** Anthropic requires an output limit; this is what a request without one gets. */
    static final int DEFAULT_MAX_TOKENS = 4096;

    static final String STRUCTURED_OUTPUT_TOOL = "structured_output";

    private final HttpUrl baseUrl;
    private final String apiKey;
    private final ProviderHttp http;

    public AnthropicProvider(HttpUrl baseUrl, String apiKey, ProviderHttp http) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.http = http;
    }

    @Override
    public String name() {
        return "anthropic";
    }

    @Override
    public ChatResult chat(ChatRequest request, String model, Duration timeout) throws ProviderException {
        ProviderException.requireSingleChoice(name(), request);
        JsonNode answer = http.post(
                name(),
                ProviderHttp.url(baseUrl, "v1/messages"),
                Headers.of("x-api-key", apiKey, "anthropic-version", VERSION),
                body(request, model),
                timeout);
        return result(answer, model, structured(request));
    }

    private static boolean structured(ChatRequest request) {
        return request.responseFormat() != null
                && "json_schema".equals(request.responseFormat().type());
    }

    static ObjectNode body(ChatRequest request, String model) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", model);
        body.put("max_tokens", request.maxTokens() == null ? DEFAULT_MAX_TOKENS : request.maxTokens());
        String system = request.systemPromptAskingForJson();
        if (!system.isEmpty()) {
            body.put("system", system);
        }
        body.set("messages", messages(request));
        if (request.temperature() != null) {
            body.put("temperature", Math.min(1.0, request.temperature()));
        }
        if (request.topP() != null) {
            body.put("top_p", request.topP());
        }
        if (request.extra().has("top_k")) {
            body.set("top_k", request.extra().get("top_k"));
        }
        if (!request.stop().isEmpty()) {
            ArrayNode stops = body.putArray("stop_sequences");
            request.stop().forEach(stops::add);
        }
        ArrayNode tools = Json.MAPPER.createArrayNode();
        for (ChatRequest.Tool tool : request.tools()) {
            ObjectNode t = tools.addObject().put("name", tool.name());
            if (tool.description() != null) {
                t.put("description", tool.description());
            }
            t.set("input_schema", tool.parameters() == null ? emptySchema() : tool.parameters());
        }
        if (structured(request)) {
            ObjectNode t = tools.addObject()
                    .put("name", STRUCTURED_OUTPUT_TOOL)
                    .put("description", "Give the answer as this tool's input.");
            t.set(
                    "input_schema",
                    request.responseFormat().schema() == null
                            ? emptySchema()
                            : request.responseFormat().schema());
            body.set(
                    "tool_choice",
                    Json.MAPPER.createObjectNode().put("type", "tool").put("name", STRUCTURED_OUTPUT_TOOL));
        } else if (request.toolChoice() != null && !request.tools().isEmpty()) {
            ObjectNode choice = Json.MAPPER.createObjectNode();
            switch (request.toolChoice().mode()) {
                case "required" -> choice.put("type", "any");
                case "none" -> choice.put("type", "none");
                case "function" ->
                    choice.put("type", "tool").put("name", request.toolChoice().function());
                default -> choice.put("type", "auto");
            }
            body.set("tool_choice", choice);
        }
        if (!tools.isEmpty()) {
            body.set("tools", tools);
        }
        return body;
    }

    private static ObjectNode emptySchema() {
        return Json.MAPPER.createObjectNode().put("type", "object");
    }

    private static ArrayNode messages(ChatRequest request) {
        ArrayNode messages = Json.MAPPER.createArrayNode();
        String lastRole = null;
        ArrayNode blocks = null;
        for (ChatMessage m : request.conversation()) {
            String role = "assistant".equals(m.role()) ? "assistant" : "user";
            if (!role.equals(lastRole)) {
                ObjectNode turn = messages.addObject().put("role", role);
                blocks = turn.putArray("content");
                lastRole = role;
            }
            if ("tool".equals(m.role())) {
                ObjectNode result =
                        blocks.addObject().put("type", "tool_result").put("tool_use_id", m.toolCallId());
                result.put("content", m.text());
                continue;
            }
            for (ChatMessage.Part part : m.content()) {
                if (part.isText()) {
                    if (!part.text().isEmpty()) {
                        blocks.addObject().put("type", "text").put("text", part.text());
                    }
                } else {
                    blocks.addObject().put("type", "image").set("source", imageSource(part.imageUrl()));
                }
            }
            for (ChatMessage.ToolCall call : m.toolCalls()) {
                blocks.addObject()
                        .put("type", "tool_use")
                        .put("id", call.id())
                        .put("name", call.name())
                        .set("input", arguments(call.arguments()));
            }
        }
        return messages;
    }

    static ObjectNode imageSource(String url) {
        ObjectNode source = Json.MAPPER.createObjectNode();
        DataUrl data = DataUrl.parse(url);
        if (data != null) {
            return source.put("type", "base64")
                    .put("media_type", data.mediaType())
                    .put("data", data.base64());
        }
        return source.put("type", "url").put("url", url);
    }

    /** Tool arguments are JSON text in OpenAI's format and an object here; text that is not an object is wrapped. */
    static JsonNode arguments(String arguments) {
        try {
            JsonNode parsed = Json.MAPPER.readTree(arguments == null || arguments.isBlank() ? "{}" : arguments);
            return parsed.isObject() ? parsed : Json.MAPPER.createObjectNode().set("value", parsed);
        } catch (JacksonException notJson) {
            return Json.MAPPER.createObjectNode().put("value", arguments);
        }
    }

    static ChatResult result(JsonNode answer, String model, boolean structured) {
        StringBuilder text = new StringBuilder();
        List<ChatMessage.ToolCall> calls = new ArrayList<>();
        for (JsonNode block : answer.path("content")) {
            switch (block.path("type").asString()) {
                case "text" -> text.append(block.path("text").asString());
                case "tool_use" -> {
                    if (structured
                            && STRUCTURED_OUTPUT_TOOL.equals(block.path("name").asString())) {
                        text.append(Json.write(block.path("input")));
                    } else {
                        calls.add(new ChatMessage.ToolCall(
                                block.path("id").asString(),
                                block.path("name").asString(),
                                Json.write(block.path("input"))));
                    }
                }
                default -> {
                    // thinking and other blocks are not part of the OpenAI answer
                }
            }
        }
        String finish = switch (answer.path("stop_reason").asString("end_turn")) {
            case "max_tokens" -> "length";
            case "tool_use" -> calls.isEmpty() ? "stop" : "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
        JsonNode u = answer.path("usage");
        long cacheRead = u.path("cache_read_input_tokens").asLong();
        // Anthropic counts cache reads and writes apart from input_tokens; OpenAI's prompt count holds them all.
        long prompt = u.path("input_tokens").asLong()
                + cacheRead
                + u.path("cache_creation_input_tokens").asLong();
        Usage usage = new Usage(prompt, u.path("output_tokens").asLong(), cacheRead, 0);
        return new ChatResult(
                answer.path("id").asString(""),
                answer.path("model").asString(model),
                List.of(new ChatResult.Choice(0, ChatMessage.assistant(text.toString(), calls), finish)),
                usage);
    }
}

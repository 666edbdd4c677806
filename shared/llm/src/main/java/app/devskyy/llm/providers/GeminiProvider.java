package app.devskyy.llm.providers;

import app.devskyy.core.Json;
import app.devskyy.llm.ChatMessage;
import app.devskyy.llm.ChatProvider;
import app.devskyy.llm.ChatRequest;
import app.devskyy.llm.ChatResult;
import app.devskyy.llm.EmbeddingResult;
import app.devskyy.llm.OpenAiWire;
import app.devskyy.llm.ProviderException;
import app.devskyy.llm.TokenEstimator;
import app.devskyy.llm.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Google Gemini's {@code generateContent}. Roles are {@code user} and {@code model}, the system
 * prompt is {@code systemInstruction}, tool calls are {@code functionCall} parts without ids (ids
 * are made up here, and tool results find their function's name through them), JSON schemas go to
 * {@code responseJsonSchema} and {@code parametersJsonSchema}.
 */
public final class GeminiProvider implements ChatProvider {

    private final HttpUrl baseUrl;
    private final String apiKey;
    private final ProviderHttp http;

    public GeminiProvider(HttpUrl baseUrl, String apiKey, ProviderHttp http) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.http = http;
    }

    @Override
    public String name() {
        return "google";
    }

    @Override
    public ChatResult chat(ChatRequest request, String model, Duration timeout) throws ProviderException {
        JsonNode answer = http.post(
                name(),
                ProviderHttp.url(baseUrl, "v1beta/models/" + model + ":generateContent"),
                Headers.of("x-goog-api-key", apiKey),
                body(request),
                timeout);
        return result(answer, model);
    }

    static ObjectNode body(ChatRequest request) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        String system = request.systemPrompt();
        if (!system.isEmpty()) {
            body.putObject("systemInstruction").putArray("parts").addObject().put("text", system);
        }
        ArrayNode contents = body.putArray("contents");
        String lastRole = null;
        ArrayNode parts = null;
        for (ChatMessage m : request.conversation()) {
            String role = "assistant".equals(m.role()) ? "model" : "user";
            if (!role.equals(lastRole)) {
                parts = contents.addObject().put("role", role).putArray("parts");
                lastRole = role;
            }
            if ("tool".equals(m.role())) {
                ObjectNode response = parts.addObject().putObject("functionResponse");
                response.put("name", request.toolNameOf(m.toolCallId()));
                response.putObject("response").set("content", AnthropicProvider.arguments(m.text()));
                continue;
            }
            for (ChatMessage.Part part : m.content()) {
                if (part.isText()) {
                    parts.addObject().put("text", part.text());
                } else {
                    DataUrl data = DataUrl.parse(part.imageUrl());
                    if (data != null) {
                        parts.addObject()
                                .putObject("inlineData")
                                .put("mimeType", data.mediaType())
                                .put("data", data.base64());
                    } else {
                        parts.addObject().putObject("fileData").put("fileUri", part.imageUrl());
                    }
                }
            }
            for (ChatMessage.ToolCall call : m.toolCalls()) {
                parts.addObject()
                        .putObject("functionCall")
                        .put("name", call.name())
                        .set("args", AnthropicProvider.arguments(call.arguments()));
            }
        }
        ObjectNode config = body.putObject("generationConfig");
        if (request.temperature() != null) {
            config.put("temperature", request.temperature());
        }
        if (request.topP() != null) {
            config.put("topP", request.topP());
        }
        if (request.maxTokens() != null) {
            config.put("maxOutputTokens", request.maxTokens());
        }
        if (request.n() != null) {
            config.put("candidateCount", request.n());
        }
        if (!request.stop().isEmpty()) {
            ArrayNode stops = config.putArray("stopSequences");
            request.stop().forEach(stops::add);
        }
        copy(request.extra(), "top_k", config, "topK");
        copy(request.extra(), "seed", config, "seed");
        copy(request.extra(), "presence_penalty", config, "presencePenalty");
        copy(request.extra(), "frequency_penalty", config, "frequencyPenalty");
        if (request.responseFormat() != null && request.responseFormat().wantsJson()) {
            config.put("responseMimeType", "application/json");
            if (request.responseFormat().schema() != null) {
                config.set("responseJsonSchema", request.responseFormat().schema());
            }
        }
        if (!request.tools().isEmpty()) {
            ArrayNode declarations = body.putArray("tools").addObject().putArray("functionDeclarations");
            for (ChatRequest.Tool tool : request.tools()) {
                ObjectNode declaration = declarations.addObject().put("name", tool.name());
                if (tool.description() != null) {
                    declaration.put("description", tool.description());
                }
                if (tool.parameters() != null) {
                    declaration.set("parametersJsonSchema", tool.parameters());
                }
            }
            if (request.toolChoice() != null) {
                ObjectNode calling = body.putObject("toolConfig").putObject("functionCallingConfig");
                switch (request.toolChoice().mode()) {
                    case "required" -> calling.put("mode", "ANY");
                    case "none" -> calling.put("mode", "NONE");
                    case "function" ->
                        calling.put("mode", "ANY")
                                .putArray("allowedFunctionNames")
                                .add(request.toolChoice().function());
                    default -> calling.put("mode", "AUTO");
                }
            }
        }
        return body;
    }

    private static void copy(ObjectNode from, String name, ObjectNode to, String as) {
        if (from.has(name)) {
            to.set(as, from.get(name));
        }
    }

    static ChatResult result(JsonNode answer, String model) {
        List<ChatResult.Choice> choices = new ArrayList<>();
        for (JsonNode candidate : answer.path("candidates")) {
            StringBuilder text = new StringBuilder();
            List<ChatMessage.ToolCall> calls = new ArrayList<>();
            for (JsonNode part : candidate.path("content").path("parts")) {
                if (part.path("thought").asBoolean(false)) {
                    continue;
                }
                if (part.has("text")) {
                    text.append(part.path("text").asString());
                } else if (part.has("functionCall")) {
                    calls.add(new ChatMessage.ToolCall(
                            "call_" + choices.size() + "_" + calls.size(),
                            part.path("functionCall").path("name").asString(),
                            Json.write(part.path("functionCall").path("args"))));
                }
            }
            String finish = switch (candidate.path("finishReason").asString("STOP")) {
                case "MAX_TOKENS" -> "length";
                case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" ->
                    "content_filter";
                default -> calls.isEmpty() ? "stop" : "tool_calls";
            };
            choices.add(new ChatResult.Choice(
                    candidate.path("index").asInt(choices.size()),
                    ChatMessage.assistant(text.toString(), calls),
                    finish));
        }
        if (choices.isEmpty()) {
            // The prompt itself was blocked (promptFeedback.blockReason): no candidate at all.
            choices.add(new ChatResult.Choice(0, ChatMessage.assistant("", List.of()), "content_filter"));
        }
        JsonNode u = answer.path("usageMetadata");
        long thoughts = u.path("thoughtsTokenCount").asLong();
        Usage usage = new Usage(
                u.path("promptTokenCount").asLong(),
                u.path("candidatesTokenCount").asLong() + thoughts,
                u.path("cachedContentTokenCount").asLong(),
                thoughts);
        return new ChatResult(
                answer.path("responseId").asString(""),
                answer.path("modelVersion").asString(model),
                choices,
                usage);
    }

    @Override
    public EmbeddingResult embed(List<String> inputs, String model, Integer dimensions, Duration timeout)
            throws ProviderException {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode requests = body.putArray("requests");
        for (String input : inputs) {
            ObjectNode item = requests.addObject().put("model", "models/" + model);
            item.putObject("content").putArray("parts").addObject().put("text", input);
            if (dimensions != null) {
                item.put("outputDimensionality", dimensions);
            }
        }
        JsonNode answer = http.post(
                name(),
                ProviderHttp.url(baseUrl, "v1beta/models/" + model + ":batchEmbedContents"),
                Headers.of("x-goog-api-key", apiKey),
                body,
                timeout);
        List<float[]> vectors = new ArrayList<>();
        answer.path("embeddings").forEach(e -> vectors.add(OpenAiWire.floats(e.path("values"))));
        // Gemini reports no token count for embeddings: estimated, for accounting.
        return new EmbeddingResult(
                vectors, inputs.stream().mapToLong(TokenEstimator::estimate).sum());
    }
}

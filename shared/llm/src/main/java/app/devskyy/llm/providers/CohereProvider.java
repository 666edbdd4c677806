package app.devskyy.llm.providers;

import app.devskyy.core.Json;
import app.devskyy.llm.ChatMessage;
import app.devskyy.llm.ChatProvider;
import app.devskyy.llm.ChatRequest;
import app.devskyy.llm.ChatResult;
import app.devskyy.llm.EmbeddingResult;
import app.devskyy.llm.OpenAiWire;
import app.devskyy.llm.ProviderException;
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
 * Cohere's Chat API v2: messages and tools close to OpenAI's, but its own names for sampling
 * ({@code p}, {@code k}, {@code stop_sequences}), upper-case tool choice and finish reasons, and
 * text content as blocks in answers.
 */
public final class CohereProvider implements ChatProvider {

    private final HttpUrl baseUrl;
    private final String apiKey;
    private final ProviderHttp http;

    public CohereProvider(HttpUrl baseUrl, String apiKey, ProviderHttp http) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.http = http;
    }

    @Override
    public String name() {
        return "cohere";
    }

    @Override
    public ChatResult chat(ChatRequest request, String model, Duration timeout) throws ProviderException {
        ProviderException.requireSingleChoice(name(), request);
        return result(
                http.post(name(), ProviderHttp.url(baseUrl, "v2/chat"), headers(), body(request, model), timeout),
                model);
    }

    private Headers headers() {
        return Headers.of("authorization", "Bearer " + apiKey);
    }

    static ObjectNode body(ChatRequest request, String model) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("model", model);
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage m : request.messages()) {
            ObjectNode out = OpenAiWire.writeMessage(m);
            out.remove("name");
            if (out.path("content").isNull()) {
                out.remove("content");
            }
            messages.add(out);
        }
        if (request.temperature() != null) {
            body.put("temperature", request.temperature());
        }
        if (request.topP() != null) {
            body.put("p", request.topP());
        }
        if (request.maxTokens() != null) {
            body.put("max_tokens", request.maxTokens());
        }
        if (!request.stop().isEmpty()) {
            ArrayNode stops = body.putArray("stop_sequences");
            request.stop().forEach(stops::add);
        }
        for (String name : List.of("seed", "frequency_penalty", "presence_penalty")) {
            if (request.extra().has(name)) {
                body.set(name, request.extra().get(name));
            }
        }
        if (request.extra().has("top_k")) {
            body.set("k", request.extra().get("top_k"));
        }
        if (!request.tools().isEmpty()) {
            body.set("tools", OpenAiWire.writeTools(request.tools()));
            if (request.toolChoice() != null
                    && !"auto".equals(request.toolChoice().mode())) {
                // Cohere knows REQUIRED and NONE; a named function is "required" with that one tool offered.
                body.put("tool_choice", "none".equals(request.toolChoice().mode()) ? "NONE" : "REQUIRED");
            }
        }
        if (request.responseFormat() != null && request.responseFormat().wantsJson()) {
            ObjectNode format = body.putObject("response_format").put("type", "json_object");
            if (request.responseFormat().schema() != null) {
                format.set("json_schema", request.responseFormat().schema());
            }
        }
        return body;
    }

    static ChatResult result(JsonNode answer, String model) {
        JsonNode message = answer.path("message");
        StringBuilder text = new StringBuilder();
        for (JsonNode block : message.path("content")) {
            if ("text".equals(block.path("type").asString())) {
                text.append(block.path("text").asString());
            }
        }
        List<ChatMessage.ToolCall> calls = new ArrayList<>();
        for (JsonNode call : message.path("tool_calls")) {
            calls.add(new ChatMessage.ToolCall(
                    call.path("id").asString(),
                    call.path("function").path("name").asString(),
                    call.path("function").path("arguments").asString("{}")));
        }
        String finish = switch (answer.path("finish_reason").asString("COMPLETE")) {
            case "MAX_TOKENS" -> "length";
            case "TOOL_CALL" -> "tool_calls";
            case "ERROR_TOXIC" -> "content_filter";
            default -> "stop";
        };
        JsonNode tokens = answer.path("usage").path("tokens");
        JsonNode billed = answer.path("usage").path("billed_units");
        // Billed units are what Cohere charges; raw token counts include its prompt template.
        Usage usage = new Usage(
                billed.path("input_tokens").asLong(tokens.path("input_tokens").asLong()),
                billed.path("output_tokens").asLong(tokens.path("output_tokens").asLong()),
                answer.path("usage").path("cached_tokens").asLong(),
                0);
        return new ChatResult(
                answer.path("id").asString(""),
                model,
                List.of(new ChatResult.Choice(0, ChatMessage.assistant(text.toString(), calls), finish)),
                usage);
    }

    @Override
    public EmbeddingResult embed(List<String> inputs, String model, Integer dimensions, Duration timeout)
            throws ProviderException {
        ObjectNode body = Json.MAPPER.createObjectNode().put("model", model).put("input_type", "search_document");
        ArrayNode texts = body.putArray("texts");
        inputs.forEach(texts::add);
        body.putArray("embedding_types").add("float");
        if (dimensions != null) {
            body.put("output_dimension", dimensions);
        }
        JsonNode answer = http.post(name(), ProviderHttp.url(baseUrl, "v2/embed"), headers(), body, timeout);
        List<float[]> vectors = new ArrayList<>();
        answer.path("embeddings").path("float").forEach(v -> vectors.add(OpenAiWire.floats(v)));
        return new EmbeddingResult(
                vectors,
                answer.path("meta").path("billed_units").path("input_tokens").asLong());
    }
}

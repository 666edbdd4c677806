package app.devskyy.llm.providers;

import app.devskyy.core.Json;
import app.devskyy.llm.ChatProvider;
import app.devskyy.llm.ChatRequest;
import app.devskyy.llm.ChatResult;
import app.devskyy.llm.EmbeddingResult;
import app.devskyy.llm.OpenAiWire;
import app.devskyy.llm.ProviderException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every server that speaks OpenAI's format: OpenAI itself, Mistral, Groq, and any base URL
 * (Ollama, vLLM). They differ only in the name of the output limit and in which extra parameters
 * they accept, so one class with those two settings serves them all.
 */
public final class OpenAiCompatibleProvider implements ChatProvider {

    private final String name;
    private final HttpUrl baseUrl;
    private final String apiKey;
    private final String maxTokensField;
    private final Set<String> extrasAccepted;
    private final ProviderHttp http;

    public OpenAiCompatibleProvider(
            String name,
            HttpUrl baseUrl,
            String apiKey,
            String maxTokensField,
            Set<String> extrasAccepted,
            ProviderHttp http) {
        this.name = name;
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.maxTokensField = maxTokensField;
        this.extrasAccepted = Set.copyOf(extrasAccepted);
        this.http = http;
    }

    public static OpenAiCompatibleProvider openAi(HttpUrl baseUrl, String apiKey, ProviderHttp http) {
        return new OpenAiCompatibleProvider(
                "openai",
                baseUrl,
                apiKey,
                "max_completion_tokens",
                Set.of(
                        "frequency_penalty",
                        "presence_penalty",
                        "seed",
                        "logit_bias",
                        "reasoning_effort",
                        "parallel_tool_calls",
                        "service_tier"),
                http);
    }

    public static OpenAiCompatibleProvider mistral(HttpUrl baseUrl, String apiKey, ProviderHttp http) {
        return new OpenAiCompatibleProvider(
                "mistral",
                baseUrl,
                apiKey,
                "max_tokens",
                Set.of("frequency_penalty", "presence_penalty", "parallel_tool_calls"),
                http);
    }

    public static OpenAiCompatibleProvider groq(HttpUrl baseUrl, String apiKey, ProviderHttp http) {
        return new OpenAiCompatibleProvider(
                "groq",
                baseUrl,
                apiKey,
                "max_completion_tokens",
                Set.of("frequency_penalty", "presence_penalty", "seed", "reasoning_effort", "parallel_tool_calls"),
                http);
    }

    /** Ollama, vLLM, LM Studio...: a key only if the server wants one. */
    public static OpenAiCompatibleProvider compatible(String name, HttpUrl baseUrl, String apiKey, ProviderHttp http) {
        return new OpenAiCompatibleProvider(
                name,
                baseUrl,
                apiKey,
                "max_tokens",
                Set.of("frequency_penalty", "presence_penalty", "seed", "top_k"),
                http);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ChatResult chat(ChatRequest request, String model, Duration timeout) throws ProviderException {
        ObjectNode body = OpenAiWire.writeChatRequest(request, model, maxTokensField, extrasAccepted);
        return OpenAiWire.readChatResult(
                http.post(name, ProviderHttp.url(baseUrl, "chat/completions"), headers(), body, timeout), model);
    }

    @Override
    public EmbeddingResult embed(List<String> inputs, String model, Integer dimensions, Duration timeout)
            throws ProviderException {
        ObjectNode body = Json.MAPPER.createObjectNode().put("model", model).put("encoding_format", "float");
        ArrayNode input = body.putArray("input");
        inputs.forEach(input::add);
        if (dimensions != null) {
            body.put("dimensions", dimensions);
        }
        return OpenAiWire.readEmbeddings(
                http.post(name, ProviderHttp.url(baseUrl, "embeddings"), headers(), body, timeout));
    }

    private Headers headers() {
        return apiKey == null || apiKey.isBlank() ? Headers.of() : Headers.of("authorization", "Bearer " + apiKey);
    }
}

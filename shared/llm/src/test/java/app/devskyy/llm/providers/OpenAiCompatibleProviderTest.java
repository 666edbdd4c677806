package app.devskyy.llm.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.llm.ChatResult;
import app.devskyy.llm.EmbeddingResult;
import app.devskyy.llm.ProviderException;
import app.devskyy.llm.ProviderException.Kind;
import app.devskyy.llm.Requests;
import java.time.Duration;
import java.util.List;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** OpenAI's wire format (also Mistral's, Groq's, Ollama's): requests pass through, answers and errors are read. */
class OpenAiCompatibleProviderTest {

    private final MockProvider openai = new MockProvider();
    private final OpenAiCompatibleProvider provider =
            OpenAiCompatibleProvider.openAi(openai.base("/v1"), "sk-test", ProviderHttp.shared());

    OpenAiCompatibleProviderTest() throws Exception {}

    @AfterEach
    void stop() {
        openai.close();
    }

    @Test
    void sendsTheConversationWithToolsAndReadsAToolCallWithUsage() throws Exception {
        openai.answer(200, """
                {"id": "chatcmpl-B9MBs8", "object": "chat.completion", "created": 1741569952, "model": "gpt-4.1-2025-04-14",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": null, "refusal": null, "annotations": [],
                   "tool_calls": [{"id": "call_abc", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Lyon\\"}"}}]},
                   "logprobs": null, "finish_reason": "tool_calls"}],
                 "usage": {"prompt_tokens": 82, "completion_tokens": 17, "total_tokens": 99,
                   "prompt_tokens_details": {"cached_tokens": 64, "audio_tokens": 0},
                   "completion_tokens_details": {"reasoning_tokens": 5, "audio_tokens": 0}}}""");
        ChatResult result = provider.chat(Requests.toolConversation(), "gpt-4.1", Duration.ofSeconds(5));

        RecordedRequest sent = openai.next();
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
        assertThat(sent.getHeaders().get("authorization")).isEqualTo("Bearer sk-test");
        JsonNode body = MockProvider.body(sent);
        assertThat(body.path("model").asString()).isEqualTo("gpt-4.1");
        // OpenAI's reasoning models refuse max_tokens: the newer name is sent.
        assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(300);
        assertThat(body.has("max_tokens")).isFalse();
        assertThat(MockProvider.texts(body.path("messages"), "role"))
                .containsExactly("system", "user", "assistant", "tool", "user");
        assertThat(body.at("/messages/2/tool_calls/0/function/arguments").asString())
                .isEqualTo("{\"city\":\"Paris\"}");
        assertThat(body.at("/messages/3/tool_call_id").asString()).isEqualTo("call_1");
        assertThat(body.path("tool_choice").asString()).isEqualTo("required");
        assertThat(body.at("/tools/0/function/name").asString()).isEqualTo("get_weather");

        assertThat(result.choices().getFirst().finishReason()).isEqualTo("tool_calls");
        assertThat(result.choices().getFirst().message().toolCalls().getFirst().arguments())
                .isEqualTo("{\"city\":\"Lyon\"}");
        assertThat(result.usage().promptTokens()).isEqualTo(82);
        assertThat(result.usage().cachedTokens()).isEqualTo(64);
        assertThat(result.usage().reasoningTokens()).isEqualTo(5);
        assertThat(result.model()).isEqualTo("gpt-4.1-2025-04-14");
    }

    @Test
    void passesTheJsonSchemaAndTheParametersThisProviderTakes() throws Exception {
        openai.answer(200, """
                {"id": "c", "object": "chat.completion", "created": 1, "model": "gpt-4.1",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": "{\\"name\\":\\"teal\\"}"}, "finish_reason": "stop"}],
                 "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}""");
        var request = Requests.of("""
                {"model": "x", "messages": [{"role": "user", "content": "Colour?"}], "seed": 7, "top_k": 40,
                 "response_format": {"type": "json_schema", "json_schema": {"name": "colour", "strict": true,
                   "schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}}""");
        assertThat(provider.chat(request, "gpt-4.1", Duration.ofSeconds(5)).text())
                .isEqualTo("{\"name\":\"teal\"}");
        JsonNode body = MockProvider.body(openai.next());
        assertThat(body.at("/response_format/json_schema/name").asString()).isEqualTo("colour");
        assertThat(body.at("/response_format/json_schema/strict").asBoolean()).isTrue();
        assertThat(body.path("seed").asInt()).isEqualTo(7);
        assertThat(body.has("top_k")).as("OpenAI has no top_k").isFalse();
    }

    @Test
    void mistralTakesMaxTokensUnderItsOwnName() throws Exception {
        var mistral = OpenAiCompatibleProvider.mistral(openai.base("/v1"), "m-key", ProviderHttp.shared());
        openai.answer(200, """
                {"id": "c", "object": "chat.completion", "created": 1, "model": "mistral-small-latest",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi"}, "finish_reason": "model_length"}],
                 "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}}""");
        ChatResult result = mistral.chat(Requests.toolConversation(), "mistral-small-latest", Duration.ofSeconds(5));
        assertThat(MockProvider.body(openai.next()).path("max_tokens").asInt()).isEqualTo(300);
        assertThat(result.choices().getFirst().finishReason()).isEqualTo("length");
    }

    @Test
    void classifiesErrorsWithTheProvidersRetryAfter() {
        openai.answer(429, """
                {"error": {"message": "Rate limit reached for gpt-4.1 on tokens per min (TPM). Please try again in 2s.",
                  "type": "tokens", "param": null, "code": "rate_limit_exceeded"}}""", "retry-after", "2");
        assertThatThrownBy(() -> provider.chat(Requests.simple(), "gpt-4.1", Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
                    assertThat(e.getMessage()).contains("Rate limit reached");
                });
        openai.answer(400, """
                {"error": {"message": "Invalid value for 'temperature'.", "type": "invalid_request_error", "param": "temperature", "code": "invalid_value"}}""");
        assertThatThrownBy(() -> provider.chat(Requests.simple(), "gpt-4.1", Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(
                        ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REJECTED));
        openai.answer(401, """
                {"error": {"message": "Incorrect API key provided: sk-live-0123456789abcdefghijklmnop.", "type": "invalid_request_error", "code": "invalid_api_key"}}""");
        assertThatThrownBy(() -> provider.chat(Requests.simple(), "gpt-4.1", Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.MISCONFIGURED);
                    assertThat(e.getMessage())
                            .doesNotContain("0123456789abcdef")
                            .contains("[KEY]");
                });
        openai.answer(503, "<html>upstream connect error</html>");
        assertThatThrownBy(() -> provider.chat(Requests.simple(), "gpt-4.1", Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(
                        ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
    }

    @Test
    void aSlowProviderTimesOutAtTheAttemptsDeadline() {
        openai.stall();
        assertThatThrownBy(() -> provider.chat(Requests.simple(), "gpt-4.1", Duration.ofMillis(300)))
                .isInstanceOfSatisfying(
                        ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT));
    }

    @Test
    void embeddingsInAndOut() throws Exception {
        openai.answer(200, """
                {"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": [0.1, -0.2]},
                  {"object": "embedding", "index": 1, "embedding": [0.3, 0.4]}],
                 "model": "text-embedding-3-small", "usage": {"prompt_tokens": 8, "total_tokens": 8}}""");
        EmbeddingResult result = provider.embed(List.of("a", "b"), "text-embedding-3-small", 2, Duration.ofSeconds(5));
        JsonNode body = MockProvider.body(openai.next());
        assertThat(body.path("dimensions").asInt()).isEqualTo(2);
        assertThat(body.path("input").size()).isEqualTo(2);
        assertThat(result.vectors().get(1)).containsExactly(0.3f, 0.4f);
        assertThat(result.promptTokens()).isEqualTo(8);
    }
}

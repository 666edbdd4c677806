package app.devskyy.llm.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.llm.ChatResult;
import app.devskyy.llm.ProviderException;
import app.devskyy.llm.ProviderException.Kind;
import app.devskyy.llm.Requests;
import java.time.Duration;
import java.util.List;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Cohere's Chat API v2: its own sampling names, upper-case tool choice and finish reasons, billed units. */
class CohereProviderTest {

    private final MockProvider cohere = new MockProvider();
    private final CohereProvider provider = new CohereProvider(cohere.base("/"), "co-test", ProviderHttp.shared());

    CohereProviderTest() throws Exception {}

    @AfterEach
    void stop() {
        cohere.close();
    }

    @Test
    void translatesAToolRoundTripAndReadsBilledUnits() throws Exception {
        cohere.answer(200, """
                {"id": "c14c80c3-18eb-4519-9460-6c92edd8cfb4", "finish_reason": "TOOL_CALL",
                 "message": {"role": "assistant", "tool_plan": "I will look up the weather in Lyon.",
                   "tool_calls": [{"id": "get_weather_1byjy32y4hvq", "type": "function",
                     "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Lyon\\"}"}}]},
                 "usage": {"billed_units": {"input_tokens": 37, "output_tokens": 24}, "tokens": {"input_tokens": 1048, "output_tokens": 76}}}""");
        ChatResult result = provider.chat(Requests.toolConversation(), "command-a-03-2025", Duration.ofSeconds(5));

        RecordedRequest sent = cohere.next();
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v2/chat");
        assertThat(sent.getHeaders().get("authorization")).isEqualTo("Bearer co-test");
        JsonNode body = MockProvider.body(sent);
        assertThat(body.path("p").asDouble()).isEqualTo(0.9);
        assertThat(body.has("top_p")).isFalse();
        assertThat(body.path("stop_sequences").get(0).asString()).isEqualTo("END");
        assertThat(body.path("tool_choice").asString()).isEqualTo("REQUIRED");
        assertThat(MockProvider.texts(body.path("messages"), "role"))
                .containsExactly("system", "user", "assistant", "tool", "user");
        assertThat(body.at("/messages/2/content").isMissingNode())
                .as("no null content for tool-calling turns")
                .isTrue();

        assertThat(result.choices().getFirst().finishReason()).isEqualTo("tool_calls");
        assertThat(result.choices().getFirst().message().toolCalls().getFirst().arguments())
                .isEqualTo("{\"city\":\"Lyon\"}");
        assertThat(result.usage().promptTokens()).isEqualTo(37);
        assertThat(result.usage().completionTokens()).isEqualTo(24);
    }

    @Test
    void textJsonModeAndErrors() throws Exception {
        cohere.answer(200, """
                {"id": "x", "finish_reason": "MAX_TOKENS", "message": {"role": "assistant", "content": [{"type": "text", "text": "{\\"name\\":"}]},
                 "usage": {"billed_units": {"input_tokens": 5, "output_tokens": 3}}}""");
        ChatResult result = provider.chat(Requests.jsonSchema(), "command-a-03-2025", Duration.ofSeconds(5));
        JsonNode body = MockProvider.body(cohere.next());
        assertThat(body.at("/response_format/type").asString()).isEqualTo("json_object");
        assertThat(body.at("/response_format/json_schema/required/0").asString())
                .isEqualTo("name");
        assertThat(result.choices().getFirst().finishReason()).isEqualTo("length");
        cohere.answer(429, """
                {"id": "e", "message": "You are using a Trial key, which is limited to 10 API calls / minute."}""");
        assertThatThrownBy(() -> provider.chat(Requests.simple(), "command-a-03-2025", Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
                    assertThat(e.getMessage()).contains("Trial key");
                });
    }

    @Test
    void embeddings() throws Exception {
        cohere.answer(200, """
                {"id": "e", "embeddings": {"float": [[0.1, 0.2], [0.3, 0.4]]}, "texts": ["a", "b"],
                 "meta": {"billed_units": {"input_tokens": 4}}}""");
        var result = provider.embed(List.of("a", "b"), "embed-v4.0", null, Duration.ofSeconds(5));
        JsonNode body = MockProvider.body(cohere.next());
        assertThat(body.path("embedding_types").get(0).asString()).isEqualTo("float");
        assertThat(result.vectors()).hasSize(2);
        assertThat(result.promptTokens()).isEqualTo(4);
    }
}

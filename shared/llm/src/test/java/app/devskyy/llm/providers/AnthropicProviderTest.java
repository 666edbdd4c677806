package app.devskyy.llm.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.llm.ChatResult;
import app.devskyy.llm.ProviderException;
import app.devskyy.llm.ProviderException.Kind;
import app.devskyy.llm.Requests;
import java.time.Duration;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Anthropic's Messages API: system apart, tool_use and tool_result blocks, forced tool for JSON schemas. */
class AnthropicProviderTest {

    private final MockProvider anthropic = new MockProvider();
    private final AnthropicProvider provider =
            new AnthropicProvider(anthropic.base("/"), "sk-ant-test", ProviderHttp.shared());

    AnthropicProviderTest() throws Exception {}

    @AfterEach
    void stop() {
        anthropic.close();
    }

    @Test
    void translatesAToolRoundTripBothWays() throws Exception {
        anthropic.answer(200, """
                {"id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5-20250929",
                 "content": [{"type": "text", "text": "Let me check Lyon too."},
                   {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather", "input": {"city": "Lyon"}}],
                 "stop_reason": "tool_use", "stop_sequence": null,
                 "usage": {"input_tokens": 472, "cache_creation_input_tokens": 20, "cache_read_input_tokens": 100, "output_tokens": 91}}""");
        ChatResult result = provider.chat(Requests.toolConversation(), "claude-sonnet-4-5", Duration.ofSeconds(5));

        RecordedRequest sent = anthropic.next();
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/messages");
        assertThat(sent.getHeaders().get("x-api-key")).isEqualTo("sk-ant-test");
        assertThat(sent.getHeaders().get("anthropic-version")).isEqualTo("2023-06-01");
        JsonNode body = MockProvider.body(sent);
        assertThat(body.path("system").asString()).isEqualTo("Be brief.");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(300);
        assertThat(body.path("stop_sequences").get(0).asString()).isEqualTo("END");
        assertThat(MockProvider.texts(body.path("messages"), "role")).containsExactly("user", "assistant", "user");
        assertThat(body.at("/messages/1/content/0/type").asString()).isEqualTo("tool_use");
        assertThat(body.at("/messages/1/content/0/input/city").asString()).isEqualTo("Paris");
        // The tool result and the next question share one user turn.
        assertThat(body.at("/messages/2/content/0/type").asString()).isEqualTo("tool_result");
        assertThat(body.at("/messages/2/content/0/tool_use_id").asString()).isEqualTo("call_1");
        assertThat(body.at("/messages/2/content/1/text").asString()).isEqualTo("And should I take a coat?");
        assertThat(body.at("/tools/0/input_schema/required/0").asString()).isEqualTo("city");
        assertThat(body.at("/tool_choice/type").asString()).isEqualTo("any");

        var choice = result.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo("tool_calls");
        assertThat(choice.message().text()).isEqualTo("Let me check Lyon too.");
        assertThat(choice.message().toolCalls().getFirst().id()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
        assertThat(choice.message().toolCalls().getFirst().arguments()).isEqualTo("{\"city\":\"Lyon\"}");
        // OpenAI's prompt count holds cache reads and writes; only reads are "cached".
        assertThat(result.usage().promptTokens()).isEqualTo(592);
        assertThat(result.usage().cachedTokens()).isEqualTo(100);
        assertThat(result.usage().completionTokens()).isEqualTo(91);
    }

    @Test
    void aJsonSchemaBecomesAForcedToolWhoseInputIsTheAnswer() throws Exception {
        anthropic.answer(200, """
                {"id": "msg_2", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
                 "content": [{"type": "tool_use", "id": "toolu_2", "name": "structured_output", "input": {"name": "teal"}}],
                 "stop_reason": "tool_use", "usage": {"input_tokens": 30, "output_tokens": 12}}""");
        ChatResult result = provider.chat(Requests.jsonSchema(), "claude-sonnet-4-5", Duration.ofSeconds(5));
        JsonNode body = MockProvider.body(anthropic.next());
        assertThat(body.at("/tool_choice/name").asString()).isEqualTo("structured_output");
        assertThat(body.at("/tools/0/input_schema/required/0").asString()).isEqualTo("name");
        assertThat(body.path("max_tokens").asInt()).as("required by Anthropic").isEqualTo(4096);
        assertThat(result.text()).isEqualTo("{\"name\":\"teal\"}");
        assertThat(result.choices().getFirst().finishReason()).isEqualTo("stop");
        assertThat(result.choices().getFirst().message().toolCalls()).isEmpty();
    }

    @Test
    void stopReasonsAndErrorsMapToOpenAis() throws Exception {
        anthropic.answer(200, """
                {"id": "m", "type": "message", "role": "assistant", "model": "c", "content": [{"type": "text", "text": "Once upon"}],
                 "stop_reason": "max_tokens", "usage": {"input_tokens": 3, "output_tokens": 2}}""");
        assertThat(provider.chat(Requests.simple(), "c", Duration.ofSeconds(5))
                        .choices()
                        .getFirst()
                        .finishReason())
                .isEqualTo("length");
        anthropic.answer(429, """
                {"type": "error", "error": {"type": "rate_limit_error", "message": "Number of request tokens has exceeded your per-minute rate limit"}}""", "retry-after", "7");
        assertThatThrownBy(() -> provider.chat(Requests.simple(), "c", Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
                    assertThat(e.getMessage()).startsWith("Number of request tokens");
                });
        anthropic.answer(529, """
                {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}""");
        assertThatThrownBy(() -> provider.chat(Requests.simple(), "c", Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(
                        ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
    }
}

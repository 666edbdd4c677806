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

/** Gemini's generateContent: user/model roles, functionCall/functionResponse parts, thinking tokens. */
class GeminiProviderTest {

    private final MockProvider google = new MockProvider();
    private final GeminiProvider provider = new GeminiProvider(google.base("/"), "AIza-test", ProviderHttp.shared());

    GeminiProviderTest() throws Exception {}

    @AfterEach
    void stop() {
        google.close();
    }

    @Test
    void translatesAToolRoundTripAndCountsThoughts() throws Exception {
        google.answer(200, """
                {"candidates": [{"content": {"parts": [{"text": "thinking...", "thought": true},
                    {"functionCall": {"name": "get_weather", "args": {"city": "Lyon"}}}], "role": "model"},
                  "finishReason": "STOP", "index": 0}],
                 "usageMetadata": {"promptTokenCount": 120, "candidatesTokenCount": 8, "cachedContentTokenCount": 40,
                   "thoughtsTokenCount": 25, "totalTokenCount": 153},
                 "modelVersion": "gemini-2.5-flash", "responseId": "resp-1"}""");
        ChatResult result = provider.chat(Requests.toolConversation(), "gemini-2.5-flash", Duration.ofSeconds(5));

        RecordedRequest sent = google.next();
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(sent.getHeaders().get("x-goog-api-key")).isEqualTo("AIza-test");
        JsonNode body = MockProvider.body(sent);
        assertThat(body.at("/systemInstruction/parts/0/text").asString()).isEqualTo("Be brief.");
        assertThat(MockProvider.texts(body.path("contents"), "role")).containsExactly("user", "model", "user");
        assertThat(body.at("/contents/1/parts/0/functionCall/args/city").asString())
                .isEqualTo("Paris");
        // Gemini's results carry the function's name, found through the call id.
        assertThat(body.at("/contents/2/parts/0/functionResponse/name").asString())
                .isEqualTo("get_weather");
        assertThat(body.at("/contents/2/parts/0/functionResponse/response/content/celsius")
                        .asInt())
                .isEqualTo(21);
        assertThat(body.at("/generationConfig/maxOutputTokens").asInt()).isEqualTo(300);
        assertThat(body.at("/generationConfig/stopSequences/0").asString()).isEqualTo("END");
        assertThat(body.at("/tools/0/functionDeclarations/0/parametersJsonSchema/required/0")
                        .asString())
                .isEqualTo("city");
        assertThat(body.at("/toolConfig/functionCallingConfig/mode").asString()).isEqualTo("ANY");

        var choice = result.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo("tool_calls");
        assertThat(choice.message().text())
                .as("thought parts are not the answer")
                .isEmpty();
        assertThat(choice.message().toolCalls().getFirst().name()).isEqualTo("get_weather");
        assertThat(result.usage().completionTokens()).isEqualTo(33);
        assertThat(result.usage().reasoningTokens()).isEqualTo(25);
        assertThat(result.usage().cachedTokens()).isEqualTo(40);
    }

    @Test
    void jsonSchemaSafetyAndErrors() throws Exception {
        google.answer(200, """
                {"candidates": [{"content": {"parts": [{"text": "{\\"name\\":\\"teal\\"}"}], "role": "model"}, "finishReason": "STOP"}],
                 "usageMetadata": {"promptTokenCount": 9, "candidatesTokenCount": 6, "totalTokenCount": 15}}""");
        assertThat(provider.chat(Requests.jsonSchema(), "gemini-2.5-flash", Duration.ofSeconds(5))
                        .text())
                .isEqualTo("{\"name\":\"teal\"}");
        JsonNode body = MockProvider.body(google.next());
        assertThat(body.at("/generationConfig/responseMimeType").asString()).isEqualTo("application/json");
        assertThat(body.at("/generationConfig/responseJsonSchema/required/0").asString())
                .isEqualTo("name");

        google.answer(200, """
                {"candidates": [{"content": {"parts": [{"text": ""}], "role": "model"}, "finishReason": "SAFETY"}],
                 "usageMetadata": {"promptTokenCount": 9, "candidatesTokenCount": 0, "totalTokenCount": 9}}""");
        assertThat(provider.chat(Requests.simple(), "gemini-2.5-flash", Duration.ofSeconds(5))
                        .choices()
                        .getFirst()
                        .finishReason())
                .isEqualTo("content_filter");

        google.answer(429, """
                {"error": {"code": 429, "message": "Resource has been exhausted (e.g. check quota).", "status": "RESOURCE_EXHAUSTED"}}""");
        assertThatThrownBy(() -> provider.chat(Requests.simple(), "gemini-2.5-flash", Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
                    assertThat(e.getMessage()).startsWith("Resource has been exhausted");
                });
        google.answer(400, """
                {"error": {"code": 400, "message": "Invalid JSON payload received.", "status": "INVALID_ARGUMENT"}}""");
        assertThatThrownBy(() -> provider.chat(Requests.simple(), "gemini-2.5-flash", Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(
                        ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REJECTED));
    }

    @Test
    void embeddingsInBatch() throws Exception {
        google.answer(200, """
                {"embeddings": [{"values": [0.5, 0.25]}, {"values": [-0.5, 1.0]}]}""");
        var result = provider.embed(List.of("linen", "wool"), "gemini-embedding-001", 2, Duration.ofSeconds(5));
        RecordedRequest sent = google.next();
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1beta/models/gemini-embedding-001:batchEmbedContents");
        JsonNode body = MockProvider.body(sent);
        assertThat(body.at("/requests/1/content/parts/0/text").asString()).isEqualTo("wool");
        assertThat(body.at("/requests/0/outputDimensionality").asInt()).isEqualTo(2);
        assertThat(result.vectors().get(1)).containsExactly(-0.5f, 1.0f);
    }
}

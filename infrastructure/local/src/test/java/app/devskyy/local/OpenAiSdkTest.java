package app.devskyy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.Json;
import app.devskyy.core.testing.Events;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.errors.UnprocessableEntityException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The official OpenAI Java SDK as the client of the local API, with no provider configured: the
 * deployment's offline model answers, and the SDK must understand every answer and raise the right
 * exception for every error.
 */
class OpenAiSdkTest {

    @TempDir
    static Path dataDir;

    static LocalApi api;
    static LlmWorkspace workspace;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> noProviders = new HashMap<>();
        for (String key : List.of(
                "OPENAI_API_KEY",
                "ANTHROPIC_API_KEY",
                "GOOGLE_API_KEY",
                "MISTRAL_API_KEY",
                "COHERE_API_KEY",
                "GROQ_API_KEY",
                "LLM_COMPATIBLE_PROVIDERS")) {
            noProviders.put(key, "");
        }
        api = LocalApi.start(
                new LocalApi.Options(0, dataDir, Events.repositoryRoot().resolve("template.yaml"), noProviders));
        workspace = LlmWorkspace.create(api);
        client = sdk(workspace.key("api_user")[1]).build();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    /** Retries off: an SDK that retries 429s would hide them from the test. */
    static OpenAIOkHttpClient.Builder sdk(String apiKey) {
        return OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + api.port() + "/api/v1/llm")
                .apiKey(apiKey)
                .maxRetries(0);
    }

    private static ChatCompletionCreateParams.Builder ask(String model, String text) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(text);
    }

    @Test
    void chatAnswersFromTheOfflineModelAndSaysSo() {
        HttpResponseFor<ChatCompletion> raw = client.chat()
                .completions()
                .withRawResponse()
                .create(ask("smart", "Hello from the SDK")
                        .addSystemMessage("Be brief.")
                        .temperature(0.2)
                        .build());
        ChatCompletion completion = raw.parse();
        assertThat(completion.model()).isEqualTo("devskyy-offline");
        assertThat(completion.choices().getFirst().message().content())
                .hasValueSatisfying(
                        text -> assertThat(text).contains("offline model").contains("Hello from the SDK"));
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage())
                .hasValueSatisfying(u -> assertThat(u.totalTokens()).isPositive());
        assertThat(raw.headers().values("x-llm-provider")).containsExactly("offline");
        assertThat(raw.headers().values("x-llm-offline")).isNotEmpty();
    }

    @Test
    void toolsComeBackAsFunctionCallsTheSdkReads() {
        FunctionDefinition weather = FunctionDefinition.builder()
                .name("get_weather")
                .description("Weather of a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .build())
                .build();
        ChatCompletion completion = client.chat()
                .completions()
                .create(ask("fast", "What's the weather in Paris?")
                        .addFunctionTool(weather)
                        .toolChoice(ChatCompletionToolChoiceOption.ofAuto(ChatCompletionToolChoiceOption.Auto.REQUIRED))
                        .build());
        var choice = completion.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call =
                choice.message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        JsonNode arguments = Json.tree(call.function().arguments().getBytes(StandardCharsets.UTF_8));
        assertThat(arguments.path("city").isString()).isTrue();
    }

    @Test
    void aJsonSchemaResponseFormatYieldsAValidInstance() {
        var schema = ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("required", JsonValue.from(List.of("name", "hex", "warm")))
                .putAdditionalProperty(
                        "properties",
                        JsonValue.from(Map.of(
                                "name",
                                Map.of("type", "string"),
                                "hex",
                                Map.of("type", "string", "minLength", 7),
                                "warm",
                                Map.of("type", "boolean"))))
                .build();
        ChatCompletion completion = client.chat()
                .completions()
                .create(ask("cheap", "Name a colour.")
                        .responseFormat(ResponseFormatJsonSchema.builder()
                                .jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                                        .name("colour")
                                        .schema(schema)
                                        .strict(true)
                                        .build())
                                .build())
                        .build());
        JsonNode colour = Json.tree(completion
                .choices()
                .getFirst()
                .message()
                .content()
                .orElseThrow()
                .getBytes(StandardCharsets.UTF_8));
        assertThat(colour.path("name").isString()).isTrue();
        assertThat(colour.path("hex").asString().length()).isGreaterThanOrEqualTo(7);
        assertThat(colour.path("warm").isBoolean()).isTrue();
    }

    @Test
    void embeddingsOfSharedWordsAreCloser() {
        var embeddings = client.embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model("embed")
                        .inputOfArrayOfStrings(List.of("linen summer dress", "linen summer shirt", "wool winter coat"))
                        .build());
        assertThat(embeddings.data()).hasSize(3);
        List<Float> dress = embeddings.data().get(0).embedding();
        assertThat(cosine(dress, embeddings.data().get(1).embedding()))
                .isGreaterThan(cosine(dress, embeddings.data().get(2).embedding()));
    }

    private static double cosine(List<Float> a, List<Float> b) {
        double dot = 0;
        for (int i = 0; i < a.size(); i++) {
            dot += a.get(i) * b.get(i);
        }
        return dot;
    }

    @Test
    void modelsListAndRetrieve() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertThat(ids).contains("fast", "smart", "cheap", "code", "embed", "auto", "offline/devskyy-offline");
        assertThat(client.models().retrieve("smart").ownedBy()).contains("offline");
        assertThatThrownBy(() -> client.models().retrieve("gpt-17")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void ourErrorsBecomeTheSdksExceptions() throws Exception {
        assertThatThrownBy(() -> sdk("dsk_" + "0".repeat(43))
                        .build()
                        .chat()
                        .completions()
                        .create(ask("fast", "hi").build()))
                .isInstanceOf(UnauthorizedException.class);
        String reader = workspace.key("read_only")[1];
        assertThatThrownBy(() -> sdk(reader)
                        .build()
                        .chat()
                        .completions()
                        .create(ask("fast", "hi").build()))
                .isInstanceOf(PermissionDeniedException.class);
        assertThatThrownBy(() ->
                        client.chat().completions().create(ask("gpt-17", "hi").build()))
                .isInstanceOfSatisfying(
                        NotFoundException.class, e -> assertThat(e.getMessage()).contains("does not exist"));
        assertThatThrownBy(() -> client.chat()
                        .completions()
                        .create(ask("fast", "hi").temperature(5.0).build()))
                .isInstanceOf(UnprocessableEntityException.class);
        assertThatThrownBy(() -> sdk(reader)
                        .putHeader("x-workspace-id", "../etc")
                        .build()
                        .chat()
                        .completions()
                        .create(ask("fast", "hi").build()))
                .isInstanceOf(BadRequestException.class);

        LlmWorkspace limited = LlmWorkspace.create(api);
        assertThat(limited.put(limited.at("/budget"), "{\"rpm\":1}").status()).isEqualTo(200);
        OpenAIClient once = sdk(limited.key("api_user")[1]).build();
        once.chat().completions().create(ask("fast", "first").build());
        assertThatThrownBy(() ->
                        once.chat().completions().create(ask("fast", "second").build()))
                .isInstanceOfSatisfying(
                        RateLimitException.class,
                        e -> assertThat(e.headers().values("retry-after")).isNotEmpty());
    }
}

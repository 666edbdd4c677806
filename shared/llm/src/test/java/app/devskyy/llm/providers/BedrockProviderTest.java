package app.devskyy.llm.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.llm.ChatResult;
import app.devskyy.llm.ProviderException;
import app.devskyy.llm.ProviderException.Kind;
import app.devskyy.llm.Requests;
import java.net.URI;
import java.time.Duration;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import tools.jackson.databind.JsonNode;

/** Bedrock's Converse API, through the real SDK (SigV4 and all) against a mock endpoint. */
class BedrockProviderTest {

    private final MockProvider bedrock = new MockProvider();
    private final BedrockRuntimeClient client = BedrockRuntimeClient.builder()
            .endpointOverride(URI.create(bedrock.base("/").toString()))
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();
    private final BedrockProvider provider = new BedrockProvider(client);

    BedrockProviderTest() throws Exception {}

    @AfterEach
    void stop() {
        client.close();
        bedrock.close();
    }

    @Test
    void translatesAToolRoundTripThroughConverse() throws Exception {
        bedrock.answer(200, """
                {"output": {"message": {"role": "assistant", "content": [{"text": "Checking Lyon."},
                   {"toolUse": {"toolUseId": "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", "name": "get_weather", "input": {"city": "Lyon"}}}]}},
                 "stopReason": "tool_use", "usage": {"inputTokens": 400, "outputTokens": 40, "totalTokens": 440, "cacheReadInputTokens": 100},
                 "metrics": {"latencyMs": 812}}""");
        ChatResult result = provider.chat(
                Requests.toolConversation(), "us.anthropic.claude-sonnet-4-5-20250929-v1:0", Duration.ofSeconds(5));

        RecordedRequest sent = bedrock.next();
        assertThat(sent.getUrl().encodedPath())
                .isEqualTo("/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse");
        assertThat(sent.getHeaders().get("authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/");
        JsonNode body = MockProvider.body(sent);
        assertThat(body.at("/system/0/text").asString()).isEqualTo("Be brief.");
        assertThat(MockProvider.texts(body.path("messages"), "role")).containsExactly("user", "assistant", "user");
        assertThat(body.at("/messages/1/content/0/toolUse/input/city").asString())
                .isEqualTo("Paris");
        assertThat(body.at("/messages/2/content/0/toolResult/toolUseId").asString())
                .isEqualTo("call_1");
        assertThat(body.at("/inferenceConfig/maxTokens").asInt()).isEqualTo(300);
        assertThat(body.at("/toolConfig/tools/0/toolSpec/inputSchema/json/required/0")
                        .asString())
                .isEqualTo("city");
        assertThat(body.at("/toolConfig/toolChoice/any").isObject()).isTrue();

        assertThat(result.choices().getFirst().finishReason()).isEqualTo("tool_calls");
        assertThat(result.choices().getFirst().message().toolCalls().getFirst().arguments())
                .isEqualTo("{\"city\":\"Lyon\"}");
        assertThat(result.usage().promptTokens()).isEqualTo(500);
        assertThat(result.usage().cachedTokens()).isEqualTo(100);
    }

    @Test
    void throttlingIsARateLimitAndValidationARejection() {
        bedrock.answer(
                429,
                "{\"message\":\"Too many requests, please wait before trying again.\"}",
                "x-amzn-ErrorType",
                "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/");
        assertThatThrownBy(() -> provider.chat(Requests.simple(), "amazon.nova-micro-v1:0", Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
                    assertThat(e.getMessage()).contains("Too many requests");
                });
        bedrock.answer(
                400,
                "{\"message\":\"The model returned the following errors: messages: roles must alternate\"}",
                "x-amzn-ErrorType",
                "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/");
        assertThatThrownBy(() -> provider.chat(Requests.simple(), "amazon.nova-micro-v1:0", Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(
                        ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REJECTED));
    }
}

package app.devskyy.local;

import static app.devskyy.local.ApiClient.unique;
import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.testing.Events;
import app.devskyy.local.ApiClient.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A change of embedding model: documents embedded by the offline model stay findable by keyword
 * when the deployment moves to OpenAI's embeddings (played by MockWebServer in OpenAI's wire
 * format), are not found by vector until re-embedded, and are after {@code POST .../reembed}.
 */
class KnowledgeReembedTest {

    @TempDir
    static Path dataDir;

    /** OpenAI's embeddings: one 8-dimensional vector per input, the same for all (every passage is near every query). */
    static MockResponse embeddings(RecordedRequest request) {
        JsonNode body = Json.tree(request.getBody().toByteArray());
        ArrayNode data = Json.MAPPER.createArrayNode();
        for (int i = 0; i < body.path("input").size(); i++) {
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            ArrayNode vector = item.putArray("embedding");
            for (int d = 0; d < 8; d++) {
                vector.add(d == 0 ? 1.0 : 0.1);
            }
        }
        ObjectNode answer = Json.MAPPER.createObjectNode().put("object", "list").put("model", "text-embedding-3-small");
        answer.set("data", data);
        answer.putObject("usage").put("prompt_tokens", 12).put("total_tokens", 12);
        return new MockResponse.Builder()
                .addHeader("content-type", "application/json")
                .body(Json.write(answer))
                .build();
    }

    static Map<String, String> offline() {
        Map<String, String> settings = new HashMap<>();
        for (String key : List.of(
                "OPENAI_API_KEY",
                "ANTHROPIC_API_KEY",
                "GOOGLE_API_KEY",
                "MISTRAL_API_KEY",
                "COHERE_API_KEY",
                "GROQ_API_KEY")) {
            settings.put(key, "");
        }
        return settings;
    }

    @Test
    void documentsMoveToTheNewEmbeddingModelWhenReembedded() throws Exception {
        String email = unique("reembed");
        String token;
        String workspace;
        String documentId;
        String base;
        try (LocalApi api = LocalApi.start(
                new LocalApi.Options(0, dataDir, Events.repositoryRoot().resolve("template.yaml"), offline()))) {
            ApiClient client = new ApiClient(api.port(), Duration.ofSeconds(30));
            Answer account = client.account(email, "correct horse battery");
            token = account.field("access_token");
            workspace = client.get("/api/v1/auth/workspaces", token)
                    .body()
                    .path("workspaces")
                    .get(0)
                    .path("id")
                    .asString();
            base = "/api/v1/agents/workspaces/" + workspace + "/knowledge";
            Answer added = client.post(
                    base + "/documents",
                    "{\"title\":\"Gift wrapping\",\"content\":\"Every order can be gift wrapped in recycled linen for 5 euros.\"}",
                    token);
            assertThat(added.field("embeddingSpace")).isEqualTo("offline/devskyy-offline/384");
            documentId = added.field("documentId");
        }

        List<RecordedRequest> seen = new CopyOnWriteArrayList<>();
        try (MockWebServer openai = new MockWebServer()) {
            openai.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    seen.add(request);
                    return embeddings(request);
                }
            });
            openai.start();
            Map<String, String> settings = offline();
            settings.put("OPENAI_API_KEY", "sk-mock");
            settings.put("OPENAI_BASE_URL", openai.url("/v1").toString());
            settings.put(
                    "LLM_ROUTING",
                    "{\"version\":\"test\",\"aliases\":{\"embed\":{\"kind\":\"embedding\","
                            + "\"targets\":[\"openai/text-embedding-3-small\"]}}}");
            try (LocalApi api = LocalApi.start(
                    new LocalApi.Options(0, dataDir, Events.repositoryRoot().resolve("template.yaml"), settings))) {
                ApiClient client = new ApiClient(api.port(), Duration.ofSeconds(30));
                // The same account in the same data folder, signed in again on the restarted server.
                token = client.post(
                                "/api/v1/auth/login",
                                "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}",
                                null)
                        .field("access_token");
                String search = "{\"query\":\"gift wrapping\",\"mode\":\"%s\"}";
                JsonNode byVector = client.post(base + "/search", search.formatted("vector"), token)
                        .body();
                assertThat(byVector.path("embeddingSpace").asString()).isEqualTo("openai/text-embedding-3-small/8");
                assertThat(byVector.path("results")).isEmpty();
                JsonNode byKeyword = client.post(base + "/search", search.formatted("keyword"), token)
                        .body();
                assertThat(byKeyword.path("results").findValuesAsString("documentId"))
                        .containsExactly(documentId);

                Answer moved = client.post(base + "/reembed", null, token);
                assertThat(moved.status()).as(moved.raw()).isEqualTo(200);
                assertThat(moved.body().path("documents").asInt()).isEqualTo(1);
                assertThat(moved.body().path("remaining").asInt()).isZero();
                assertThat(moved.field("embeddingSpace")).isEqualTo("openai/text-embedding-3-small/8");
                assertThat(seen.stream().map(r -> r.getBody().utf8()))
                        .anyMatch(sent -> sent.contains("recycled linen"));

                JsonNode found = client.post(base + "/search", search.formatted("vector"), token)
                        .body();
                assertThat(found.path("results").findValuesAsString("documentId"))
                        .containsExactly(documentId);
                assertThat(client.get(base + "/documents/" + documentId, token)
                                .body()
                                .path("document")
                                .path("embeddingSpace")
                                .asString())
                        .isEqualTo("openai/text-embedding-3-small/8");
                Answer again = client.post(base + "/reembed", null, token);
                assertThat(again.body().path("documents").asInt()).isZero();
            }
        }
    }
}

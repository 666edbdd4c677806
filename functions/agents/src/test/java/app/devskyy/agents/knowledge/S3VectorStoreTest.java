package app.devskyy.agents.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3vectors.S3VectorsClient;
import tools.jackson.databind.JsonNode;

/**
 * The S3 Vectors adapter against the service's wire format: the real SDK client, pointed at a
 * MockWebServer that answers as S3 Vectors does (REST with JSON bodies: {@code POST /PutVectors},
 * {@code /QueryVectors}, {@code /DeleteVectors}, {@code /CreateIndex}; errors named by
 * {@code x-amzn-ErrorType}), so what the adapter sends and how it reads the answers are checked.
 */
class S3VectorStoreTest {

    private final MockWebServer service = new MockWebServer();
    private S3VectorsClient client;
    private S3VectorStore store;

    @BeforeEach
    void start() throws Exception {
        service.start();
        client = S3VectorsClient.builder()
                .endpointOverride(URI.create(service.url("/").toString()))
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        store = new S3VectorStore(client, "devskyy-test-knowledge");
    }

    @AfterEach
    void stop() {
        client.close();
        service.close();
    }

    private static MockResponse ok(String json) {
        return new MockResponse.Builder()
                .addHeader("content-type", "application/json")
                .body(json)
                .build();
    }

    private static JsonNode body(RecordedRequest request) {
        return Json.tree(request.getBody().toByteArray());
    }

    @Test
    void theFirstWriteOfASpaceCreatesItsCosineIndexThenWritesTheVectors() throws Exception {
        service.enqueue(new MockResponse.Builder()
                .code(404)
                .addHeader("x-amzn-ErrorType", "NotFoundException")
                .addHeader("content-type", "application/json")
                .body("{\"message\":\"The specified index could not be found\"}")
                .build());
        service.enqueue(ok(
                "{\"indexArn\":\"arn:aws:s3vectors:us-east-1:123456789012:bucket/devskyy-test-knowledge/index/kb\"}"));
        service.enqueue(ok("{}"));
        store.put(
                "openai/text-embedding-3-small/3",
                3,
                List.of(new VectorStore.Entry(
                        "doc_1.0000", new float[] {0.5f, -0.25f, 1f}, "ws_1", "doc_1", List.of("policy", "brand"))));

        RecordedRequest first = service.takeRequest();
        assertThat(first.getMethod()).isEqualTo("POST");
        assertThat(first.getUrl().encodedPath()).isEqualTo("/PutVectors");
        assertThat(first.getHeaders().get("authorization"))
                .startsWith("AWS4-HMAC-SHA256")
                .contains("/us-east-1/s3vectors/aws4_request");
        JsonNode put = body(first);
        assertThat(put.path("vectorBucketName").asString()).isEqualTo("devskyy-test-knowledge");
        assertThat(put.path("indexName").asString()).isEqualTo("kb-openai-text-embedding-3-small-3");
        JsonNode vector = put.path("vectors").get(0);
        assertThat(vector.path("key").asString()).isEqualTo("doc_1.0000");
        assertThat(vector.at("/data/float32").valueStream().map(JsonNode::asDouble))
                .containsExactly(0.5, -0.25, 1.0);
        assertThat(vector.at("/metadata/workspaceId").asString()).isEqualTo("ws_1");
        assertThat(vector.at("/metadata/documentId").asString()).isEqualTo("doc_1");
        assertThat(vector.at("/metadata/tags").valueStream().map(JsonNode::asString))
                .containsExactly("policy", "brand");

        RecordedRequest create = service.takeRequest();
        assertThat(create.getUrl().encodedPath()).isEqualTo("/CreateIndex");
        JsonNode index = body(create);
        assertThat(index.path("indexName").asString()).isEqualTo("kb-openai-text-embedding-3-small-3");
        assertThat(index.path("dimension").asInt()).isEqualTo(3);
        assertThat(index.path("distanceMetric").asString()).isEqualTo("cosine");
        assertThat(index.path("dataType").asString()).isEqualTo("float32");

        assertThat(service.takeRequest().getUrl().encodedPath()).isEqualTo("/PutVectors");
    }

    @Test
    void aQueryFiltersByWorkspaceDocumentsAndTagsAndReadsDistancesAsSimilarities() throws Exception {
        service.enqueue(ok("{\"distanceMetric\":\"cosine\",\"vectors\":["
                + "{\"key\":\"doc_1.0002\",\"distance\":0.125},{\"key\":\"doc_2.0000\",\"distance\":0.5}]}"));
        List<VectorStore.Hit> hits = store.nearest(
                "offline/devskyy-offline/384",
                "ws_1",
                new float[] {1f, 0f},
                7,
                new VectorStore.Filter(List.of("doc_1", "doc_2"), List.of("policy")));
        assertThat(hits).extracting(VectorStore.Hit::key).containsExactly("doc_1.0002", "doc_2.0000");
        assertThat(hits.get(0).score()).isEqualTo(0.875);
        RecordedRequest query = service.takeRequest();
        assertThat(query.getUrl().encodedPath()).isEqualTo("/QueryVectors");
        JsonNode sent = body(query);
        assertThat(sent.path("topK").asInt()).isEqualTo(7);
        assertThat(sent.path("returnDistance").asBoolean()).isTrue();
        assertThat(sent.at("/queryVector/float32").size()).isEqualTo(2);
        JsonNode and = sent.at("/filter/$and");
        assertThat(and.get(0).at("/workspaceId/$eq").asString()).isEqualTo("ws_1");
        assertThat(and.get(1).at("/documentId/$in").valueStream().map(JsonNode::asString))
                .containsExactly("doc_1", "doc_2");
        assertThat(and.get(2).at("/$or/0/tags/$eq").asString()).isEqualTo("policy");
    }

    @Test
    void aQueryOfASpaceWithNoIndexYetFindsNothing() {
        service.enqueue(new MockResponse.Builder()
                .code(404)
                .addHeader("x-amzn-ErrorType", "NotFoundException")
                .addHeader("content-type", "application/json")
                .body("{\"message\":\"The specified index could not be found\"}")
                .build());
        assertThat(store.nearest("x/y/2", "ws_1", new float[] {1f, 0f}, 5, VectorStore.Filter.NONE))
                .isEmpty();
    }

    @Test
    void deletionsGoInBatchesOfFiveHundredKeys() throws Exception {
        for (int i = 0; i < 3; i++) {
            service.enqueue(ok("{}"));
        }
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            keys.add("doc_9." + String.format("%04d", i));
        }
        store.delete("offline/devskyy-offline/384", keys);
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RecordedRequest delete = service.takeRequest();
            assertThat(delete.getUrl().encodedPath()).isEqualTo("/DeleteVectors");
            sizes.add(body(delete).path("keys").size());
        }
        assertThat(sizes).containsExactly(500, 500, 200);
    }
}

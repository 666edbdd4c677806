package app.devskyy.local;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.testing.Events;
import app.devskyy.local.ApiClient.Answer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The knowledge base through the local API: documents in DynamoDB Local, vectors in the local
 * Lucene index, embeddings from all-MiniLM-L6-v2 through the metered gateway path. The labelled
 * set measures recall@5 and MRR of each ranking (docs/performance.md has the figures).
 */
class KnowledgeBaseTest {

    @TempDir
    static Path dataDir;

    static LocalApi api;
    static ApiClient client;
    static String token;
    static String workspace;

    @BeforeAll
    static void start() throws IOException {
        api = LocalApi.start(
                new LocalApi.Options(0, dataDir, Events.repositoryRoot().resolve("template.yaml"), Map.of()));
        PersonalWorkspace member = PersonalWorkspace.signUp(api, "knowledge", Duration.ofSeconds(60));
        client = member.client();
        token = member.token();
        workspace = member.workspaceId();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static String knowledge() {
        return "/api/v1/agents/workspaces/" + workspace + "/knowledge";
    }

    static Answer add(String title, String mediaType, String content, List<String> tags) throws IOException {
        ObjectNode body = Json.MAPPER.createObjectNode().put("title", title).put("mediaType", mediaType);
        body.put("content", content);
        tags.forEach(body.withArray("tags")::add);
        return client.post(knowledge() + "/documents", Json.write(body), token);
    }

    static Answer search(String query, String mode, int topK, String filters) throws IOException {
        return client.post(
                knowledge() + "/search",
                "{\"query\":" + Json.write(query) + ",\"mode\":\"" + mode + "\",\"topK\":" + topK
                        + (filters == null ? "" : ",\"filters\":" + filters) + "}",
                token);
    }

    @Test
    void aDocumentIsCutIntoOverlappingPassagesAndAddedOnce() throws IOException {
        StringBuilder text = new StringBuilder("# Lookbook notes\n\n");
        for (int i = 1; i <= 40; i++) {
            text.append("Look ").append(i).append(" pairs the moss overshirt with bone chinos and suede loafers. ");
            if (i % 8 == 0) {
                text.append("\n\n## Part ").append(i / 8).append("\n\n");
            }
        }
        Answer added = add("Lookbook", "text/markdown", text.toString(), List.of("lookbook"));
        assertThat(added.status()).as(added.raw()).isEqualTo(201);
        String documentId = added.field("documentId");
        assertThat(added.headers().get("location")).endsWith("/knowledge/documents/" + documentId);
        assertThat(added.body().path("status").asString()).isEqualTo("ready");
        assertThat(added.body().path("embeddingSpace").asString()).isEqualTo("offline/devskyy-offline/384");
        long passages = added.body().path("passages").asLong();
        assertThat(passages).isGreaterThan(2);

        Answer again = add("Lookbook (copy)", "text/markdown", text.toString(), List.of());
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.field("documentId")).isEqualTo(documentId);

        JsonNode detail =
                client.get(knowledge() + "/documents/" + documentId, token).body();
        JsonNode chunks = detail.path("passages");
        assertThat(chunks.size()).isEqualTo((int) passages);
        for (int i = 0; i < chunks.size(); i++) {
            String chunk = chunks.get(i).path("text").asString();
            assertThat(chunk.length()).isLessThanOrEqualTo(1000);
            assertThat(chunks.get(i).path("chunkId").asString()).isEqualTo(documentId + "." + String.format("%04d", i));
            if (i > 0) {
                String previous = chunks.get(i - 1).path("text").asString();
                // The passage repeats the end of the one before it.
                String head = chunk.substring(0, 40);
                assertThat(previous).contains(head);
            }
        }
        JsonNode listed = client.get(knowledge() + "/documents", token).body();
        assertThat(listed.path("documents").findValuesAsString("documentId")).contains(documentId);
    }

    @Test
    void searchFindsByKeywordByMeaningAndByBothAndHonoursFilters() throws IOException {
        long requestsBefore = embeddingRequests();
        String policy = add(
                        "Care of cashmere",
                        "text/plain",
                        "Cashmere should be washed by hand in cold water and dried flat, away from the sun.",
                        List.of("care"))
                .field("documentId");
        String sku = add(
                        "Scarf",
                        "text/plain",
                        "Product SKU NW-SCF-777 is the lambswool scarf in moss.",
                        List.of("catalogue"))
                .field("documentId");

        Answer exact = search("NW-SCF-777", "keyword", 3, null);
        assertThat(exact.status()).as(exact.raw()).isEqualTo(200);
        assertThat(exact.body().path("results").get(0).path("documentId").asString())
                .isEqualTo(sku);
        assertThat(exact.body().path("results").get(0).path("keywordRank").asInt())
                .isEqualTo(1);

        Answer meaning = search("how do I launder a soft goat wool sweater", "vector", 3, null);
        assertThat(meaning.body().path("results").get(0).path("documentId").asString())
                .isEqualTo(policy);
        assertThat(meaning.body().path("embeddingSpace").asString()).isEqualTo("offline/devskyy-offline/384");

        Answer hybrid = search("washing cashmere", "hybrid", 5, null);
        JsonNode first = hybrid.body().path("results").get(0);
        assertThat(first.path("documentId").asString()).isEqualTo(policy);
        assertThat(first.path("title").asString()).isEqualTo("Care of cashmere");
        assertThat(first.path("text").asString()).contains("cold water");
        assertThat(first.path("keywordRank").asInt()).isEqualTo(1);
        assertThat(first.path("vectorRank").asInt()).isEqualTo(1);

        Answer filtered = search("washing cashmere", "hybrid", 5, "{\"tags\":[\"catalogue\"]}");
        assertThat(filtered.body().path("results").findValuesAsString("documentId"))
                .isNotEmpty()
                .allMatch(sku::equals);
        Answer byDocument = search("scarf", "hybrid", 5, "{\"documentIds\":[\"" + policy + "\"]}");
        assertThat(byDocument.body().path("results").findValuesAsString("documentId"))
                .allMatch(policy::equals);

        // Two documents embedded, four searches by vector (keyword search embeds nothing): each in the ledger.
        assertThat(embeddingRequests() - requestsBefore).isEqualTo(6);
    }

    static long embeddingRequests() throws IOException {
        return client.get("/api/v1/llm/workspaces/" + workspace + "/usage", token)
                .body()
                .path("totals")
                .path("requests")
                .asLong();
    }

    @Test
    void deletingADocumentRemovesItsPassagesAndVectors() throws IOException {
        String documentId = add(
                        "Atelier evening",
                        "text/plain",
                        "The spring atelier evening takes place in the Rotterdam workshop with live tailoring.",
                        List.of())
                .field("documentId");
        assertThat(search("atelier evening tailoring", "vector", 5, null)
                        .body()
                        .path("results")
                        .findValuesAsString("documentId"))
                .contains(documentId);

        Answer deleted = client.send("DELETE", knowledge() + "/documents/" + documentId, null, token, null);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(client.get(knowledge() + "/documents/" + documentId, token).status())
                .isEqualTo(404);
        for (String mode : List.of("vector", "keyword", "hybrid")) {
            assertThat(search("atelier evening tailoring", mode, 20, null)
                            .body()
                            .path("results")
                            .findValuesAsString("documentId"))
                    .as(mode)
                    .doesNotContain(documentId);
        }
        assertThat(client.send("DELETE", knowledge() + "/documents/" + documentId, null, token, null)
                        .status())
                .isEqualTo(404);
        // The same content can be added again: its hash claim went with it.
        assertThat(add(
                                "Atelier evening",
                                "text/plain",
                                "The spring atelier evening takes place in the Rotterdam workshop with live tailoring.",
                                List.of())
                        .status())
                .isEqualTo(201);
    }

    @Test
    void badDocumentsAreRefusedAndChangeNothing() throws IOException {
        int before = client.get(knowledge() + "/documents?limit=100", token)
                .body()
                .path("documents")
                .size();
        assertThat(add("Broken", "application/json", "{not json", List.of()).status())
                .isEqualTo(400);
        assertThat(add("", "text/plain", "text", List.of()).status()).isEqualTo(422);
        assertThat(add("Odd type", "text/html", "<p>x</p>", List.of()).status()).isEqualTo(422);
        assertThat(add("Blank", "text/plain", "   \n  ", List.of()).status()).isEqualTo(400);
        assertThat(search("", "hybrid", 5, null).status()).isEqualTo(422);
        assertThat(search("x", "semantic", 5, null).status()).isEqualTo(422);
        assertThat(search("x", "hybrid", 500, null).status()).isEqualTo(422);
        assertThat(client.get(knowledge() + "/documents?limit=100", token)
                        .body()
                        .path("documents")
                        .size())
                .isEqualTo(before);
    }

    /** Recall@5 and MRR of each ranking over the labelled set, in a workspace of its own. */
    @Test
    void theLabelledSetMeasuresEachRanking() throws IOException {
        String savedToken = token;
        String savedWorkspace = workspace;
        PersonalWorkspace evaluation = PersonalWorkspace.signUp(api, "retrieval", Duration.ofSeconds(60));
        token = evaluation.token();
        workspace = evaluation.workspaceId();
        try {
            JsonNode set;
            try (InputStream in = KnowledgeBaseTest.class.getResourceAsStream("/knowledge/labelled-set.json")) {
                set = Json.MAPPER.readTree(in);
            }
            Map<String, String> documentIds = new LinkedHashMap<>();
            for (JsonNode document : set.path("documents")) {
                Answer added = add(
                        document.path("title").asString(),
                        document.path("mediaType").asString(),
                        document.path("content").asString(),
                        document.path("tags")
                                .valueStream()
                                .map(JsonNode::asString)
                                .toList());
                assertThat(added.status()).as(added.raw()).isEqualTo(201);
                documentIds.put(document.path("title").asString(), added.field("documentId"));
            }
            ObjectNode figures = Json.MAPPER.createObjectNode();
            Map<String, double[]> measured = new LinkedHashMap<>();
            for (String mode : List.of("keyword", "vector", "hybrid")) {
                double recall = 0;
                double reciprocal = 0;
                List<String> misses = new ArrayList<>();
                for (JsonNode question : set.path("questions")) {
                    JsonNode results = search(question.path("query").asString(), mode, 5, null)
                            .body()
                            .path("results");
                    int rank = 0;
                    for (int i = 0; i < results.size() && rank == 0; i++) {
                        for (JsonNode relevant : question.path("relevant")) {
                            if (results.get(i)
                                            .path("documentId")
                                            .asString()
                                            .equals(documentIds.get(
                                                    relevant.path("document").asString()))
                                    && results.get(i)
                                            .path("text")
                                            .asString()
                                            .contains(relevant.path("contains").asString())) {
                                rank = i + 1;
                            }
                        }
                    }
                    if (rank > 0) {
                        recall++;
                        reciprocal += 1.0 / rank;
                    } else {
                        misses.add(question.path("query").asString());
                    }
                }
                int n = set.path("questions").size();
                measured.put(mode, new double[] {recall / n, reciprocal / n});
                figures.putObject(mode)
                        .put("recallAt5", recall / n)
                        .put("mrr", reciprocal / n)
                        .put("questions", n)
                        .put("misses", String.join(" | ", misses));
            }
            Path out = Path.of("target", "retrieval-quality.json");
            Files.createDirectories(out.getParent());
            Files.writeString(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(figures));
            System.out.println("retrieval quality: " + figures);
            // Each ranking finds most answers; fused, the two find at least what the better one finds alone.
            measured.values().forEach(m -> assertThat(m[0]).isGreaterThan(0.5));
            assertThat(measured.get("hybrid")[0])
                    .isGreaterThanOrEqualTo(Math.max(measured.get("keyword")[0], measured.get("vector")[0]) - 0.07);
        } finally {
            token = savedToken;
            workspace = savedWorkspace;
        }
    }
}

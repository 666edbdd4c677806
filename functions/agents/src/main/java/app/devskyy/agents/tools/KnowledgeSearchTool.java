package app.devskyy.agents.tools;

import app.devskyy.agents.knowledge.KnowledgeBase;
import app.devskyy.agents.knowledge.VectorStore;
import app.devskyy.core.Json;
import app.devskyy.core.http.ApiProblem;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/** {@code knowledge.search}: the workspace's knowledge base, hybrid ranking, passages with their markers. */
final class KnowledgeSearchTool implements Tool {

    private final KnowledgeBase knowledge;

    KnowledgeSearchTool(KnowledgeBase knowledge) {
        this.knowledge = knowledge;
    }

    @Override
    public JsonNode call(Call call) throws ToolFailure {
        JsonNode a = call.arguments();
        List<String> tags = a.has("tags")
                ? a.get("tags").valueStream().map(JsonNode::asString).toList()
                : List.of();
        KnowledgeBase.Results results;
        try {
            results = knowledge.search(
                    call.caller(),
                    (call.runId() == null ? "mcp" : call.runId() + "-" + call.stepId()) + "-tool-search",
                    new KnowledgeBase.Query(
                            a.path("query").asString(),
                            a.path("topK").asInt(5),
                            "hybrid",
                            new VectorStore.Filter(List.of(), tags)));
        } catch (ApiProblem refused) {
            throw new ToolFailure(refused.slug(), refused.detail(), refused.status() == 503 || refused.status() == 429);
        }
        // The marker in the form the prompts ask the model to copy beside a fact, [kb:<chunk>].
        ArrayNode passages = Json.MAPPER.createArrayNode();
        results.passages()
                .forEach(p -> passages.addObject()
                        .put("marker", "[" + p.citation() + "]")
                        .put("documentId", p.documentId())
                        .put("title", p.title())
                        .put("source", p.source())
                        .put("text", p.text()));
        return Json.MAPPER.createObjectNode().set("passages", passages);
    }
}

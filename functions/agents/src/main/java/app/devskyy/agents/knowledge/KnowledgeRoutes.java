package app.devskyy.agents.knowledge;

import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.Role;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.BodySchema;
import app.devskyy.core.http.HttpRequest;
import app.devskyy.core.http.HttpResponse;
import app.devskyy.core.http.Paging;
import app.devskyy.core.http.Router;
import app.devskyy.llm.metering.Caller;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The knowledge base's routes under {@code /api/v1/agents/workspaces/{workspaceId}/knowledge}:
 * documents (add, list, get with passages, delete), search, and re-embedding. Members read and
 * search; developers add, delete and re-embed.
 */
public final class KnowledgeRoutes {

    static final String BASE = "/api/v1/agents/workspaces/{workspaceId}/knowledge";

    private static final BodySchema ADD = BodySchema.load(KnowledgeRoutes.class, "add-document");
    private static final BodySchema SEARCH = BodySchema.load(KnowledgeRoutes.class, "knowledge-search");

    record DocumentView(
            String documentId,
            String title,
            String mediaType,
            String source,
            List<String> tags,
            String contentHash,
            long characters,
            long passages,
            String embeddingSpace,
            String status,
            Instant createdAt,
            Instant updatedAt) {
        static DocumentView of(KnowledgeItems.Document d) {
            return new DocumentView(
                    d.documentId(),
                    d.title(),
                    d.mediaType(),
                    d.source(),
                    KeywordIndex.tags(d.tags()),
                    d.contentHash(),
                    d.characters(),
                    d.chunks(),
                    d.embeddingSpace(),
                    d.status(),
                    Instant.ofEpochMilli(d.createdAt()),
                    Instant.ofEpochMilli(d.updatedAt()));
        }
    }

    record PassageView(String chunkId, long ordinal, long start, String text) {}

    record DocumentDetail(DocumentView document, List<PassageView> passages) {}

    record DocumentPage(List<DocumentView> documents, String nextCursor) {}

    record SearchResults(String query, String mode, String embeddingSpace, List<KnowledgeBase.Passage> results) {}

    private final KnowledgeBase knowledge;
    private final Authenticator authenticator;

    public KnowledgeRoutes(KnowledgeBase knowledge, Authenticator authenticator) {
        this.knowledge = knowledge;
        this.authenticator = authenticator;
    }

    public Router.Builder addTo(Router.Builder routes) {
        return routes.post(BASE + "/documents", this::add)
                .get(BASE + "/documents", this::list)
                .get(BASE + "/documents/{documentId}", this::document)
                .delete(BASE + "/documents/{documentId}", this::delete)
                .post(BASE + "/search", this::search)
                .post(BASE + "/reembed", this::reembed);
    }

    private Caller caller(HttpRequest request, Role required) {
        return Caller.inPath(authenticator.authenticate(request), request, required);
    }

    private HttpResponse add(HttpRequest request) {
        Caller caller = caller(request, Role.DEVELOPER);
        JsonNode body = request.jsonBody(ADD, JsonNode.class);
        List<String> tags = body.has("tags")
                ? body.get("tags").valueStream().map(JsonNode::asString).toList()
                : List.of();
        KnowledgeBase.Added added = knowledge.add(
                caller,
                request.requestId(),
                new KnowledgeBase.NewDocument(
                        body.get("title").asString(),
                        body.path("mediaType").asString("text/plain"),
                        body.get("content").asString(),
                        tags,
                        body.has("source") ? body.get("source").asString() : null));
        KnowledgeItems.Document document = added.document();
        return HttpResponse.json(added.isNew() ? 201 : 200, DocumentView.of(document))
                .withHeader(
                        "location",
                        "/api/v1/agents/workspaces/" + caller.workspaceId() + "/knowledge/documents/"
                                + document.documentId());
    }

    private HttpResponse list(HttpRequest request) {
        Caller caller = caller(request, Role.READ_ONLY);
        Optional<String> after = Paging.after(request);
        if (after.isPresent() && !after.get().startsWith(KnowledgeItems.DOCUMENTS)) {
            throw ApiProblem.badRequest("The cursor is not one this API issued.");
        }
        KnowledgeStore.Listing page = knowledge.store().list(caller.workspaceId(), Paging.limit(request), after);
        return HttpResponse.ok(
                new DocumentPage(page.documents().stream().map(DocumentView::of).toList(), page.nextCursor()));
    }

    private KnowledgeItems.Document required(Caller caller, HttpRequest request) {
        return knowledge
                .store()
                .document(caller.workspaceId(), request.pathId("documentId"))
                .orElseThrow(() -> ApiProblem.notFound("The workspace has no such document."));
    }

    private HttpResponse document(HttpRequest request) {
        Caller caller = caller(request, Role.READ_ONLY);
        KnowledgeItems.Document document = required(caller, request);
        return HttpResponse.ok(new DocumentDetail(
                DocumentView.of(document),
                knowledge.store().chunks(caller.workspaceId(), document.documentId()).stream()
                        .map(c -> new PassageView(c.chunkId(), c.ordinal(), c.start(), c.text()))
                        .toList()));
    }

    private HttpResponse delete(HttpRequest request) {
        Caller caller = caller(request, Role.DEVELOPER);
        if (!knowledge.delete(caller.workspaceId(), request.pathId("documentId"))) {
            throw ApiProblem.notFound("The workspace has no such document.");
        }
        return HttpResponse.noContent();
    }

    private HttpResponse search(HttpRequest request) {
        Caller caller = caller(request, Role.READ_ONLY);
        JsonNode body = request.jsonBody(SEARCH, JsonNode.class);
        KnowledgeBase.Query query = query(body);
        KnowledgeBase.Results results = knowledge.search(caller, request.requestId(), query);
        return HttpResponse.ok(
                new SearchResults(query.text(), results.mode(), results.embeddingSpace(), results.passages()));
    }

    /** A search as its JSON body (already checked against its schema) gives it; the MCP tool uses it too. */
    public static KnowledgeBase.Query query(JsonNode body) {
        JsonNode filters = body.path("filters");
        return new KnowledgeBase.Query(
                body.get("query").asString(),
                body.path("topK").asInt(5),
                body.path("mode").asString("hybrid"),
                new VectorStore.Filter(strings(filters.path("documentIds")), strings(filters.path("tags"))));
    }

    private static List<String> strings(JsonNode array) {
        return array.isArray() ? array.valueStream().map(JsonNode::asString).toList() : List.of();
    }

    private HttpResponse reembed(HttpRequest request) {
        Caller caller = caller(request, Role.DEVELOPER);
        return HttpResponse.ok(knowledge.reembed(caller, request.requestId()));
    }
}

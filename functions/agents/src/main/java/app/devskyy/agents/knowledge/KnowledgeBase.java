package app.devskyy.agents.knowledge;

import app.devskyy.core.Json;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.billing.Entitlements;
import app.devskyy.core.config.Config;
import app.devskyy.core.crypto.Digests;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.llm.ChatGateway.GatewayException;
import app.devskyy.llm.Routing;
import app.devskyy.llm.metering.Caller;
import app.devskyy.llm.metering.MeteredChat;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3vectors.S3VectorsClient;

/**
 * A workspace's knowledge: documents cut into overlapping passages, each passage embedded through
 * the LLM gateway's metered embedding path (budgeted and in the usage ledger, like every model
 * call) and kept in the vector store, with its text in the agents table for BM25. Search ranks by
 * keywords, by vectors, or by both fused (reciprocal rank fusion, k = 60), and answers passages with
 * their sources. A document's vectors live in the space (provider, model, size) that embedded it;
 * when the embedding model changes, {@link #reembed} moves documents to the new one.
 */
public final class KnowledgeBase {

    /** The sizes the knowledge base keeps to. */
    public record Limits(int maxCharacters, long maxChunks, int passageSize, int overlap, int maxDocumentsPerReembed) {}

    /** A document to add. */
    public record NewDocument(String title, String mediaType, String content, List<String> tags, String source) {}

    /** What an add did: a new document, or the one that already held this content. */
    public record Added(KnowledgeItems.Document document, boolean isNew) {}

    /** A search: the query, how many passages, the ranking, and what to keep. */
    public record Query(String text, int topK, String mode, VectorStore.Filter filter) {}

    /** A passage found, with where it comes from and its rank in each ranking that found it. */
    public record Passage(
            String chunkId,
            String documentId,
            String title,
            String source,
            List<String> tags,
            String text,
            double score,
            Integer keywordRank,
            Integer vectorRank) {
        /** How a run's context and output cite it. */
        public String citation() {
            return "kb:" + chunkId;
        }

        /** The passage as a source: what a run keeps of what it retrieved (its view and its citations). */
        public Source asSource() {
            return new Source(citation(), documentId, title, source, text);
        }
    }

    /** A passage by its marker's id, with the document it comes from. */
    public record Source(String id, String documentId, String title, String source, String passage) {}

    public record Results(List<Passage> passages, String mode, String embeddingSpace) {}

    public record Reembedded(int documents, int passages, int remaining, String embeddingSpace) {}

    static final int RRF_K = 60;
    private static final int EMBED_BATCH = 64;

    private final KnowledgeStore store;
    private final Entitlements entitlements;
    private final KeywordIndex keywords;
    private final VectorStore vectors;
    private final MeteredChat meter;
    private final Routing routing;
    private final String embeddingModel;
    private final Limits limits;
    private final Chunker chunker;

    KnowledgeBase(
            KnowledgeStore store,
            VectorStore vectors,
            MeteredChat meter,
            Routing routing,
            Entitlements entitlements,
            String embeddingModel,
            Limits limits) {
        this.entitlements = entitlements;
        this.store = store;
        this.keywords = new KeywordIndex(store);
        this.vectors = vectors;
        this.meter = meter;
        this.routing = routing;
        this.embeddingModel = embeddingModel;
        this.limits = limits;
        this.chunker = new Chunker(limits.passageSize(), limits.overlap());
    }

    /**
     * The knowledge base a function's settings describe: vectors in the S3 Vectors bucket that
     * {@code KNOWLEDGE_VECTOR_BUCKET} names, or (unset, the local default) in a Lucene index in
     * {@code KNOWLEDGE_LUCENE_DIR} (the local server's data folder) or in memory.
     */
    public static KnowledgeBase fromConfig(
            Config config,
            AwsClients aws,
            DynamoDbClient dynamoDb,
            DynamoTables tables,
            MeteredChat meter,
            Routing routing,
            Entitlements entitlements,
            Clock clock) {
        Optional<String> bucket = config.optional("KNOWLEDGE_VECTOR_BUCKET");
        VectorStore vectors = bucket.isPresent()
                ? new S3VectorStore(
                        aws.configure(S3VectorsClient.builder(), "S3VECTORS").build(), bucket.get())
                : LuceneVectorStore.at(config.optional("KNOWLEDGE_LUCENE_DIR").map(Path::of));
        return new KnowledgeBase(
                new KnowledgeStore(dynamoDb, tables, config.required("AGENTS_TABLE", "AgentsTable"), clock),
                vectors,
                meter,
                routing,
                entitlements,
                config.string("KNOWLEDGE_EMBEDDING_MODEL", "embed"),
                new Limits(
                        200_000,
                        config.integer("KNOWLEDGE_MAX_PASSAGES", 5_000),
                        config.integer("KNOWLEDGE_PASSAGE_CHARACTERS", 1_000),
                        config.integer("KNOWLEDGE_PASSAGE_OVERLAP", 200),
                        20));
    }

    KnowledgeStore store() {
        return store;
    }

    Limits limits() {
        return limits;
    }

    /** Embeddings of texts and the space they are in. */
    private record Embedded(String space, int dimensions, List<float[]> vectors) {}

    private Embedded embed(Caller caller, String requestId, String operation, List<String> texts) {
        Routing.Route route = routing.resolve(
                        embeddingModel, "embedding", meter.gateway().reachableProviders(), null)
                .orElseThrow(() -> ApiProblem.serviceUnavailable("No embedding model is reachable.", 30));
        List<float[]> all = new ArrayList<>();
        String space = null;
        for (int from = 0; from < texts.size(); from += EMBED_BATCH) {
            List<String> batch = texts.subList(from, Math.min(texts.size(), from + EMBED_BATCH));
            MeteredChat.Embedded embedded;
            try {
                embedded = meter.embed(caller, requestId + "-" + from, operation, route, batch, null);
            } catch (GatewayException failed) {
                throw ApiProblem.serviceUnavailable("The embedding provider did not answer; try again.", 5);
            }
            if (embedded.result().vectors().size() != batch.size()) {
                throw ApiProblem.serviceUnavailable("The embedding provider answered short; try again.", 5);
            }
            String batchSpace =
                    embedded.target().id() + "/" + embedded.result().vectors().getFirst().length;
            if (space != null && !space.equals(batchSpace)) {
                // A fallback mid-document would mix spaces: the document is embedded again later.
                throw ApiProblem.serviceUnavailable("The embedding model changed during the request; try again.", 5);
            }
            space = batchSpace;
            all.addAll(embedded.result().vectors());
        }
        return new Embedded(space, all.isEmpty() ? 0 : all.getFirst().length, all);
    }

    /** Adds a document, or finds the one of the workspace that holds the same content. */
    public Added add(Caller caller, String requestId, NewDocument document) {
        String content = normalized(document);
        if (content.length() > limits.maxCharacters()) {
            throw ApiProblem.of(
                    413,
                    "payload-too-large",
                    "Content Too Large",
                    "A document holds at most " + limits.maxCharacters() + " characters.");
        }
        String hash = Digests.sha256Hex(document.mediaType() + "\n" + content);
        List<Chunker.Passage> passages = chunker.passages(content);
        if (passages.isEmpty()) {
            throw ApiProblem.badRequest("The document has no text.");
        }
        long now = store.clockMillis();
        String documentId = store.newDocumentId();
        var key = KnowledgeItems.document(caller.workspaceId(), documentId);
        KnowledgeItems.Document recorded = new KnowledgeItems.Document(
                key.pk(),
                key.sk(),
                documentId,
                caller.workspaceId(),
                document.title(),
                document.mediaType(),
                document.source(),
                Json.write(document.tags()),
                hash,
                content.length(),
                passages.size(),
                null,
                "ingesting",
                caller.id(),
                now,
                now);
        // The deployment's bound, or the plan's when it is lower: a full knowledge base answers the plan's problem.
        Entitlements.Entitlement plan = entitlements.of(caller.workspaceId());
        long planLimit = plan.limit(Entitlements.KNOWLEDGE_PASSAGES).orElse(Long.MAX_VALUE);
        long room = Math.min(limits.maxChunks(), planLimit);
        Optional<String> existing = store.claim(
                recorded,
                room,
                () -> planLimit <= limits.maxChunks()
                        ? Entitlements.planLimit(plan, Entitlements.KNOWLEDGE_PASSAGES, "knowledge passages")
                        : ApiProblem.of(
                                422,
                                "knowledge-limit",
                                "Unprocessable Content",
                                "The workspace's knowledge base holds at most " + room
                                        + " passages; delete documents to make room."));
        if (existing.isPresent()) {
            return store.document(caller.workspaceId(), existing.get())
                    .map(d -> new Added(d, false))
                    .orElseThrow(() -> ApiProblem.serviceUnavailable("The document is being removed; try again.", 1));
        }
        List<KnowledgeItems.Chunk> chunks = new ArrayList<>();
        for (Chunker.Passage passage : passages) {
            String chunkId = documentId + "." + String.format("%04d", passage.ordinal());
            var chunkKey = KnowledgeItems.chunk(caller.workspaceId(), chunkId);
            chunks.add(new KnowledgeItems.Chunk(
                    chunkKey.pk(),
                    chunkKey.sk(),
                    chunkId,
                    documentId,
                    passage.ordinal(),
                    document.title(),
                    document.source(),
                    recorded.tags(),
                    passage.text(),
                    passage.start(),
                    caller.id()));
        }
        String space = null;
        try {
            Embedded embedded = embed(caller, requestId, "knowledge-embed", embeddingInputs(chunks));
            space = embedded.space();
            vectors.put(space, embedded.dimensions(), entries(caller.workspaceId(), chunks, embedded));
            store.putChunks(chunks);
            store.ready(recorded, space);
            return new Added(recorded.with("ready", space, store.clockMillis()), true);
        } catch (RuntimeException failed) {
            // Nothing of a document that could not be stored whole stays (its vectors included):
            // a retry adds it afresh.
            remove(recorded.with("ingesting", space, recorded.updatedAt()));
            throw failed;
        }
    }

    private static List<String> embeddingInputs(List<KnowledgeItems.Chunk> chunks) {
        return chunks.stream().map(c -> c.title() + "\n" + c.text()).toList();
    }

    private static List<VectorStore.Entry> entries(
            String workspaceId, List<KnowledgeItems.Chunk> chunks, Embedded embedded) {
        List<VectorStore.Entry> entries = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            KnowledgeItems.Chunk chunk = chunks.get(i);
            entries.add(new VectorStore.Entry(
                    chunk.chunkId(),
                    embedded.vectors().get(i),
                    workspaceId,
                    chunk.documentId(),
                    KeywordIndex.tags(chunk.tags())));
        }
        return entries;
    }

    /** The text as it is cut and hashed: line ends unified, JSON re-indented so that it has lines to cut at. */
    private static String normalized(NewDocument document) {
        String text = document.content().replace("\r\n", "\n").replace('\r', '\n');
        if (document.mediaType().equals("application/json")) {
            try {
                return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(Json.MAPPER.readTree(text));
            } catch (RuntimeException unreadable) {
                throw ApiProblem.badRequest("The content of an application/json document must be JSON.");
            }
        }
        return text.strip();
    }

    /** Removes the document with its passages and vectors; {@code false} if the workspace has no such document. */
    public boolean delete(String workspaceId, String documentId) {
        Optional<KnowledgeItems.Document> document = store.document(workspaceId, documentId);
        document.ifPresent(this::remove);
        return document.isPresent();
    }

    /** Removes every document of a workspace with its passages and vectors: a person's own workspace, at their erasure. */
    public int deleteAll(String workspaceId) {
        int removed = 0;
        Optional<String> after = Optional.empty();
        do {
            KnowledgeStore.Listing page = store.list(workspaceId, 100, after);
            page.documents().forEach(this::remove);
            removed += page.documents().size();
            after = Optional.ofNullable(page.nextCursor());
        } while (after.isPresent());
        return removed;
    }

    /** Vectors first, then passages, then the document: a removal cut short leaves the document to delete again. */
    private void remove(KnowledgeItems.Document document) {
        List<KnowledgeItems.Chunk> chunks = store.chunks(document.workspaceId(), document.documentId());
        List<String> keys = chunks.isEmpty()
                ? ordinalKeys(document)
                : chunks.stream().map(KnowledgeItems.Chunk::chunkId).toList();
        if (document.embeddingSpace() != null) {
            vectors.delete(document.embeddingSpace(), keys);
        }
        store.remove(document, chunks);
    }

    /** The chunk ids a document would have had, for a document removed before its chunks were written. */
    private static List<String> ordinalKeys(KnowledgeItems.Document document) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < document.chunks(); i++) {
            keys.add(document.documentId() + "." + String.format("%04d", i));
        }
        return keys;
    }

    public Results search(Caller caller, String requestId, Query query) {
        KeywordIndex.Snapshot snapshot = keywords.current(caller.workspaceId());
        if (snapshot.isEmpty()) {
            // Nothing to find: no query embedding is paid for.
            return new Results(List.of(), query.mode(), null);
        }
        int candidates = Math.max(20, query.topK() * 4);
        List<VectorStore.Hit> byKeyword =
                query.mode().equals("vector") ? List.of() : snapshot.search(query.text(), candidates, query.filter());
        List<VectorStore.Hit> byVector = List.of();
        String space = null;
        if (!query.mode().equals("keyword")) {
            Embedded embedded = embed(caller, requestId, "knowledge-search", List.of(query.text()));
            space = embedded.space();
            byVector = vectors.nearest(
                    space, caller.workspaceId(), embedded.vectors().getFirst(), candidates, query.filter());
        }
        Map<String, Integer> keywordRanks = ranks(byKeyword);
        Map<String, Integer> vectorRanks = ranks(byVector);
        Map<String, Double> scores = new HashMap<>();
        if (query.mode().equals("hybrid")) {
            keywordRanks.forEach((key, rank) -> scores.merge(key, 1.0 / (RRF_K + rank), Double::sum));
            vectorRanks.forEach((key, rank) -> scores.merge(key, 1.0 / (RRF_K + rank), Double::sum));
        } else {
            (query.mode().equals("keyword") ? byKeyword : byVector)
                    .forEach(hit -> scores.putIfAbsent(hit.key(), hit.score()));
        }
        List<Passage> passages = scores.entrySet().stream()
                .filter(e -> snapshot.chunk(e.getKey()) != null)
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(query.topK())
                .map(e -> passage(snapshot.chunk(e.getKey()), e.getValue(), keywordRanks, vectorRanks))
                .toList();
        return new Results(passages, query.mode(), space);
    }

    private static Map<String, Integer> ranks(List<VectorStore.Hit> hits) {
        Map<String, Integer> ranks = new LinkedHashMap<>();
        for (VectorStore.Hit hit : hits) {
            ranks.putIfAbsent(hit.key(), ranks.size() + 1);
        }
        return ranks;
    }

    private Passage passage(
            KnowledgeItems.Chunk chunk,
            double score,
            Map<String, Integer> keywordRanks,
            Map<String, Integer> vectorRanks) {
        return new Passage(
                chunk.chunkId(),
                chunk.documentId(),
                chunk.title(),
                chunk.source(),
                KeywordIndex.tags(chunk.tags()),
                chunk.text(),
                score,
                keywordRanks.get(chunk.chunkId()),
                vectorRanks.get(chunk.chunkId()));
    }

    /**
     * Embeds again, in the embedding model's current space, up to the limit's number of documents
     * whose vectors are in another; their old vectors are removed once the new ones are written.
     */
    public Reembedded reembed(Caller caller, String requestId) {
        String current = embed(caller, requestId + "-probe", "knowledge-embed", List.of("probe"))
                .space();
        List<KnowledgeItems.Document> stale = store.all(caller.workspaceId()).stream()
                .filter(d -> "ready".equals(d.status()) && !current.equals(d.embeddingSpace()))
                .toList();
        int documents = 0;
        int passages = 0;
        for (KnowledgeItems.Document document : stale) {
            if (documents == limits.maxDocumentsPerReembed()) {
                break;
            }
            List<KnowledgeItems.Chunk> chunks = store.chunks(caller.workspaceId(), document.documentId());
            Embedded embedded =
                    embed(caller, requestId + "-" + document.documentId(), "knowledge-embed", embeddingInputs(chunks));
            if (!embedded.space().equals(current)) {
                break;
            }
            vectors.put(embedded.space(), embedded.dimensions(), entries(caller.workspaceId(), chunks, embedded));
            store.ready(document, embedded.space());
            if (document.embeddingSpace() != null) {
                vectors.delete(
                        document.embeddingSpace(),
                        chunks.stream().map(KnowledgeItems.Chunk::chunkId).toList());
            }
            documents++;
            passages += chunks.size();
        }
        return new Reembedded(documents, passages, stale.size() - documents, current);
    }
}

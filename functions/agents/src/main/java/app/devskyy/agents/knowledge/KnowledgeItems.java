package app.devskyy.agents.knowledge;

import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.RecordSchema;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;

/**
 * The knowledge base's items in the agents table. A workspace's documents and their content-hash
 * claims sit in its partition beside its runs; its chunks sit together in {@code KB#<workspace>},
 * so that the keyword index of a workspace is one query; the workspace's revision item there counts
 * chunks (the storage limit) and changes with every document added or removed (what cached indexes
 * check). Times are epoch milliseconds.
 */
final class KnowledgeItems {

    private KnowledgeItems() {}

    static final String DOCUMENTS = "DOC#";
    static final String CHUNKS = "CHUNK#";

    static String workspace(String workspaceId) {
        return "WS#" + workspaceId;
    }

    static String chunkPartition(String workspaceId) {
        return "KB#" + workspaceId;
    }

    static ItemKey document(String workspaceId, String documentId) {
        return ItemKey.of(workspace(workspaceId), DOCUMENTS + documentId);
    }

    static ItemKey contentHash(String workspaceId, String hash) {
        return ItemKey.of(workspace(workspaceId), "DOCHASH#" + hash);
    }

    static ItemKey chunk(String workspaceId, String chunkId) {
        return ItemKey.of(chunkPartition(workspaceId), CHUNKS + chunkId);
    }

    static ItemKey revision(String workspaceId) {
        return ItemKey.of(chunkPartition(workspaceId), "REVISION");
    }

    /**
     * {@code WS#<workspace>/DOC#<document>}: a document's description; its text lives in its chunks.
     * {@code embeddingSpace} names the vectors' provider, model and size; {@code status} is
     * {@code ingesting} until every chunk and vector is written, then {@code ready}.
     */
    record Document(
            String pk,
            String sk,
            String documentId,
            String workspaceId,
            String title,
            String mediaType,
            String source,
            String tags,
            String contentHash,
            long characters,
            long chunks,
            String embeddingSpace,
            String status,
            String createdBy,
            long createdAt,
            long updatedAt) {
        static final TableSchema<Document> SCHEMA = RecordSchema.of(
                        Document.class,
                        f -> new Document(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("documentId"),
                                f.string("workspaceId"),
                                f.string("title"),
                                f.string("mediaType"),
                                f.string("source"),
                                f.string("tags"),
                                f.string("contentHash"),
                                f.number("characters", 0),
                                f.number("chunks", 0),
                                f.string("embeddingSpace"),
                                f.string("status"),
                                f.string("createdBy"),
                                f.number("createdAt", 0),
                                f.number("updatedAt", 0)))
                .partitionKey("pk", Document::pk)
                .sortKey("sk", Document::sk)
                .string("documentId", Document::documentId)
                .string("workspaceId", Document::workspaceId)
                .string("title", Document::title)
                .string("mediaType", Document::mediaType)
                .string("source", Document::source)
                .string("tags", Document::tags)
                .string("contentHash", Document::contentHash)
                .number("characters", Document::characters)
                .number("chunks", Document::chunks)
                .string("embeddingSpace", Document::embeddingSpace)
                .string("status", Document::status)
                .string("createdBy", Document::createdBy)
                .number("createdAt", Document::createdAt)
                .number("updatedAt", Document::updatedAt)
                .build();

        Document with(String status, String embeddingSpace, long updatedAt) {
            return new Document(
                    pk,
                    sk,
                    documentId,
                    workspaceId,
                    title,
                    mediaType,
                    source,
                    tags,
                    contentHash,
                    characters,
                    chunks,
                    embeddingSpace,
                    status,
                    createdBy,
                    createdAt,
                    updatedAt);
        }
    }

    /** {@code WS#<workspace>/DOCHASH#<sha-256>}: the document that holds this content (idempotent adds). */
    record HashClaim(String pk, String sk, String documentId) {
        static final TableSchema<HashClaim> SCHEMA = RecordSchema.of(
                        HashClaim.class, f -> new HashClaim(f.string("pk"), f.string("sk"), f.string("documentId")))
                .partitionKey("pk", HashClaim::pk)
                .sortKey("sk", HashClaim::sk)
                .string("documentId", HashClaim::documentId)
                .build();
    }

    /**
     * {@code KB#<workspace>/CHUNK#<chunk>}: one passage of a document, with what search filters and
     * cites (the document's id, title, tags) copied in. {@code chunkId} is the document's id and the
     * passage's position, stable for the document's life, so re-embedding overwrites its vectors.
     */
    record Chunk(
            String pk,
            String sk,
            String chunkId,
            String documentId,
            long ordinal,
            String title,
            String source,
            String tags,
            String text,
            long start,
            String createdBy) {
        static final TableSchema<Chunk> SCHEMA = RecordSchema.of(
                        Chunk.class,
                        f -> new Chunk(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("chunkId"),
                                f.string("documentId"),
                                f.number("ordinal", 0),
                                f.string("title"),
                                f.string("source"),
                                f.string("tags"),
                                f.string("text"),
                                f.number("start", 0),
                                f.string("createdBy")))
                .partitionKey("pk", Chunk::pk)
                .sortKey("sk", Chunk::sk)
                .string("chunkId", Chunk::chunkId)
                .string("documentId", Chunk::documentId)
                .number("ordinal", Chunk::ordinal)
                .string("title", Chunk::title)
                .string("source", Chunk::source)
                .string("tags", Chunk::tags)
                .string("text", Chunk::text)
                .number("start", Chunk::start)
                .string("createdBy", Chunk::createdBy)
                .build();
    }
}

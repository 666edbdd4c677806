package app.devskyy.agents.knowledge;

import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.ItemUpdate;
import app.devskyy.core.aws.Values;
import app.devskyy.core.aws.Writes;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.Paging;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.Page;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/** Reads and writes of knowledge documents, their chunks, content-hash claims and the workspace's revision. */
final class KnowledgeStore {

    /** A page of documents and the cursor of the next. */
    record Listing(List<KnowledgeItems.Document> documents, String nextCursor) {}

    /** A workspace's revision and chunk count: what its cached indexes compare against. */
    record Revision(long revision, long chunks) {}

    private final DynamoDbClient dynamoDb;
    private final DynamoTables tables;
    private final String table;
    private final DynamoDbTable<KnowledgeItems.Document> documents;
    private final DynamoDbTable<KnowledgeItems.HashClaim> claims;
    private final DynamoDbTable<KnowledgeItems.Chunk> chunks;
    private final Clock clock;

    KnowledgeStore(DynamoDbClient dynamoDb, DynamoTables tables, String table, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.tables = tables;
        this.table = table;
        this.documents = tables.table(table, KnowledgeItems.Document.SCHEMA);
        this.claims = tables.table(table, KnowledgeItems.HashClaim.SCHEMA);
        this.chunks = tables.table(table, KnowledgeItems.Chunk.SCHEMA);
        this.clock = clock;
    }

    long clockMillis() {
        return clock.millis();
    }

    /** A document id that sorts by creation time, so a workspace's documents list newest first. */
    String newDocumentId() {
        return "doc_" + String.format("%012x", clock.millis())
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    Optional<KnowledgeItems.Document> document(String workspaceId, String documentId) {
        return Optional.ofNullable(documents.getItem(r ->
                r.key(KnowledgeItems.document(workspaceId, documentId).key()).consistentRead(true)));
    }

    Listing list(String workspaceId, int limit, Optional<String> after) {
        String pk = KnowledgeItems.workspace(workspaceId);
        Page<KnowledgeItems.Document> page = documents
                .query(r -> {
                    r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                                    .partitionValue(pk)
                                    .sortValue(KnowledgeItems.DOCUMENTS)
                                    .build()))
                            .scanIndexForward(false)
                            .limit(limit);
                    after.ifPresent(sk -> r.exclusiveStartKey(ItemKey.of(pk, sk).attributes()));
                })
                .iterator()
                .next();
        return new Listing(page.items(), Paging.nextCursor(Values.string(page.lastEvaluatedKey(), "sk")));
    }

    /** Every document of the workspace (bounded by its chunk limit), oldest first. */
    List<KnowledgeItems.Document> all(String workspaceId) {
        List<KnowledgeItems.Document> all = new ArrayList<>();
        documents
                .query(r -> r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                        .partitionValue(KnowledgeItems.workspace(workspaceId))
                        .sortValue(KnowledgeItems.DOCUMENTS)
                        .build())))
                .items()
                .forEach(all::add);
        return all;
    }

    /**
     * Records a new document (status {@code ingesting}) with its content-hash claim, and counts its
     * chunks against the workspace's limit, all or none. Empty when recorded; otherwise the id of
     * the document that already holds this content.
     */
    Optional<String> claim(KnowledgeItems.Document document, long maxChunks, Supplier<ApiProblem> whenFull) {
        ItemKey hashKey = KnowledgeItems.contentHash(document.workspaceId(), document.contentHash());
        OptionalInt refused = Writes.transaction(
                dynamoDb,
                List.of(
                        newItem(KnowledgeItems.HashClaim.SCHEMA.itemToMap(
                                new KnowledgeItems.HashClaim(hashKey.pk(), hashKey.sk(), document.documentId()), true)),
                        newItem(KnowledgeItems.Document.SCHEMA.itemToMap(document, true)),
                        ItemUpdate.of(table, KnowledgeItems.revision(document.workspaceId()))
                                .add("revision", 1)
                                .add("chunks", document.chunks())
                                .condition(
                                        "attribute_not_exists(chunks) OR chunks <= :room",
                                        Map.of(":room", Values.number(maxChunks - document.chunks())))
                                .inTransaction()));
        if (refused.isEmpty()) {
            return Optional.empty();
        }
        if (refused.getAsInt() == 2) {
            throw whenFull.get();
        }
        KnowledgeItems.HashClaim earlier =
                claims.getItem(r -> r.key(hashKey.key()).consistentRead(true));
        if (earlier == null) {
            throw ApiProblem.serviceUnavailable("The document could not be recorded; try again.", 1);
        }
        return Optional.of(earlier.documentId());
    }

    private TransactWriteItem newItem(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder()
                .put(p -> p.tableName(table).item(item).conditionExpression(Writes.NEW_ITEM.expression()))
                .build();
    }

    /** Marks a document ready (its chunks and vectors written) and tells cached indexes. */
    void ready(KnowledgeItems.Document document, String embeddingSpace) {
        documents.putItem(document.with("ready", embeddingSpace, clock.millis()));
        touch(document.workspaceId(), 0);
    }

    /** A new revision: cached indexes of the workspace rebuild; {@code chunks} changes the count. */
    void touch(String workspaceId, long chunks) {
        ItemUpdate.of(table, KnowledgeItems.revision(workspaceId))
                .add("revision", 1)
                .add("chunks", chunks)
                .apply(dynamoDb);
    }

    Revision revision(String workspaceId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(table)
                        .key(KnowledgeItems.revision(workspaceId).attributes())
                        .consistentRead(true))
                .item();
        return new Revision(Values.number(item, "revision", 0), Values.number(item, "chunks", 0));
    }

    void putChunks(List<KnowledgeItems.Chunk> written) {
        tables.batchWrite(chunks, KnowledgeItems.Chunk.class, written, List.of());
    }

    /** Every chunk of the workspace, in document and position order. */
    List<KnowledgeItems.Chunk> chunks(String workspaceId) {
        List<KnowledgeItems.Chunk> all = new ArrayList<>();
        chunks.query(r -> r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                        .partitionValue(KnowledgeItems.chunkPartition(workspaceId))
                        .sortValue(KnowledgeItems.CHUNKS)
                        .build())))
                .items()
                .forEach(all::add);
        return all;
    }

    /** A document's chunks, in position order. */
    List<KnowledgeItems.Chunk> chunks(String workspaceId, String documentId) {
        List<KnowledgeItems.Chunk> all = new ArrayList<>();
        chunks.query(r -> r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                                .partitionValue(KnowledgeItems.chunkPartition(workspaceId))
                                .sortValue(KnowledgeItems.CHUNKS + documentId + ".")
                                .build()))
                        .consistentRead(true))
                .items()
                .forEach(all::add);
        return all;
    }

    /**
     * Removes the document's chunks, then the document, its content-hash claim and its share of the
     * chunk count. Each part is idempotent, so a removal cut short is finished by the next.
     */
    void remove(KnowledgeItems.Document document, List<KnowledgeItems.Chunk> removed) {
        tables.batchWrite(
                chunks,
                KnowledgeItems.Chunk.class,
                List.of(),
                removed.stream().map(c -> ItemKey.of(c.pk(), c.sk())).toList());
        Writes.transaction(
                dynamoDb,
                List.of(
                        TransactWriteItem.builder()
                                .delete(d -> d.tableName(table)
                                        .key(KnowledgeItems.contentHash(document.workspaceId(), document.contentHash())
                                                .attributes()))
                                .build(),
                        TransactWriteItem.builder()
                                .delete(d -> d.tableName(table)
                                        .key(KnowledgeItems.document(document.workspaceId(), document.documentId())
                                                .attributes())
                                        .conditionExpression(Writes.EXISTING_ITEM.expression()))
                                .build(),
                        ItemUpdate.of(table, KnowledgeItems.revision(document.workspaceId()))
                                .add("revision", 1)
                                .add("chunks", -document.chunks())
                                .inTransaction()));
    }
}

package app.devskyy.agents.knowledge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.services.s3vectors.S3VectorsClient;
import software.amazon.awssdk.services.s3vectors.model.DataType;
import software.amazon.awssdk.services.s3vectors.model.DistanceMetric;
import software.amazon.awssdk.services.s3vectors.model.NotFoundException;
import software.amazon.awssdk.services.s3vectors.model.PutInputVector;
import software.amazon.awssdk.services.s3vectors.model.QueryOutputVector;
import software.amazon.awssdk.services.s3vectors.model.VectorData;

/**
 * The knowledge base's vectors in an Amazon S3 Vectors bucket: one cosine index per space, created
 * on its first write, with the workspace, document and tags as filterable metadata. S3 Vectors
 * takes at most 500 vectors or keys a call; larger writes go in batches.
 */
final class S3VectorStore implements VectorStore {

    static final int BATCH = 500;

    private final S3VectorsClient client;
    private final String bucket;

    S3VectorStore(S3VectorsClient client, String bucket) {
        this.client = client;
        this.bucket = bucket;
    }

    /** An index name S3 Vectors accepts (3 to 63 of lower-case letters, digits, hyphens) for a space. */
    static String indexName(String space) {
        String slug = ("kb-" + space.toLowerCase(Locale.ROOT)).replaceAll("[^a-z0-9]+", "-");
        return slug.length() <= 63 ? slug : slug.substring(0, 63);
    }

    @Override
    public void put(String space, int dimensions, List<Entry> entries) {
        for (int from = 0; from < entries.size(); from += BATCH) {
            List<PutInputVector> vectors = entries.subList(from, Math.min(entries.size(), from + BATCH)).stream()
                    .map(S3VectorStore::vector)
                    .toList();
            try {
                client.putVectors(r ->
                        r.vectorBucketName(bucket).indexName(indexName(space)).vectors(vectors));
            } catch (NotFoundException noIndex) {
                client.createIndex(r -> r.vectorBucketName(bucket)
                        .indexName(indexName(space))
                        .dataType(DataType.FLOAT32)
                        .dimension(dimensions)
                        .distanceMetric(DistanceMetric.COSINE));
                client.putVectors(r ->
                        r.vectorBucketName(bucket).indexName(indexName(space)).vectors(vectors));
            }
        }
    }

    private static PutInputVector vector(Entry entry) {
        List<Float> data = new ArrayList<>(entry.vector().length);
        for (float v : entry.vector()) {
            data.add(v);
        }
        return PutInputVector.builder()
                .key(entry.key())
                .data(VectorData.fromFloat32(data))
                .metadata(Document.fromMap(Map.of(
                        "workspaceId", Document.fromString(entry.workspaceId()),
                        "documentId", Document.fromString(entry.documentId()),
                        "tags",
                                Document.fromList(entry.tags().stream()
                                        .map(Document::fromString)
                                        .toList()))))
                .build();
    }

    @Override
    public List<Hit> nearest(String space, String workspaceId, float[] query, int k, Filter filter) {
        List<Float> data = new ArrayList<>(query.length);
        for (float v : query) {
            data.add(v);
        }
        List<Document> conditions = new ArrayList<>();
        conditions.add(Document.fromMap(Map.of("workspaceId", eq(workspaceId))));
        if (!filter.documentIds().isEmpty()) {
            conditions.add(Document.fromMap(Map.of(
                    "documentId",
                    Document.fromMap(Map.of(
                            "$in",
                            Document.fromList(filter.documentIds().stream()
                                    .map(Document::fromString)
                                    .toList()))))));
        }
        if (!filter.tags().isEmpty()) {
            // $eq on a list matches when any element equals; one of the tags is an $or of them.
            conditions.add(Document.fromMap(Map.of(
                    "$or",
                    Document.fromList(filter.tags().stream()
                            .map(tag -> Document.fromMap(Map.of("tags", eq(tag))))
                            .toList()))));
        }
        try {
            return client
                    .queryVectors(r -> r.vectorBucketName(bucket)
                            .indexName(indexName(space))
                            .topK(k)
                            .queryVector(VectorData.fromFloat32(data))
                            .filter(Document.fromMap(Map.of("$and", Document.fromList(conditions))))
                            .returnDistance(true))
                    .vectors()
                    .stream()
                    .map(S3VectorStore::hit)
                    .toList();
        } catch (NotFoundException noIndex) {
            return List.of();
        }
    }

    private static Document eq(String value) {
        return Document.fromMap(Map.of("$eq", Document.fromString(value)));
    }

    /** S3 Vectors answers the cosine distance, 1 - cos. */
    private static Hit hit(QueryOutputVector vector) {
        return new Hit(vector.key(), 1.0 - (vector.distance() == null ? 1.0 : vector.distance()));
    }

    @Override
    public void delete(String space, List<String> keys) {
        for (int from = 0; from < keys.size(); from += BATCH) {
            List<String> batch = keys.subList(from, Math.min(keys.size(), from + BATCH));
            try {
                client.deleteVectors(r ->
                        r.vectorBucketName(bucket).indexName(indexName(space)).keys(batch));
            } catch (NotFoundException noIndex) {
                return;
            }
        }
    }
}

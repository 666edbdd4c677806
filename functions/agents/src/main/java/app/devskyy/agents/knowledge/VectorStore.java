package app.devskyy.agents.knowledge;

import java.util.List;

/**
 * Where the knowledge base's vectors live: Amazon S3 Vectors in AWS ({@link S3VectorStore}), Lucene
 * in the process locally ({@link LuceneVectorStore}). A space (provider, model, size) is one index,
 * shared by every workspace and filtered by workspace on every query. Keys are chunk ids.
 */
public interface VectorStore {

    /** A chunk's vector and what a query may filter on. */
    record Entry(String key, float[] vector, String workspaceId, String documentId, List<String> tags) {}

    /** A nearest chunk; {@code score} is its cosine similarity (higher is nearer). */
    record Hit(String key, double score) {}

    /** What a query keeps: only these documents, only chunks with one of these tags (empty: all). */
    record Filter(List<String> documentIds, List<String> tags) {
        public static final Filter NONE = new Filter(List.of(), List.of());
    }

    /** Writes (or overwrites) the entries of one space. */
    void put(String space, int dimensions, List<Entry> entries);

    List<Hit> nearest(String space, String workspaceId, float[] query, int k, Filter filter);

    /** Removes the keys' vectors from the space; keys without one are ignored. */
    void delete(String space, List<String> keys);
}

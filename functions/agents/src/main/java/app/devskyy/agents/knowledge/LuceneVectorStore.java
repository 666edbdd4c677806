package app.devskyy.agents.knowledge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * The local vector store: one Lucene index (in the local server's data folder, or in memory) with an HNSW graph per vector size,
 * cosine similarity, and the workspace, space, document and tags as exact-match fields that every
 * query filters on (Lucene applies the filter while it walks the graph). Every function of the
 * local server shares it, as every Lambda in AWS shares one S3 Vectors bucket.
 */
final class LuceneVectorStore implements VectorStore {

    /** One store per directory in this JVM (Lucene allows one writer per index); the key "" is memory. */
    private static final Map<String, LuceneVectorStore> OPEN = new ConcurrentHashMap<>();

    private final IndexWriter writer;
    private final SearcherManager searchers;

    private LuceneVectorStore(Directory directory) {
        try {
            writer = new IndexWriter(directory, new IndexWriterConfig());
            searchers = new SearcherManager(writer, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The store in {@code directory} (the local server keeps it in its data folder, so vectors
     * survive a restart as the documents in DynamoDB Local do), or in memory.
     */
    static LuceneVectorStore at(Optional<Path> directory) {
        return OPEN.computeIfAbsent(directory.map(Path::toString).orElse(""), key -> {
            try {
                return new LuceneVectorStore(
                        key.isEmpty() ? new ByteBuffersDirectory() : FSDirectory.open(Path.of(key)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static String field(int dimensions) {
        return "vector" + dimensions;
    }

    private static String id(String space, String key) {
        return space + "|" + key;
    }

    @Override
    public void put(String space, int dimensions, List<Entry> entries) {
        try {
            for (Entry entry : entries) {
                Document doc = new Document();
                doc.add(new StringField("id", id(space, entry.key()), Field.Store.NO));
                doc.add(new StringField("key", entry.key(), Field.Store.YES));
                doc.add(new StringField("space", space, Field.Store.NO));
                doc.add(new StringField("workspace", entry.workspaceId(), Field.Store.NO));
                doc.add(new StringField("document", entry.documentId(), Field.Store.NO));
                entry.tags().forEach(tag -> doc.add(new StringField("tag", tag, Field.Store.NO)));
                doc.add(new KnnFloatVectorField(field(dimensions), entry.vector(), VectorSimilarityFunction.COSINE));
                writer.updateDocument(new Term("id", id(space, entry.key())), doc);
            }
            writer.commit();
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<Hit> nearest(String space, String workspaceId, float[] query, int k, Filter filter) {
        BooleanQuery.Builder within = new BooleanQuery.Builder()
                .add(new TermQuery(new Term("space", space)), BooleanClause.Occur.FILTER)
                .add(new TermQuery(new Term("workspace", workspaceId)), BooleanClause.Occur.FILTER);
        if (!filter.documentIds().isEmpty()) {
            within.add(terms("document", filter.documentIds()), BooleanClause.Occur.FILTER);
        }
        if (!filter.tags().isEmpty()) {
            within.add(terms("tag", filter.tags()), BooleanClause.Occur.FILTER);
        }
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                ScoreDoc[] found = searcher.search(
                                new KnnFloatVectorQuery(field(query.length), query, k, within.build()), k)
                        .scoreDocs;
                List<Hit> hits = new ArrayList<>();
                for (ScoreDoc doc : found) {
                    String key = searcher.storedFields().document(doc.doc).get("key");
                    // Lucene scores cosine as (1 + cos) / 2; the interface speaks cosine.
                    hits.add(new Hit(key, 2.0 * doc.score - 1.0));
                }
                return hits;
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Query terms(String field, List<String> values) {
        return new TermInSetQuery(field, values.stream().map(BytesRef::new).toList());
    }

    @Override
    public void delete(String space, List<String> keys) {
        try {
            writer.deleteDocuments(
                    keys.stream().map(key -> new Term("id", id(space, key))).toArray(Term[]::new));
            writer.commit();
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

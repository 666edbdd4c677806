package app.devskyy.agents.knowledge;

import app.devskyy.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;
import tools.jackson.core.type.TypeReference;

/**
 * BM25 over a workspace's passages (English stemming and stop words; a title match counts half as
 * much as a passage match). The index of a workspace is built in memory from its chunk items and
 * kept while the workspace's revision stays the same, so a warm function searches without reading
 * the chunks again; the few most recently searched workspaces are kept. The same index gives the
 * passages' texts to every search of that revision.
 */
final class KeywordIndex {

    /** A workspace's passages at one revision, searchable. */
    static final class Snapshot {
        private final long revision;
        private final IndexSearcher searcher;
        private final Map<String, KnowledgeItems.Chunk> chunks;

        private Snapshot(long revision, IndexSearcher searcher, Map<String, KnowledgeItems.Chunk> chunks) {
            this.revision = revision;
            this.searcher = searcher;
            this.chunks = chunks;
        }

        boolean isEmpty() {
            return chunks.isEmpty();
        }

        KnowledgeItems.Chunk chunk(String chunkId) {
            return chunks.get(chunkId);
        }

        /** The best {@code k} passages for {@code query} by BM25, best first. */
        List<VectorStore.Hit> search(String query, int k, VectorStore.Filter filter) {
            List<String> terms = terms(query);
            if (terms.isEmpty() || chunks.isEmpty()) {
                return List.of();
            }
            BooleanQuery.Builder matching = new BooleanQuery.Builder();
            for (String term : terms) {
                matching.add(new TermQuery(new Term("text", term)), BooleanClause.Occur.SHOULD);
                matching.add(new BoostQuery(new TermQuery(new Term("title", term)), 0.5f), BooleanClause.Occur.SHOULD);
            }
            BooleanQuery.Builder scoped = new BooleanQuery.Builder().add(matching.build(), BooleanClause.Occur.MUST);
            if (!filter.documentIds().isEmpty()) {
                scoped.add(
                        new TermInSetQuery(
                                "document",
                                filter.documentIds().stream().map(BytesRef::new).toList()),
                        BooleanClause.Occur.FILTER);
            }
            if (!filter.tags().isEmpty()) {
                scoped.add(
                        new TermInSetQuery(
                                "tag", filter.tags().stream().map(BytesRef::new).toList()),
                        BooleanClause.Occur.FILTER);
            }
            try {
                List<VectorStore.Hit> hits = new ArrayList<>();
                for (ScoreDoc doc : searcher.search(scoped.build(), k).scoreDocs) {
                    hits.add(new VectorStore.Hit(
                            searcher.storedFields().document(doc.doc).get("key"), doc.score));
                }
                return hits;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final Analyzer ANALYZER = new EnglishAnalyzer();
    private static final int CACHED_WORKSPACES = 16;

    private final KnowledgeStore store;
    private final Map<String, Snapshot> cache = new LinkedHashMap<>(CACHED_WORKSPACES, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Snapshot> eldest) {
            return size() > CACHED_WORKSPACES;
        }
    };

    KeywordIndex(KnowledgeStore store) {
        this.store = store;
    }

    /** The workspace's passages as of now: the cached index if its revision is current, else a new one. */
    Snapshot current(String workspaceId) {
        long revision = store.revision(workspaceId).revision();
        synchronized (cache) {
            Snapshot cached = cache.get(workspaceId);
            if (cached != null && cached.revision == revision) {
                return cached;
            }
        }
        Snapshot built = build(revision, store.chunks(workspaceId));
        synchronized (cache) {
            cache.put(workspaceId, built);
        }
        return built;
    }

    private static Snapshot build(long revision, List<KnowledgeItems.Chunk> chunks) {
        ByteBuffersDirectory directory = new ByteBuffersDirectory();
        Map<String, KnowledgeItems.Chunk> byId = new LinkedHashMap<>();
        try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(ANALYZER))) {
            for (KnowledgeItems.Chunk chunk : chunks) {
                byId.put(chunk.chunkId(), chunk);
                Document doc = new Document();
                doc.add(new StringField("key", chunk.chunkId(), Field.Store.YES));
                doc.add(new StringField("document", chunk.documentId(), Field.Store.NO));
                tags(chunk.tags()).forEach(tag -> doc.add(new StringField("tag", tag, Field.Store.NO)));
                doc.add(new TextField("title", chunk.title(), Field.Store.NO));
                doc.add(new TextField("text", chunk.text(), Field.Store.NO));
                writer.addDocument(doc);
            }
            writer.commit();
            return new Snapshot(revision, new IndexSearcher(DirectoryReader.open(directory)), byId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> tags(String json) {
        return json == null ? List.of() : Json.MAPPER.readValue(json, new TypeReference<List<String>>() {});
    }

    /** The query's terms as the index analysed the passages (stemmed, stop words dropped), each once. */
    private static List<String> terms(String query) {
        List<String> terms = new ArrayList<>();
        try (TokenStream stream = ANALYZER.tokenStream("text", query)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken() && terms.size() < 64) {
                if (!terms.contains(term.toString())) {
                    terms.add(term.toString());
                }
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return terms;
    }
}

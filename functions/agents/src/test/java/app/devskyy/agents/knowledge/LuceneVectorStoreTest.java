package app.devskyy.agents.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local vector store: filters by workspace, document and tag, deletes by key, keeps its index on disk. */
class LuceneVectorStoreTest {

    static final String SPACE = "offline/devskyy-offline/3";

    @TempDir
    Path folder;

    private static VectorStore.Entry entry(
            String key, String workspace, String document, List<String> tags, float... v) {
        return new VectorStore.Entry(key, v, workspace, document, tags);
    }

    private LuceneVectorStore filled(Path directory) {
        LuceneVectorStore store = LuceneVectorStore.at(Optional.of(directory));
        store.put(
                SPACE,
                3,
                List.of(
                        entry("doc_a.0000", "ws_1", "doc_a", List.of("policy"), 1f, 0f, 0f),
                        entry("doc_a.0001", "ws_1", "doc_a", List.of("policy"), 0.9f, 0.1f, 0f),
                        entry("doc_b.0000", "ws_1", "doc_b", List.of("brand"), 0f, 1f, 0f),
                        entry("doc_c.0000", "ws_2", "doc_c", List.of("policy"), 1f, 0f, 0f)));
        return store;
    }

    @Test
    void aQueryStaysInItsWorkspaceAndHonoursItsFilters() {
        LuceneVectorStore store = filled(folder.resolve("index"));
        float[] query = {1f, 0f, 0f};
        assertThat(store.nearest(SPACE, "ws_1", query, 10, VectorStore.Filter.NONE))
                .extracting(VectorStore.Hit::key)
                .containsExactly("doc_a.0000", "doc_a.0001", "doc_b.0000");
        assertThat(store.nearest(SPACE, "ws_1", query, 1, VectorStore.Filter.NONE)
                        .getFirst()
                        .score())
                .isCloseTo(1.0, offset(1e-6));
        assertThat(store.nearest(SPACE, "ws_1", query, 10, new VectorStore.Filter(List.of(), List.of("brand"))))
                .extracting(VectorStore.Hit::key)
                .containsExactly("doc_b.0000");
        assertThat(store.nearest(SPACE, "ws_1", query, 10, new VectorStore.Filter(List.of("doc_b"), List.of())))
                .extracting(VectorStore.Hit::key)
                .containsExactly("doc_b.0000");
        assertThat(store.nearest("other/space/3", "ws_1", query, 10, VectorStore.Filter.NONE))
                .isEmpty();
        store.delete(SPACE, List.of("doc_a.0000", "doc_a.0001", "doc_x.0009"));
        assertThat(store.nearest(SPACE, "ws_1", query, 10, VectorStore.Filter.NONE))
                .extracting(VectorStore.Hit::key)
                .containsExactly("doc_b.0000");
        assertThat(store.nearest(SPACE, "ws_2", query, 10, VectorStore.Filter.NONE))
                .extracting(VectorStore.Hit::key)
                .containsExactly("doc_c.0000");
    }

    @Test
    void theIndexIsOnDiskAndOpensAgainWithItsVectors() throws IOException {
        filled(folder.resolve("first"));
        // A second process opening the same files: here, a copy of them opened as another index.
        Path copy = folder.resolve("copy");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(folder.resolve("first"))) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals("write.lock"))
                    .toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        LuceneVectorStore reopened = LuceneVectorStore.at(Optional.of(copy));
        assertThat(reopened.nearest(SPACE, "ws_2", new float[] {1f, 0f, 0f}, 5, VectorStore.Filter.NONE))
                .extracting(VectorStore.Hit::key)
                .containsExactly("doc_c.0000");
    }
}

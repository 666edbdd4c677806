package app.devskyy.llm.local;

import app.devskyy.llm.providers.OfflineProvider;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.List;

/**
 * all-MiniLM-L6-v2 (quantized, 384 dimensions), a sentence-embedding model small enough to run in
 * the local server's JVM: the offline model's embeddings wherever this module is on the class
 * path, so that local retrieval ranks by meaning rather than by shared words. The model loads on
 * first use (about a second), not when the class path is scanned.
 */
public final class MiniLmEmbeddings implements OfflineProvider.Embeddings {

    private static final class Holder {
        static final AllMiniLmL6V2QuantizedEmbeddingModel MODEL = new AllMiniLmL6V2QuantizedEmbeddingModel();
    }

    @Override
    public String name() {
        return "all-minilm-l6-v2-q";
    }

    @Override
    public List<float[]> embed(List<String> inputs) {
        return Holder.MODEL.embedAll(inputs.stream().map(TextSegment::from).toList()).content().stream()
                .map(e -> e.vector())
                .toList();
    }
}

package app.devskyy.llm;

import java.util.List;

/** One vector per input, in input order, and the tokens the inputs counted. */
public record EmbeddingResult(List<float[]> vectors, long promptTokens) {

    public EmbeddingResult {
        vectors = List.copyOf(vectors);
    }
}

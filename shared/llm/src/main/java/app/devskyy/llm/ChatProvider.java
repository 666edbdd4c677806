package app.devskyy.llm;

import java.time.Duration;
import java.util.List;

/**
 * One LLM provider, spoken to in its own wire format. Implementations translate the
 * provider-neutral request and result both ways and classify every failure.
 */
public interface ChatProvider {

    /** The provider's name in routing targets ({@code openai}, {@code anthropic}, ...). */
    String name();

    /** One chat call, answered within {@code timeout} or failed with {@link ProviderException.Kind#TIMEOUT}. */
    ChatResult chat(ChatRequest request, String model, Duration timeout) throws ProviderException;

    /** Embeddings of {@code inputs}, for providers that offer them. */
    default EmbeddingResult embed(List<String> inputs, String model, Integer dimensions, Duration timeout)
            throws ProviderException {
        throw new ProviderException(
                ProviderException.Kind.MISCONFIGURED,
                name(),
                0,
                null,
                name() + " offers no embeddings through this gateway");
    }
}

package app.devskyy.llm;

import app.devskyy.core.Json;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.config.Config;
import app.devskyy.llm.providers.AnthropicProvider;
import app.devskyy.llm.providers.BedrockProvider;
import app.devskyy.llm.providers.CohereProvider;
import app.devskyy.llm.providers.GeminiProvider;
import app.devskyy.llm.providers.OfflineProvider;
import app.devskyy.llm.providers.OpenAiCompatibleProvider;
import app.devskyy.llm.providers.ProviderHttp;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.lambda.powertools.parameters.secrets.SecretsProvider;
import tools.jackson.databind.JsonNode;

/**
 * The providers this deployment can reach: each one whose key is configured (none needs the
 * others). Keys come from one Secrets Manager secret ({@code LLM_PROVIDER_KEYS_ARN}, a JSON object
 * {@code {"openai": "...", "anthropic": "..."}}) or, locally and as an override, from the usual
 * environment variables ({@code OPENAI_API_KEY}, ...). Base URLs can be moved
 * ({@code OPENAI_BASE_URL}, ...): a proxy, a regional endpoint, a test server. Bedrock needs no key
 * ({@code LLM_BEDROCK=on}: IAM); OpenAI-compatible servers are listed in
 * {@code LLM_COMPATIBLE_PROVIDERS} ({@code ollama=http://localhost:11434/v1}). With none of these,
 * the deterministic offline model is the only provider.
 */
public final class ProviderRegistry {

    private record Known(String name, String keyVariable, String baseVariable, String defaultBase) {}

    private static final Known[] KNOWN = {
        new Known("openai", "OPENAI_API_KEY", "OPENAI_BASE_URL", "https://api.openai.com/v1"),
        new Known("anthropic", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "https://api.anthropic.com"),
        new Known("google", "GOOGLE_API_KEY", "GOOGLE_BASE_URL", "https://generativelanguage.googleapis.com"),
        new Known("mistral", "MISTRAL_API_KEY", "MISTRAL_BASE_URL", "https://api.mistral.ai/v1"),
        new Known("cohere", "COHERE_API_KEY", "COHERE_BASE_URL", "https://api.cohere.com"),
        new Known("groq", "GROQ_API_KEY", "GROQ_BASE_URL", "https://api.groq.com/openai/v1"),
    };

    private ProviderRegistry() {}

    public static Map<String, ChatProvider> fromConfig(Config config, AwsClients aws) {
        JsonNode secret = config.optional("LLM_PROVIDER_KEYS_ARN")
                .filter(arn -> !arn.isBlank())
                .map(arn -> Json.tree(SecretsProvider.builder()
                        .withClient(aws.configure(SecretsManagerClient.builder(), "SECRETS_MANAGER")
                                .build())
                        .build()
                        .get(arn)
                        .getBytes(StandardCharsets.UTF_8)))
                .orElse(Json.MAPPER.createObjectNode());
        ProviderHttp http = ProviderHttp.shared();
        Map<String, ChatProvider> providers = new LinkedHashMap<>();
        for (Known known : KNOWN) {
            Optional<String> key = config.optional(known.keyVariable())
                    .filter(k -> !k.isBlank())
                    .or(() -> Optional.ofNullable(secret.path(known.name()).asString(null))
                            .filter(k -> !k.isBlank()));
            if (key.isEmpty()) {
                continue;
            }
            HttpUrl base = HttpUrl.get(config.string(known.baseVariable(), known.defaultBase()));
            providers.put(
                    known.name(),
                    switch (known.name()) {
                        case "openai" -> OpenAiCompatibleProvider.openAi(base, key.get(), http);
                        case "anthropic" -> new AnthropicProvider(base, key.get(), http);
                        case "google" -> new GeminiProvider(base, key.get(), http);
                        case "mistral" -> OpenAiCompatibleProvider.mistral(base, key.get(), http);
                        case "cohere" -> new CohereProvider(base, key.get(), http);
                        default -> OpenAiCompatibleProvider.groq(base, key.get(), http);
                    });
        }
        for (String entry : config.list("LLM_COMPATIBLE_PROVIDERS")) {
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                throw new Config.InvalidSettingException("LLM_COMPATIBLE_PROVIDERS");
            }
            String name = entry.substring(0, equals).strip();
            String keyVariable = name.toUpperCase(Locale.ROOT).replace('-', '_') + "_API_KEY";
            providers.put(
                    name,
                    OpenAiCompatibleProvider.compatible(
                            name,
                            HttpUrl.get(entry.substring(equals + 1).strip()),
                            config.optional(keyVariable)
                                    .orElse(secret.path(name).asString(null)),
                            http));
        }
        if (config.flag("LLM_BEDROCK", false)) {
            // The gateway retries and falls back itself; SDK retries would spend its deadline on one provider.
            providers.put(
                    "bedrock",
                    new BedrockProvider(aws.configure(BedrockRuntimeClient.builder(), "BEDROCK_RUNTIME")
                            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                            .build()));
        }
        if (providers.isEmpty()) {
            providers.put(OfflineProvider.NAME, new OfflineProvider());
        }
        return providers;
    }

    /** Whether the registry fell back to the offline model. */
    public static boolean offline(Map<String, ChatProvider> providers) {
        return providers.size() == 1 && providers.containsKey(OfflineProvider.NAME);
    }
}

package app.devskyy.webhooks;

import app.devskyy.core.CircuitBreakers;
import app.devskyy.core.Json;
import app.devskyy.core.OutboundHttp;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.config.Config;
import app.devskyy.core.upstash.UpstashClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import okhttp3.HttpUrl;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.lambda.powertools.parameters.secrets.SecretsProvider;
import tools.jackson.databind.JsonNode;

/**
 * The payment providers this stage can sell through: each one whose API credentials are set. In
 * AWS the credentials are one Secrets Manager secret ({@code PAYMENT_API_SECRET_ARN}):
 * <pre>{"stripe": {"secretKey": "sk_live_..."},
 *  "phonepe": {"clientId": "...", "clientSecret": "...", "clientVersion": "1"}}</pre>
 * Locally, {@code STRIPE_SECRET_KEY} and {@code PHONEPE_CLIENT_ID}, {@code _SECRET} and
 * {@code _VERSION}. A provider without credentials is not offered: a checkout with it is a 422.
 * {@code STRIPE_API_BASE}, {@code PHONEPE_API_BASE} and {@code PHONEPE_TOKEN_URL} point the
 * clients elsewhere (PhonePe's sandbox is the default until production is set).
 */
record PaymentProviders(Optional<StripeApi> stripe, Optional<PhonePeApi> phonePe) {

    static final String PHONEPE_SANDBOX = "https://api-preprod.phonepe.com/apis/pg-sandbox";

    static PaymentProviders fromConfig(Config config, AwsClients aws, Clock clock) {
        JsonNode secret = Json.MAPPER.createObjectNode();
        Optional<String> arn = config.optional("PAYMENT_API_SECRET_ARN").filter(s -> !s.isBlank());
        if (!config.isLocal() && arn.isPresent()) {
            SecretsManagerClient client = aws.configure(SecretsManagerClient.builder(), "SECRETS_MANAGER")
                    .build();
            secret = Json.tree(SecretsProvider.builder()
                    .withClient(client)
                    .build()
                    .get(arn.get())
                    .getBytes(StandardCharsets.UTF_8));
        }
        Optional<UpstashClient> upstash = UpstashClient.fromConfig(config);
        PaymentHttp http = new PaymentHttp(
                OutboundHttp.client(),
                new CircuitBreakers(
                        upstash.map(CircuitBreakers::upstash).orElseGet(() -> CircuitBreakers.inInstance(clock)),
                        config.integer("BILLING_BREAKER_FAILURES", 5),
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(config.integer("BILLING_BREAKER_COOLDOWN_SECONDS", 30))),
                config.millis("BILLING_PROVIDER_TIMEOUT_MS", Duration.ofSeconds(8)));
        Optional<String> stripeKey = setting(secret.path("stripe").path("secretKey"), config, "STRIPE_SECRET_KEY");
        Optional<StripeApi> stripe = stripeKey.map(
                key -> new StripeApi(http, url(config, "STRIPE_API_BASE", "https://api.stripe.com"), key));
        JsonNode phonePe = secret.path("phonepe");
        Optional<String> clientId = setting(phonePe.path("clientId"), config, "PHONEPE_CLIENT_ID");
        Optional<String> clientSecret = setting(phonePe.path("clientSecret"), config, "PHONEPE_CLIENT_SECRET");
        Optional<PhonePeApi> phonePeApi = Optional.empty();
        if (clientId.isPresent() && clientSecret.isPresent()) {
            HttpUrl base = url(config, "PHONEPE_API_BASE", PHONEPE_SANDBOX);
            phonePeApi = Optional.of(new PhonePeApi(
                    http,
                    base,
                    url(config, "PHONEPE_TOKEN_URL", base + "/v1/oauth/token"),
                    new PhonePeApi.Credentials(
                            clientId.get(),
                            clientSecret.get(),
                            setting(phonePe.path("clientVersion"), config, "PHONEPE_CLIENT_VERSION")
                                    .orElse("1")),
                    clock));
        }
        return new PaymentProviders(stripe, phonePeApi);
    }

    private static Optional<String> setting(JsonNode fromSecret, Config config, String name) {
        if (fromSecret.isString() && !fromSecret.asString().isBlank()) {
            return Optional.of(fromSecret.asString());
        }
        return config.isLocal() ? config.optional(name).filter(s -> !s.isBlank()) : Optional.empty();
    }

    private static HttpUrl url(Config config, String name, String fallback) {
        HttpUrl url = HttpUrl.parse(config.string(name, fallback).replaceAll("/+$", ""));
        if (url == null) {
            throw new Config.InvalidSettingException(name);
        }
        return url;
    }
}

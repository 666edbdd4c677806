package app.devskyy.webhooks;

import app.devskyy.core.Json;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.config.Config;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.lambda.powertools.parameters.secrets.SecretsProvider;
import tools.jackson.databind.JsonNode;

/**
 * The providers' webhook secrets, up to two active each (the new and the old during a rotation).
 * In AWS, one Secrets Manager secret ({@code WEBHOOK_SECRETS_ARN}):
 * <pre>{"stripe": ["whsec_new", "whsec_old"], "woocommerce": ["..."],
 *  "phonepe": {"saltKeys": [{"key": "...", "index": "1"}], "credentials": [{"username": "...", "password": "..."}]}}</pre>
 * Locally the seeds' environment variables ({@code STRIPE_WEBHOOK_SECRET}, ...; a comma separates
 * two secrets), with development values when unset.
 */
record WebhookSecrets(
        List<String> stripe,
        List<String> woocommerce,
        List<SaltKey> phonePeSaltKeys,
        List<Credentials> phonePeCredentials) {

    record SaltKey(String key, String index) {}

    record Credentials(String username, String password) {}

    /** The development values of the local server, documented in the README. */
    static final String DEV_STRIPE = "whsec_devskyy_local_stripe";

    static final String DEV_WOOCOMMERCE = "devskyy-local-woocommerce";
    static final String DEV_PHONEPE_SALT = "devskyy-local-phonepe-salt";
    static final String DEV_PHONEPE_USERNAME = "devskyy";
    static final String DEV_PHONEPE_PASSWORD = "devskyy-local-phonepe";

    WebhookSecrets {
        stripe = List.copyOf(stripe);
        woocommerce = List.copyOf(woocommerce);
        phonePeSaltKeys = List.copyOf(phonePeSaltKeys);
        phonePeCredentials = List.copyOf(phonePeCredentials);
    }

    static WebhookSecrets from(Config config, AwsClients aws) {
        if (!config.isLocal()) {
            SecretsManagerClient client = aws.configure(SecretsManagerClient.builder(), "SECRETS_MANAGER")
                    .build();
            return parse(
                    SecretsProvider.builder().withClient(client).build().get(config.required("WEBHOOK_SECRETS_ARN")));
        }
        List<SaltKey> salts = new ArrayList<>();
        List<String> keys = split(config.string("PHONEPE_SALT_KEY", DEV_PHONEPE_SALT));
        List<String> indexes = split(config.string("PHONEPE_SALT_INDEX", "1"));
        for (int i = 0; i < keys.size(); i++) {
            salts.add(new SaltKey(keys.get(i), indexes.get(Math.min(i, indexes.size() - 1))));
        }
        List<Credentials> credentials = new ArrayList<>();
        List<String> users = split(config.string("PHONEPE_WEBHOOK_USERNAME", DEV_PHONEPE_USERNAME));
        List<String> passwords = split(config.string("PHONEPE_WEBHOOK_PASSWORD", DEV_PHONEPE_PASSWORD));
        for (int i = 0; i < passwords.size(); i++) {
            credentials.add(new Credentials(users.get(Math.min(i, users.size() - 1)), passwords.get(i)));
        }
        return new WebhookSecrets(
                split(config.string("STRIPE_WEBHOOK_SECRET", DEV_STRIPE)),
                split(config.string("WOOCOMMERCE_WEBHOOK_SECRET", DEV_WOOCOMMERCE)),
                salts,
                credentials);
    }

    static WebhookSecrets parse(String json) {
        JsonNode root = Json.tree(json.getBytes(StandardCharsets.UTF_8));
        List<SaltKey> salts = new ArrayList<>();
        root.path("phonepe")
                .path("saltKeys")
                .forEach(s -> salts.add(
                        new SaltKey(s.path("key").asString(), s.path("index").asString())));
        List<Credentials> credentials = new ArrayList<>();
        root.path("phonepe")
                .path("credentials")
                .forEach(c -> credentials.add(new Credentials(
                        c.path("username").asString(), c.path("password").asString())));
        return new WebhookSecrets(strings(root.path("stripe")), strings(root.path("woocommerce")), salts, credentials);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(s -> out.add(s.asString()));
        return out.stream().filter(s -> !s.isBlank()).limit(2).toList();
    }

    private static List<String> split(String value) {
        return Arrays.stream(value.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .limit(2)
                .toList();
    }
}

package app.devskyy.auth;

import app.devskyy.core.Json;
import app.devskyy.core.auth.SigningKeys;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.config.Config;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.lambda.powertools.parameters.secrets.SecretsProvider;
import tools.jackson.databind.JsonNode;

/**
 * The auth family's one secret: the token signing keys (a private JWK Set) and the key that
 * derives refresh tokens. In AWS it is a Secrets Manager secret read through Powertools
 * Parameters ({@code AUTH_SECRET_ARN}); the local server hands it over as {@code AUTH_SECRET}.
 *
 * <pre>{"signingKeys": {"keys": [...]}, "refreshKey": "&lt;base64, 32 bytes&gt;"}</pre>
 */
public record AuthSecret(SigningKeys signingKeys, byte[] refreshKey) {

    public static AuthSecret from(Config config, AwsClients aws) {
        if (config.isLocal()) {
            return parse(config.required("AUTH_SECRET"));
        }
        SecretsManagerClient client =
                aws.configure(SecretsManagerClient.builder(), "SECRETS_MANAGER").build();
        return parse(SecretsProvider.builder().withClient(client).build().get(config.required("AUTH_SECRET_ARN")));
    }

    public static AuthSecret parse(String json) {
        JsonNode secret = Json.tree(json.getBytes(StandardCharsets.UTF_8));
        byte[] refreshKey = Base64.getDecoder().decode(secret.path("refreshKey").asString());
        if (refreshKey.length < 32) {
            throw new IllegalArgumentException("the refresh key must be at least 256 bits");
        }
        return new AuthSecret(SigningKeys.parse(secret.get("signingKeys").toString()), refreshKey);
    }

    /** A fresh secret, for a new local data folder. */
    public static String generate() {
        byte[] refreshKey = new byte[32];
        new SecureRandom().nextBytes(refreshKey);
        return "{\"signingKeys\":" + SigningKeys.generate().toPrivateJson() + ",\"refreshKey\":\""
                + Base64.getEncoder().encodeToString(refreshKey) + "\"}";
    }
}

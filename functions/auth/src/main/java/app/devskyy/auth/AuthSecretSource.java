package app.devskyy.auth;

import app.devskyy.core.auth.AuthSecret;
import app.devskyy.core.auth.SigningKeys;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.config.Config;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.lambda.powertools.parameters.secrets.SecretsProvider;

/**
 * The auth secret as this instance sees it: read from Secrets Manager ({@code AUTH_SECRET_ARN};
 * locally the local server's Secrets Manager) through Powertools Parameters, and read again once
 * {@code AUTH_SECRET_CACHE_SECONDS} (300) have passed, so that a rotation's new key reaches every
 * warm instance within that time. The key rotation job's timing counts on that bound.
 */
final class AuthSecretSource implements Supplier<AuthSecret> {

    private final SecretsProvider secrets;
    private final String arn;
    private final int maxAgeSeconds;
    private String json;
    private AuthSecret secret;

    AuthSecretSource(SecretsProvider secrets, String arn, int maxAgeSeconds) {
        this.secrets = secrets;
        this.arn = arn;
        this.maxAgeSeconds = maxAgeSeconds;
    }

    static AuthSecretSource from(Config config, AwsClients aws) {
        SecretsManagerClient client =
                aws.configure(SecretsManagerClient.builder(), "SECRETS_MANAGER").build();
        return new AuthSecretSource(
                SecretsProvider.builder().withClient(client).build(),
                config.required("AUTH_SECRET_ARN"),
                config.integer("AUTH_SECRET_CACHE_SECONDS", 300));
    }

    /** The secret, parsed again only when its text changed. */
    @Override
    public synchronized AuthSecret get() {
        String current = secrets.withMaxAge(maxAgeSeconds, ChronoUnit.SECONDS).get(arn);
        if (!current.equals(json)) {
            secret = AuthSecret.parse(current);
            json = current;
        }
        return secret;
    }

    /** The signing keys as they are now. */
    SigningKeys signingKeys() {
        return get().signingKeys();
    }
}

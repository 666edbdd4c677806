package app.devskyy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.Json;
import app.devskyy.core.auth.AuthSecret;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.config.Config;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

class AuthSecretTest {

    private static MockResponse secretValue(String secret, String versionId) {
        // GetSecretValue in Secrets Manager's JSON 1.1 wire format.
        return new MockResponse.Builder()
                .addHeader("content-type", "application/x-amz-json-1.1")
                .body(Json.write(Map.of(
                        "ARN",
                        ARN,
                        "Name",
                        "devskyy-auth",
                        "SecretString",
                        secret,
                        "VersionId",
                        versionId,
                        "VersionStages",
                        List.of("AWSCURRENT"))))
                .build();
    }

    static final String ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:devskyy-auth-AbCdEf";

    @Test
    void theSecretIsReadFromSecretsManagerThroughPowertoolsAndReadAgainOnceItsCacheAgePassed() throws Exception {
        String secret = AuthSecret.generate();
        Instant later = Instant.now().plusSeconds(5);
        String rotated = AuthSecret.parse(secret)
                .withSigningKeys(AuthSecret.parse(secret).signingKeys().rotate(later, later))
                .toJson();
        try (MockWebServer secretsManager = new MockWebServer()) {
            secretsManager.start();
            secretsManager.enqueue(secretValue(secret, "v-1"));
            secretsManager.enqueue(secretValue(rotated, "v-2"));
            Config production = Config.of(Map.of(
                    "AWS_REGION",
                    "us-east-1",
                    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
                    secretsManager.url("/").toString(),
                    "AUTH_SECRET_ARN",
                    ARN,
                    "AUTH_SECRET_CACHE_SECONDS",
                    "0"));
            AuthSecretSource source = AuthSecretSource.from(production, new AwsClients(production));
            assertThat(source.signingKeys().keys()).hasSize(1);
            RecordedRequest request = secretsManager.takeRequest();
            assertThat(request.getHeaders().get("x-amz-target")).isEqualTo("secretsmanager.GetSecretValue");
            assertThat(request.getBody().utf8()).contains("devskyy-auth-AbCdEf");
            // The rotation's new key reaches this instance without a restart.
            assertThat(source.signingKeys().keys()).hasSize(2);
            assertThat(secretsManager.getRequestCount()).isEqualTo(2);
        }
    }

    @Test
    void aMalformedSecretIsRefused() {
        assertThatThrownBy(() -> AuthSecret.parse("{\"signingKeys\":{\"keys\":[]},\"refreshKey\":\"c2hvcnQ=\"}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuthSecret.parse("{\"signingKeys\":{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]},"
                        + "\"refreshKey\":\"" + Base64.getEncoder().encodeToString(new byte[32]) + "\"}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package app.devskyy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.Json;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.config.Config;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

class AuthSecretTest {

    @Test
    void productionReadsTheSecretFromSecretsManagerThroughPowertools() throws Exception {
        String secret = AuthSecret.generate();
        try (MockWebServer secretsManager = new MockWebServer()) {
            secretsManager.start();
            // GetSecretValue in Secrets Manager's JSON 1.1 wire format.
            secretsManager.enqueue(new MockResponse.Builder()
                    .addHeader("content-type", "application/x-amz-json-1.1")
                    .body(Json.write(Map.of(
                            "ARN",
                            "arn:aws:secretsmanager:us-east-1:123456789012:secret:devskyy-auth-AbCdEf",
                            "Name",
                            "devskyy-auth",
                            "SecretString",
                            secret,
                            "VersionId",
                            "v-1",
                            "VersionStages",
                            List.of("AWSCURRENT"))))
                    .build());
            Config production = Config.of(Map.of(
                    "AWS_REGION",
                    "us-east-1",
                    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
                    secretsManager.url("/").toString(),
                    "AUTH_SECRET_ARN",
                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:devskyy-auth-AbCdEf"));
            AuthSecret read = AuthSecret.from(production, new AwsClients(production));
            assertThat(read.signingKeys().signingKey().getKeyID())
                    .isEqualTo(
                            AuthSecret.parse(secret).signingKeys().signingKey().getKeyID());
            RecordedRequest request = secretsManager.takeRequest();
            assertThat(request.getHeaders().get("x-amz-target")).isEqualTo("secretsmanager.GetSecretValue");
            assertThat(request.getBody().utf8()).contains("devskyy-auth-AbCdEf");
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

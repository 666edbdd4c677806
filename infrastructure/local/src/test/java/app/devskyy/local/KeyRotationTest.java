package app.devskyy.local;

import static app.devskyy.local.ApiClient.unique;
import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.auth.AuthSecret;
import app.devskyy.core.auth.SigningKeys;
import app.devskyy.core.aws.Values;
import app.devskyy.core.testing.Events;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import tools.jackson.databind.JsonNode;

/**
 * The key rotation job through the local API, its Secrets Manager and the functions' published
 * keys: tokens signed before the rotation, during the new key's publication and after the switch
 * all verify, at the auth function and at another family's; a second delivery of a slot takes no
 * second step; the replaced key leaves the secret and the published set once its grace is over.
 * Times are shortened by settings (a 2 s publication, a 1 s secret cache, rotation due at once).
 */
class KeyRotationTest {

    @TempDir
    static Path dataDir;

    static LocalApi api;

    /** The webhook secrets in the local Secrets Manager, their current value set 400 days ago (arranged as its file). */
    static final String WEBHOOK_SECRETS = "devskyy/local/webhooks";

    @BeforeAll
    static void start() throws IOException {
        long setAt = Instant.now().minus(Duration.ofDays(400)).toEpochMilli();
        Path manager = Files.createDirectories(dataDir.resolve("secrets").resolve("manager"));
        Files.writeString(
                manager.resolve("devskyy_local_webhooks.json"),
                Json.write(new LocalSecretsManager.Secret(
                        WEBHOOK_SECRETS,
                        "arn:aws:secretsmanager:us-east-1:000000000000:secret:" + WEBHOOK_SECRETS + "-a1b2c3",
                        setAt,
                        List.of(new LocalSecretsManager.Version(
                                "v-1", "{\"stripe\":[\"whsec_old\"]}", setAt, List.of("AWSCURRENT"))))));
        api = LocalApi.start(new LocalApi.Options(
                0,
                dataDir,
                Events.repositoryRoot().resolve("template.yaml"),
                Map.of(
                        "SIGNING_KEY_ROTATION_DAYS", "0",
                        "KEY_PUBLICATION_SECONDS", "2",
                        "AUTH_SECRET_CACHE_SECONDS", "1",
                        "WEBHOOK_SECRETS_ARN", WEBHOOK_SECRETS)));
    }

    @Test
    void webhookSecretsUnchangedForAYearAreAFindingOfTheScanAndRotatingThemResolvesIt() throws Exception {
        Instant tomorrow = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        scan(tomorrow);
        assertThat(findingState("webhook-secret-old", "webhook-secrets")).isEqualTo("open");

        try (SecretsManagerClient secrets = secretsManager()) {
            secrets.putSecretValue(r -> r.secretId(WEBHOOK_SECRETS).secretString("{\"stripe\":[\"whsec_new\"]}"));
        }
        scan(tomorrow.plus(Duration.ofDays(1)));
        assertThat(findingState("webhook-secret-old", "webhook-secrets")).isEqualTo("resolved");
    }

    private static void scan(Instant slot) {
        String event = "{\"scheduledTime\":\"" + slot + "\",\"executionId\":\"e-" + slot
                + "\",\"scheduleArn\":\"arn:aws:scheduler:us-east-1:000000000000:schedule/default/scan\"}";
        JsonNode report = Json.tree(api.invoke("SecurityScanJobFunction", event.getBytes(StandardCharsets.UTF_8)));
        assertThat(report.path("status").asString()).as(report.toString()).isEqualTo("complete");
    }

    private static String findingState(String rule, String subject) {
        try (DynamoDbClient dynamoDb = UsingLocalApi.dynamoDb(api)) {
            return dynamoDb.scan(r -> r.tableName("MaintenanceTable")).items().stream()
                    .filter(i -> rule.equals(Values.string(i, "rule")) && subject.equals(Values.string(i, "subject")))
                    .map(i -> i.get("state").s())
                    .findFirst()
                    .orElse(null);
        }
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    /** The auth function's own routes, and another family's (GDPR), which verifies with the published keys. */
    private static void assertVerifies(ApiClient client, String token) throws IOException {
        assertThat(client.get("/api/v1/auth/me", token).status()).isEqualTo(200);
        assertThat(client.get("/api/v1/gdpr/consents", token).status()).isEqualTo(200);
    }

    @Test
    void tokensSignedBeforeDuringAndAfterTheSwitchAllVerifyAndTheOldKeyIsRetiredAfterItsGrace() throws Exception {
        ApiClient client = new ApiClient(api.port());
        String email = unique("rotation");
        String before = client.account(email, "correct horse battery").field("access_token");
        // The other family reads the published set now: one key.
        assertVerifies(client, before);
        String oldKey = keyId(before);

        JsonNode first = rotate("2026-12-01T10:00:00Z");
        assertThat(first.path("status").asString()).isEqualTo("complete");
        assertThat(first.path("changed").asLong()).isEqualTo(1);
        SigningKeys rotated = secret().signingKeys();
        assertThat(rotated.keys()).hasSize(2);
        String newKey = rotated.newest().getKeyID();
        Instant signsFrom = SigningKeys.signsFrom(rotated.newest());
        assertThat(signsFrom).isAfter(Instant.now());
        // Published before it signs.
        assertThat(publishedKeyIds()).containsExactlyInAnyOrder(oldKey, newKey);

        // During the publication: the old key still signs.
        String during = login(client, email);
        assertThat(keyId(during)).isEqualTo(oldKey);
        // The same slot delivered again takes no second step.
        assertThat(rotate("2026-12-01T10:00:00Z").path("changed").asLong()).isEqualTo(1);
        assertThat(secret().signingKeys().keys()).hasSize(2);

        // After the switch (and the auth instance's secret cache): the new key signs.
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), signsFrom).toMillis()) + 1_500);
        String after = login(client, email);
        assertThat(keyId(after)).isEqualTo(newKey);
        for (String token : List.of(before, during, after)) {
            assertVerifies(client, token);
        }

        // The grace over (arranged: the switch moved a day back), the next run retires the old key.
        backdateSwitch(Duration.ofDays(1));
        JsonNode retire = rotate("2026-12-01T11:00:00Z");
        assertThat(retire.path("changed").asLong()).isEqualTo(2);
        assertThat(secret().signingKeys().keys()).extracting(ECKey::getKeyID).containsExactly(newKey);
        assertThat(publishedKeyIds()).containsExactly(newKey);
        assertVerifies(client, after);
        assertThat(client.get("/.well-known/jwks.json", null).status()).isEqualTo(200);
    }

    private static JsonNode rotate(String scheduledTime) {
        String event = "{\"scheduledTime\":\"" + scheduledTime + "\",\"executionId\":\"e-" + scheduledTime
                + "\",\"scheduleArn\":\"arn:aws:scheduler:us-east-1:000000000000:schedule/default/rotation\"}";
        return Json.tree(api.invoke("KeyRotationJobFunction", event.getBytes(StandardCharsets.UTF_8)));
    }

    private static String login(ApiClient client, String email) throws IOException {
        return client.post(
                        "/api/v1/auth/login",
                        "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}",
                        null)
                .field("access_token");
    }

    private static String keyId(String token) throws Exception {
        return SignedJWT.parse(token).getHeader().getKeyID();
    }

    private static SecretsManagerClient secretsManager() {
        return SecretsManagerClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + api.port() + LocalSecretsManager.PATH))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    private static AuthSecret secret() {
        try (SecretsManagerClient secrets = secretsManager()) {
            return AuthSecret.parse(secrets.getSecretValue(r -> r.secretId(LocalApi.AUTH_SECRET_NAME))
                    .secretString());
        }
    }

    /** Rewrites the secret with the newest key's nbf moved back, as if the switch had happened that long ago. */
    private static void backdateSwitch(Duration ago) throws Exception {
        AuthSecret secret = secret();
        List<ECKey> keys = new ArrayList<>();
        for (ECKey key : secret.signingKeys().keys()) {
            Date moved = Date.from(SigningKeys.signsFrom(key).minus(ago));
            keys.add(new ECKey.Builder(key).notBeforeTime(moved).build());
        }
        String json = "{\"keys\":"
                + Json.write(keys.stream().map(k -> k.toJSONObject()).toList()) + "}";
        try (SecretsManagerClient secrets = secretsManager()) {
            secrets.putSecretValue(r -> r.secretId(LocalApi.AUTH_SECRET_NAME)
                    .secretString(
                            secret.withSigningKeys(SigningKeys.parse(json)).toJson()));
        }
    }

    private static List<String> publishedKeyIds() {
        try (DynamoDbClient dynamoDb = UsingLocalApi.dynamoDb(api)) {
            return dynamoDb
                    .query(r -> r.tableName("AuthTable")
                            .keyConditionExpression("pk = :pk")
                            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("JWKS"))))
                    .items()
                    .stream()
                    .map(item -> item.get("sk").s().substring("KEY#".length()))
                    .toList();
        }
    }
}

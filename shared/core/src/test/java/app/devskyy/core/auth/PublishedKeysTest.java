package app.devskyy.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.aws.Outages;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.testing.DynamoDbLocal;
import com.nimbusds.jose.jwk.JWK;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The published keys in DynamoDB Local, as the auth table holds them and every verifier reads them. */
@ExtendWith(DynamoDbLocal.class)
class PublishedKeysTest {

    static final TokenSettings SETTINGS =
            new TokenSettings("https://api.devskyy.app", "devskyy-api", Duration.ofMinutes(15));
    static final Principal ALICE = new Principal("u-alice", "s-1", Map.of(), Optional.empty());

    final PublishedKeys published =
            new PublishedKeys(new DynamoTables(DynamoDbLocal.client()), "AuthTable", Clock.systemUTC());

    @AfterEach
    void unpublish() {
        published.read().getKeys().forEach(k -> published.withdraw(k.getKeyID()));
    }

    @Test
    void aKeyPublishedAfterAVerifierReadTheSetVerifiesAtOnceThroughTheRefreshOnAnUnknownKey() {
        SigningKeys keys = SigningKeys.generate();
        published.publish(keys.newest());
        Authenticator verifier = new Authenticator(published.source(), SETTINGS, sid -> false, ApiKeys.NONE);
        assertThat(verifier.verify(new AccessTokens(keys, SETTINGS, Clock.systemUTC()).issue(ALICE))
                        .userId())
                .isEqualTo("u-alice");

        // The verifier holds a set without the new key; a token of it makes the verifier read again.
        Instant now = Instant.now();
        SigningKeys rotated = keys.rotate(now, now);
        published.publish(rotated.newest());
        String fresh = new AccessTokens(rotated, SETTINGS, Clock.systemUTC()).issue(ALICE);
        assertThat(verifier.verify(fresh).userId()).isEqualTo("u-alice");
        assertThat(published.read().getKeys()).extracting(JWK::getKeyID).hasSize(2);
        assertThat(published.read().getKeys()).noneMatch(JWK::isPrivate);

        // A key never published is a 401, however recent the refresh.
        String stranger = new AccessTokens(SigningKeys.generate(), SETTINGS, Clock.systemUTC()).issue(ALICE);
        assertThatThrownBy(() -> verifier.verify(stranger))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.status()).isEqualTo(401));
    }

    @Test
    void theIssuerPublishesItsKeyBeforeItsFirstSignatureAndAWithdrawnKeyLeavesTheSet() {
        SigningKeys keys = SigningKeys.generate();
        AccessTokens issuer = new AccessTokens(() -> keys, published::ensure, SETTINGS, Clock.systemUTC());
        assertThat(published.read().getKeys()).isEmpty();
        String token = issuer.issue(ALICE);
        assertThat(published.read().getKeys())
                .extracting(JWK::getKeyID)
                .containsExactly(keys.newest().getKeyID());
        assertThat(new Authenticator(published.source(), SETTINGS, sid -> false, ApiKeys.NONE)
                        .verify(token)
                        .userId())
                .isEqualTo("u-alice");

        published.withdraw(keys.newest().getKeyID());
        assertThat(published.read().getKeys()).isEmpty();
        // A reader that reads the set after the withdrawal (the others within PublishedKeys.CACHE).
        PublishedKeys reader =
                new PublishedKeys(new DynamoTables(DynamoDbLocal.client()), "AuthTable", Clock.systemUTC());
        assertThatThrownBy(() -> new Authenticator(reader.source(), SETTINGS, sid -> false, ApiKeys.NONE).verify(token))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.status()).isEqualTo(401));
    }

    @Test
    void aTableThatCannotBeReachedIsAnOutageNotAnInvalidToken() {
        SigningKeys keys = SigningKeys.generate();
        DynamoDbClient unreachable = DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:9"))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
        PublishedKeys away = new PublishedKeys(new DynamoTables(unreachable), "AuthTable", Clock.systemUTC());
        String token = new AccessTokens(keys, SETTINGS, Clock.systemUTC()).issue(ALICE);
        assertThatThrownBy(() -> new Authenticator(away.source(), SETTINGS, sid -> false, ApiKeys.NONE).verify(token))
                .satisfies(failure -> assertThat(Outages.isOutage(failure)).isTrue())
                .isNotInstanceOf(ApiProblem.class);
    }
}

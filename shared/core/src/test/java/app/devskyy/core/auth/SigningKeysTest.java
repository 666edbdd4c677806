package app.devskyy.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** The rotation's timeline: a new key waits for its nbf, the replaced key goes after the grace. */
class SigningKeysTest {

    private static final Duration GRACE = Duration.ofMinutes(20);

    @Test
    void aNewKeySignsOnlyFromItsNotBeforeTimeAndTheOldOneIsRetiredOnlyAfterTheGrace() {
        // After the generated key was issued (now): the rotation is the newer.
        Instant start = Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
        SigningKeys original = SigningKeys.generate();
        String oldKey = original.signingKey(start).getKeyID();
        assertThat(original.rotating()).isFalse();

        SigningKeys rotated = original.rotate(start, start.plus(Duration.ofMinutes(15)));
        String newKey = rotated.newest().getKeyID();
        assertThat(rotated.rotating()).isTrue();
        assertThat(rotated.publicJwks().getKeys()).hasSize(2);
        // Published now, signing later: until its nbf the old key still signs.
        assertThat(rotated.signingKey(start.plus(Duration.ofMinutes(14))).getKeyID())
                .isEqualTo(oldKey);
        assertThat(rotated.signingKey(start.plus(Duration.ofMinutes(15))).getKeyID())
                .isEqualTo(newKey);

        // Not retired while a token of the old key may be current...
        Instant switched = start.plus(Duration.ofMinutes(15));
        assertThat(rotated.retire(switched.plus(GRACE).minusSeconds(1), GRACE).keys())
                .hasSize(2);
        assertThat(rotated.retire(start.plus(Duration.ofMinutes(5)), GRACE).keys())
                .hasSize(2);
        // ...and gone once none can be; the key that signs is never removed.
        SigningKeys retired = rotated.retire(switched.plus(GRACE), GRACE);
        assertThat(retired.keys()).extracting(k -> k.getKeyID()).containsExactly(newKey);
        assertThat(retired.rotating()).isFalse();
        assertThat(retired.retire(switched.plus(Duration.ofDays(400)), GRACE).keys())
                .hasSize(1);
    }

    @Test
    void theSecretKeepsEveryKeyWithItsTimesThroughItsJsonForm() {
        // After the generated key was issued (now): the rotation is the newer.
        Instant start = Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
        SigningKeys rotated = SigningKeys.generate().rotate(start, start.plus(Duration.ofMinutes(15)));
        AuthSecret secret = AuthSecret.parse(AuthSecret.generate()).withSigningKeys(rotated);
        AuthSecret read = AuthSecret.parse(secret.toJson());
        assertThat(read.refreshKey()).isEqualTo(secret.refreshKey());
        assertThat(read.signingKeys().keys()).hasSize(2);
        assertThat(SigningKeys.signsFrom(read.signingKeys().newest())).isEqualTo(start.plus(Duration.ofMinutes(15)));
        assertThat(read.signingKeys().publicJwks().getKeys()).noneMatch(k -> k.isPrivate());
    }
}

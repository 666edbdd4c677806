package app.devskyy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.http.ApiProblem;
import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PasswordsAndLockoutsTest {

    static final Passwords PASSWORDS = Passwords.owaspMinimum();

    @Test
    void hashesAreArgon2idWithTheirParameters() {
        String hash = PASSWORDS.hash("correct horse battery");
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(PASSWORDS.verify("correct horse battery", hash)).isTrue();
        assertThat(PASSWORDS.verify("correct horse batterY", hash)).isFalse();
        assertThat(PASSWORDS.verify("anything", "not a hash")).isFalse();
        assertThat(PASSWORDS.needsRehash(hash)).isFalse();
    }

    @Test
    void weakerHashesAreRehashedOnLogin() {
        String weak = Password.hash("correct horse battery")
                .addRandomSalt(16)
                .with(Argon2Function.getInstance(8 * 1024, 1, 1, 32, Argon2.ID))
                .getResult();
        assertThat(PASSWORDS.verify("correct horse battery", weak)).isTrue();
        assertThat(PASSWORDS.needsRehash(weak)).isTrue();
    }

    @Test
    void parametersBelowTheOwaspMinimumAreRefused() {
        assertThatThrownBy(() -> new Passwords(8 * 1024, 2, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Passwords(19 * 1024, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void policy() {
        PASSWORDS.checkPolicy("correct horse battery", "/password");
        PASSWORDS.checkPolicy("ünïcödé!", "/password");
        for (String bad : new String[] {"short", "x".repeat(129), "password123", "Qwerty123", "iloveyou1"}) {
            assertThatThrownBy(() -> PASSWORDS.checkPolicy(bad, "/password"))
                    .as(bad)
                    .isInstanceOfSatisfying(ApiProblem.class, p -> {
                        assertThat(p.status()).isEqualTo(422);
                        assertThat(p.errors().getFirst().pointer()).isEqualTo("/password");
                        assertThat(p.errors().getFirst().detail()).doesNotContain(bad);
                    });
        }
    }

    @Test
    void lockoutDoublesFromThe5thFailureUpTo15Minutes() {
        assertThat(Lockouts.lockFor(4)).isZero();
        assertThat(Lockouts.lockFor(5)).isEqualTo(Duration.ofSeconds(30));
        assertThat(Lockouts.lockFor(6)).isEqualTo(Duration.ofSeconds(60));
        assertThat(Lockouts.lockFor(9)).isEqualTo(Duration.ofSeconds(480));
        assertThat(Lockouts.lockFor(10)).isEqualTo(Duration.ofMinutes(15));
        assertThat(Lockouts.lockFor(1_000_000)).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void refreshTokensAre256BitsAndTheirSuccessorsDeterministic() {
        RefreshTokens tokens = new RefreshTokens(new byte[32]);
        String first = tokens.first();
        assertThat(RefreshTokens.wellFormed(first)).isTrue();
        assertThat(Base64.getUrlDecoder().decode(first)).hasSize(32);
        assertThat(tokens.successor(first)).isEqualTo(tokens.successor(first)).isNotEqualTo(first);
        assertThat(new RefreshTokens(new byte[] {
                            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
                            26, 27, 28, 29, 30, 31, 32
                        })
                        .successor(first))
                .isNotEqualTo(tokens.successor(first));
        assertThat(RefreshTokens.hash(first)).isNotEqualTo(first).hasSize(43);
        assertThat(RefreshTokens.wellFormed("../../etc/passwd")).isFalse();
    }
}

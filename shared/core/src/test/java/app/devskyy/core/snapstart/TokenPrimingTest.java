package app.devskyy.core.snapstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.SigningKeys;
import app.devskyy.core.auth.TokenSettings;
import app.devskyy.core.http.ApiProblem;
import com.nimbusds.jose.jwk.JWKSet;
import java.lang.reflect.Field;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokenPrimingTest {

    @Test
    void thePrimingTokenVerifiesAgainstItsOwnKeyAndNoOther() throws Exception {
        // The whole path runs: signature, claims, principal.
        assertThat(TokenPriming.verify().userId()).isEqualTo("usr_priming");
        // A verifier of the platform, with its own keys and issuer, refuses it.
        Field token = TokenPriming.class.getDeclaredField("TOKEN");
        token.setAccessible(true);
        Authenticator platform = new Authenticator(
                new JWKSet(SigningKeys.generate().newest().toPublicJWK()),
                new TokenSettings("https://api.devskyy.app", "devskyy-api", Duration.ofMinutes(15)),
                sessionId -> false);
        assertThatThrownBy(() -> platform.verify((String) token.get(null)))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.status()).isEqualTo(401));
    }
}

package app.devskyy.core.snapstart;

import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.auth.TokenSettings;
import com.nimbusds.jose.jwk.JWKSet;
import java.text.ParseException;
import java.time.Duration;

/**
 * A token's first verification, made before the snapshot without reading any key store: a key
 * set and an access token made for priming alone (the issuer {@code priming.invalid}, a key no
 * deployment publishes, so no verifier of the platform accepts the token) go through an
 * {@link Authenticator} of their own. That loads and runs what the first authenticated request
 * would otherwise pay for (docs/performance.md): JWK parsing, ES256 verification, the claims'
 * checks and their reading into a {@link Principal}. Verifying needs no randomness, so the
 * snapshot holds nothing unique; the token was signed once, when this class was written, with a
 * private key that was then thrown away.
 */
final class TokenPriming {

    private static final String KEYS =
            "{\"keys\":[{\"kty\":\"EC\",\"use\":\"sig\",\"crv\":\"P-256\",\"kid\":\"priming\",\"x\":\"HUaHWMCzXvJn6eScbCQlhpSFjoxWYIkGl1Jxty1AfY4\",\"y\":\"bMG4C8r1_toTvliv0lmkZcG6UP9B7XeNt1ntQrCldJY\",\"alg\":\"ES256\"}]}";

    private static final String TOKEN =
            "eyJraWQiOiJwcmltaW5nIiwidHlwIjoiYXQrand0IiwiYWxnIjoiRVMyNTYifQ.eyJzdWIiOiJ1c3JfcHJpbWluZyIsImF1ZCI6ImRldnNreXktcHJpbWluZyIsImVtYWlsX3ZlcmlmaWVkIjp0cnVlLCJuYmYiOjE3NjcyMjU2MDAsImlzcyI6Imh0dHBzOi8vcHJpbWluZy5pbnZhbGlkIiwid3MiOnsid3NfcHJpbWluZyI6ImFkbWluIn0sImV4cCI6NDEwMjQ0NDgwMCwiYWFsIjoiYWFsMSIsImlhdCI6MTc2NzIyNTYwMCwianRpIjoicHJpbWluZyIsInNpZCI6InNlc19wcmltaW5nIn0.X8OmHh9e9cv15RiXT0ul0lbxizLAGj3bFZFC6v6DFTAtKk-Cut5j-kXryVIF1ao0w9XdKVZ3A62byj2Z-NFFMQ";

    private TokenPriming() {}

    /** Verifies the priming token; the principal it names (never used for anything). */
    static Principal verify() {
        try {
            return new Authenticator(
                            JWKSet.parse(KEYS),
                            new TokenSettings("https://priming.invalid", "devskyy-priming", Duration.ofMinutes(15)),
                            sessionId -> false)
                    .verify(TOKEN);
        } catch (ParseException unreadable) {
            throw new IllegalStateException("the priming key set does not parse", unreadable);
        }
    }
}

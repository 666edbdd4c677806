package app.devskyy.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Issues access tokens: ES256 JWTs of type {@code at+jwt} (RFC 9068) with {@code iss}, {@code aud},
 * {@code sub}, {@code sid}, {@code iat}, {@code exp}, {@code jti}, the workspace roles
 * ({@code ws}), the assurance level ({@code aal}) and, for operators, the platform role ({@code role}).
 */
public final class AccessTokens {

    public static final JOSEObjectType TYPE = new JOSEObjectType("at+jwt");
    public static final Duration MAX_LIFETIME = Duration.ofMinutes(15);

    private final Supplier<SigningKeys> keys;
    private final Consumer<JWK> beforeSigning;
    private final TokenSettings settings;
    private final Clock clock;

    /** Tokens signed by a fixed key set, published elsewhere (tests, benchmarks). */
    public AccessTokens(SigningKeys keys, TokenSettings settings, Clock clock) {
        this(() -> keys, key -> {}, settings, clock);
    }

    /**
     * Tokens signed by the key set as it is now ({@code keys}: the auth secret, re-read now and
     * then so that a rotation reaches every instance), each key made sure of by
     * {@code beforeSigning} before it signs (its publication, {@link PublishedKeys#ensure}).
     */
    public AccessTokens(Supplier<SigningKeys> keys, Consumer<JWK> beforeSigning, TokenSettings settings, Clock clock) {
        if (settings.lifetime().compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("access tokens live at most " + MAX_LIFETIME);
        }
        this.keys = keys;
        this.beforeSigning = beforeSigning;
        this.settings = settings;
        this.clock = clock;
    }

    public String issue(Principal principal) {
        Instant now = clock.instant();
        Map<String, String> workspaces = new LinkedHashMap<>();
        principal.memberships().forEach((workspace, role) -> workspaces.put(workspace, role.wire()));
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(settings.issuer())
                .audience(settings.audience())
                .subject(principal.userId())
                .claim("sid", principal.sessionId())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(settings.lifetime())))
                .jwtID(UUID.randomUUID().toString())
                .claim("ws", workspaces)
                .claim("aal", principal.assurance())
                .claim("email_verified", principal.emailVerified());
        principal.platformRole().ifPresent(role -> claims.claim("role", role.wire()));
        ECKey key = keys.get().signingKey(now);
        beforeSigning.accept(key);
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(TYPE)
                .keyID(key.getKeyID())
                .build();
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
        return jwt.serialize();
    }

    /** Makes sure the key that signs now is published (the JWKS endpoint shows it before a first token). */
    public void publishSigningKey() {
        beforeSigning.accept(keys.get().signingKey(clock.instant()));
    }

    public Duration lifetime() {
        return settings.lifetime();
    }
}

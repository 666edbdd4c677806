package app.devskyy.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Issues access tokens: ES256 JWTs of type {@code at+jwt} (RFC 9068) with {@code iss}, {@code aud},
 * {@code sub}, {@code sid}, {@code iat}, {@code exp}, {@code jti}, the workspace roles
 * ({@code ws}), the assurance level ({@code aal}) and, for operators, the platform role ({@code role}).
 */
public final class AccessTokens {

    public static final JOSEObjectType TYPE = new JOSEObjectType("at+jwt");
    public static final Duration MAX_LIFETIME = Duration.ofMinutes(15);

    private final SigningKeys keys;
    private final TokenSettings settings;
    private final Clock clock;

    public AccessTokens(SigningKeys keys, TokenSettings settings, Clock clock) {
        if (settings.lifetime().compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("access tokens live at most " + MAX_LIFETIME);
        }
        this.keys = keys;
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
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(TYPE)
                .keyID(keys.signingKey().getKeyID())
                .build();
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(new ECDSASigner(keys.signingKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
        return jwt.serialize();
    }

    public Duration lifetime() {
        return settings.lifetime();
    }
}

package app.devskyy.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.aws.Outages;
import app.devskyy.core.config.Config;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.HttpApiFunction;
import app.devskyy.core.http.HttpResponse;
import app.devskyy.core.http.Router;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.core.testing.HttpEvents;
import app.devskyy.core.testing.MutableClock;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Token verification, including the attacks of RFC 8725 and the OWASP JWT cheat sheet. */
class AuthenticatorTest {

    static final TokenSettings SETTINGS =
            new TokenSettings("https://api.devskyy.app", "devskyy-api", Duration.ofMinutes(15));
    static final Principal ALICE =
            new Principal("u-alice", "s-1", Map.of("ws-1", Role.ADMIN, "ws-2", Role.READ_ONLY), Optional.empty());

    final SigningKeys keys = SigningKeys.generate();
    final Set<String> revoked = new HashSet<>();
    final Authenticator authenticator = new Authenticator(keys.publicJwks(), SETTINGS, revoked::contains);
    final AccessTokens tokens = new AccessTokens(keys, SETTINGS, Clock.systemUTC());

    private void assertRejected(String token) {
        assertThatThrownBy(() -> authenticator.verify(token)).isInstanceOfSatisfying(ApiProblem.class, p -> {
            assertThat(p.status()).isEqualTo(401);
            assertThat(p.headers().get("www-authenticate")).contains("invalid_token");
        });
    }

    /** Signs arbitrary claims with our real key, to build tokens the issuer would never issue. */
    private String signed(JWSHeader header, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(new ECDSASigner(keys.newest()));
        return jwt.serialize();
    }

    private JWSHeader.Builder header() {
        return new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(AccessTokens.TYPE)
                .keyID(keys.newest().getKeyID());
    }

    private JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(SETTINGS.issuer())
                .audience(SETTINGS.audience())
                .subject("u-alice")
                .claim("sid", "s-1")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(600)))
                .jwtID("j-1")
                .claim("ws", Map.of("ws-1", "admin"));
    }

    @Test
    void aValidTokenYieldsItsPrincipal() {
        Principal principal = authenticator.verify(tokens.issue(ALICE));
        assertThat(principal).isEqualTo(ALICE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
    void unsignedTokensAreRejectedWhateverTheCaseOfNone(String alg) {
        String header = base64("{\"alg\":\"" + alg + "\",\"typ\":\"at+jwt\",\"kid\":\""
                + keys.newest().getKeyID() + "\"}");
        String payload =
                base64("{\"iss\":\"https://api.devskyy.app\",\"aud\":\"devskyy-api\",\"sub\":\"u-admin\",\"sid\":\"s\","
                        + "\"exp\":" + (Instant.now().getEpochSecond() + 600) + ",\"iat\":1,\"jti\":\"x\"}");
        assertRejected(header + "." + payload + ".");
        assertRejected(header + "." + payload);
    }

    @Test
    void hs256SignedWithThePublicKeyIsRejected() throws Exception {
        byte[] publicKeyAsSecret = keys.publicJwks().toString().getBytes(StandardCharsets.UTF_8);
        SignedJWT forged = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .type(AccessTokens.TYPE)
                        .keyID(keys.newest().getKeyID())
                        .build(),
                claims().build());
        forged.sign(new MACSigner(publicKeyAsSecret));
        assertRejected(forged.serialize());
        SignedJWT forgedWithPoint = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .type(AccessTokens.TYPE)
                        .keyID(keys.newest().getKeyID())
                        .build(),
                claims().build());
        forgedWithPoint.sign(
                new MACSigner(keys.newest().toPublicJWK().toECPublicKey().getEncoded()));
        assertRejected(forgedWithPoint.serialize());
    }

    @ParameterizedTest
    @ValueSource(strings = {"unknown-kid", "../../../../dev/null", "/etc/passwd", "' OR '1'='1", ""})
    void unknownOrTrickKeyIdsAreRejected(String kid) throws Exception {
        assertRejected(signed(header().keyID(kid).build(), claims().build()));
    }

    @Test
    void aMissingKeyIdIsRejected() throws Exception {
        assertRejected(signed(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .type(AccessTokens.TYPE)
                        .build(),
                claims().build()));
    }

    @Test
    void keysOfferedInTheHeaderAreNeverFollowedOrTrusted() throws Exception {
        ECKey attacker = new ECKeyGenerator(Curve.P_256).keyID("attacker").generate();
        for (JWSHeader header : new JWSHeader[] {
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                    .type(AccessTokens.TYPE)
                    .keyID("attacker")
                    .jwkURL(URI.create("https://attacker.example/jwks.json"))
                    .build(),
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                    .type(AccessTokens.TYPE)
                    .keyID(keys.newest().getKeyID())
                    .x509CertURL(URI.create("https://attacker.example/cert.pem"))
                    .build(),
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                    .type(AccessTokens.TYPE)
                    .keyID(keys.newest().getKeyID())
                    .jwk(attacker.toPublicJWK())
                    .build()
        }) {
            SignedJWT jwt = new SignedJWT(header, claims().build());
            jwt.sign(new ECDSASigner(attacker));
            assertRejected(jwt.serialize());
        }
    }

    @Test
    void aTamperedPayloadOrAStrippedSignatureIsRejected() {
        String[] parts = tokens.issue(ALICE).split("\\.");
        String escalated = base64(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"read_only\"", "\"admin\""));
        assertRejected(parts[0] + "." + escalated + "." + parts[2]);
        assertRejected(parts[0] + "." + parts[1] + ".");
        assertRejected(parts[0] + "." + parts[1]);
        assertRejected("not.a.jwt");
        assertRejected("");
    }

    @Test
    void expiredAndNotYetValidTokensAreRejectedBeyondTheLeeway() throws Exception {
        Instant now = Instant.now();
        assertRejected(new AccessTokens(keys, SETTINGS, Clock.fixed(now.minus(Duration.ofMinutes(16)), ZoneOffset.UTC))
                .issue(ALICE));
        assertRejected(signed(
                header().build(),
                claims().notBeforeTime(Date.from(now.plusSeconds(120))).build()));
        // Within the 30 s leeway a slightly skewed clock is tolerated.
        assertThat(authenticator
                        .verify(signed(
                                header().build(),
                                claims().notBeforeTime(Date.from(now.plusSeconds(10)))
                                        .build()))
                        .userId())
                .isEqualTo("u-alice");
    }

    @Test
    void wrongIssuerAudienceOrTypeIsRejected() throws Exception {
        assertRejected(new AccessTokens(
                        keys,
                        new TokenSettings("https://evil.example", "devskyy-api", Duration.ofMinutes(5)),
                        Clock.systemUTC())
                .issue(ALICE));
        assertRejected(new AccessTokens(
                        keys,
                        new TokenSettings(SETTINGS.issuer(), "another-api", Duration.ofMinutes(5)),
                        Clock.systemUTC())
                .issue(ALICE));
        assertRejected(signed(header().type(JOSEObjectType.JWT).build(), claims().build()));
        assertRejected(signed(header().type(new JOSEObjectType("refresh+jwt")).build(), claims().build()));
    }

    @Test
    void aTokenWithoutSessionOrWithUnknownRolesIsRejected() throws Exception {
        assertRejected(signed(header().build(), claims().claim("sid", null).build()));
        assertRejected(signed(
                header().build(), claims().claim("ws", Map.of("ws-1", "owner")).build()));
        assertRejected(signed(header().build(), claims().claim("role", "god").build()));
    }

    @Test
    void anOpaqueRefreshTokenIsNotAnAccessToken() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        assertRejected(Base64.getUrlEncoder().withoutPadding().encodeToString(random));
    }

    @Test
    void aRevokedSessionIsRejected() {
        String token = tokens.issue(ALICE);
        revoked.add("s-1");
        assertRejected(token);
    }

    @Test
    void aKeySourceThatFailsWithoutACauseIsAnOutageNotAnInvalidToken() {
        // What nimbus's caching source throws when a refresh outlasts its timeout: no SDK exception inside.
        JWKSource<SecurityContext> timingOut = (selector, context) -> {
            throw new KeySourceException("Timeout while waiting for cache refresh");
        };
        Authenticator waiting = new Authenticator(timingOut, SETTINGS, sid -> false, ApiKeys.NONE);
        assertThatThrownBy(() -> waiting.verify(tokens.issue(ALICE)))
                .isInstanceOf(Outages.DependencyUnavailable.class)
                .satisfies(failure -> assertThat(Outages.isOutage(failure)).isTrue());
    }

    @Test
    void tokensOfTheOlderKeyStillVerifyAfterRotation() {
        String before = tokens.issue(ALICE);
        SigningKeys rotated = keys.rotate(Instant.now(), Instant.now());
        Authenticator after = new Authenticator(rotated.publicJwks(), SETTINGS, sid -> false);
        String fresh = new AccessTokens(rotated, SETTINGS, Clock.systemUTC()).issue(ALICE);
        assertThat(after.verify(before).userId()).isEqualTo("u-alice");
        assertThat(after.verify(fresh).userId()).isEqualTo("u-alice");
        assertThat(rotated.signingKey(Instant.now()).getKeyID())
                .isNotEqualTo(keys.newest().getKeyID());
        assertThat(rotated.publicJwks().getKeys())
                .hasSize(2)
                .allSatisfy(k -> assertThat(k.isPrivate()).isFalse());
    }

    @Test
    void anIndependentLibraryVerifiesOurTokensFromTheJwksDocumentAlone() throws Exception {
        String jwksDocument = keys.publicJwks().toString();
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setVerificationKeyResolver(
                        new JwksVerificationKeyResolver(new JsonWebKeySet(jwksDocument).getJsonWebKeys()))
                .setExpectedIssuer(SETTINGS.issuer())
                .setExpectedAudience(SETTINGS.audience())
                .setRequireExpirationTime()
                .setRequireSubject()
                .setExpectedType(true, "at+jwt")
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, "ES256")
                .build();
        var claims = consumer.processToClaims(tokens.issue(ALICE));
        assertThat(claims.getSubject()).isEqualTo("u-alice");
        assertThat(claims.getStringClaimValue("sid")).isEqualTo("s-1");
        assertThat(claims.getExpirationTime().getValueInMillis()
                        - claims.getIssuedAt().getValueInMillis())
                .isLessThanOrEqualTo(Duration.ofMinutes(15).toMillis());
    }

    @Test
    void requestsNeedABearerHeader() {
        HttpApiFunction function = new HttpApiFunction(
                Router.builder()
                        .get(
                                "/me",
                                request -> HttpResponse.ok(Map.of(
                                        "sub",
                                        authenticator.authenticate(request).userId())))
                        .build(),
                new Telemetry(Config.of(Map.of("DEVSKYY_METRICS", "off"))));
        var event = HttpEvents.request("GET", "/me");
        assertThat(function.handle(event).getStatusCode()).isEqualTo(401);
        assertThat(function.handle(event).getHeaders()).containsEntry("www-authenticate", "Bearer realm=\"devskyy\"");
        event.getHeaders().put("authorization", "Basic dTpw");
        assertThat(function.handle(event).getStatusCode()).isEqualTo(401);
        event.getHeaders().put("authorization", "bearer " + tokens.issue(ALICE));
        assertThat(function.handle(event).getStatusCode()).isEqualTo(200);
        assertThat(function.handle(event).getBody()).contains("u-alice");
    }

    @Test
    void rolesAreEnforcedPerWorkspace() {
        assertThat(Authenticator.requireRole(ALICE, "ws-1", Role.DEVELOPER)).isEqualTo(Role.ADMIN);
        assertThatThrownBy(() -> Authenticator.requireRole(ALICE, "ws-2", Role.API_USER))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.status()).isEqualTo(403));
        assertThatThrownBy(() -> Authenticator.requireRole(ALICE, "ws-other", Role.READ_ONLY))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.status()).isEqualTo(404));
        Principal operator = new Principal("u-op", "s-9", Map.of(), Optional.of(Role.SUPER_ADMIN));
        assertThat(Authenticator.requireRole(operator, "ws-any", Role.ADMIN)).isEqualTo(Role.SUPER_ADMIN);
        Authenticator.requirePlatformRole(operator, Role.ADMIN);
        assertThatThrownBy(() -> Authenticator.requirePlatformRole(ALICE, Role.ADMIN))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.status()).isEqualTo(403));
    }

    @Test
    void assuranceAndEmailVerificationTravelInTheToken() {
        Principal verified = new Principal("u-v", "s-v", Map.of(), Optional.empty(), Principal.AAL2, true);
        Principal checked = authenticator.verify(tokens.issue(verified));
        assertThat(checked.assurance()).isEqualTo("aal2");
        assertThat(checked.emailVerified()).isTrue();
        Authenticator.requireSecondFactor(checked);
        Authenticator.requireVerifiedEmail(checked);
        Principal plain = authenticator.verify(tokens.issue(ALICE));
        assertThat(plain.assurance()).isEqualTo("aal1");
        assertThatThrownBy(() -> Authenticator.requireSecondFactor(plain))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.status()).isEqualTo(403));
        assertThatThrownBy(() -> Authenticator.requireVerifiedEmail(plain))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.type()).endsWith("/email-not-verified"));
    }

    @Test
    void revocationAnswersAreReusedForAtMostAMinute() {
        int[] lookups = {0};
        boolean[] revokedNow = {false};
        MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
        SessionRevocations cached = SessionRevocations.cached(
                sid -> {
                    lookups[0]++;
                    return revokedNow[0];
                },
                clock);
        assertThat(cached.isRevoked("s-1")).isFalse();
        revokedNow[0] = true;
        clock.advance(Duration.ofSeconds(59));
        assertThat(cached.isRevoked("s-1")).isFalse();
        clock.advance(Duration.ofSeconds(2));
        assertThat(cached.isRevoked("s-1")).isTrue();
        assertThat(lookups[0]).isEqualTo(2);
    }

    private static String base64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }
}

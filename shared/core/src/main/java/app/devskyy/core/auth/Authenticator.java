package app.devskyy.core.auth;

import app.devskyy.core.aws.Outages;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.HttpRequest;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies bearer access tokens for every function: ES256 only, the key chosen by {@code kid}
 * among the known public keys only (headers such as {@code jku}, {@code x5u} or an embedded
 * {@code jwk} are never followed), type {@code at+jwt}, issuer and audience exact, {@code exp} and
 * {@code nbf} with 30 s of leeway, and the session not revoked. Every failure is the same 401.
 */
public final class Authenticator {

    /** How far past its expiry (or before its start) a token is still taken: clocks differ. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final SessionRevocations revocations;
    private final ApiKeys apiKeys;

    public Authenticator(JWKSet publicKeys, TokenSettings settings, SessionRevocations revocations) {
        this(publicKeys, settings, revocations, ApiKeys.NONE);
    }

    public Authenticator(JWKSet publicKeys, TokenSettings settings, SessionRevocations revocations, ApiKeys apiKeys) {
        this(new ImmutableJWKSet<>(publicKeys), settings, revocations, apiKeys);
    }

    /** An Authenticator over keys that can change: the {@link PublishedKeys} every function reads. */
    public Authenticator(
            JWKSource<SecurityContext> publicKeys,
            TokenSettings settings,
            SessionRevocations revocations,
            ApiKeys apiKeys) {
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(AccessTokens.TYPE));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, publicKeys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                settings.audience(),
                new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
                Set.of("sub", "sid", "exp", "iat", "jti"));
        claims.setMaxClockSkew((int) CLOCK_SKEW.toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
        this.revocations = revocations;
        this.apiKeys = apiKeys;
    }

    /**
     * The caller of a request with {@code Authorization: Bearer <access token or API key>}; 401
     * otherwise.
     */
    public Principal authenticate(HttpRequest request) {
        String authorization = request.header("authorization").orElseThrow(() -> unauthorized(false));
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized(false);
        }
        String credential = authorization.substring(7).strip();
        if (ApiKeys.looksLikeKey(credential)) {
            return apiKeys.resolve(credential).orElseThrow(() -> unauthorized(true));
        }
        return verify(credential);
    }

    /** The principal of a token; 401 for anything but a valid, current access token. */
    public Principal verify(String token) {
        JWTClaimsSet claims;
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (jwt.getHeader().getKeyID() == null) {
                throw unauthorized(true);
            }
            claims = processor.process(jwt, null);
        } catch (ApiProblem problem) {
            throw problem;
        } catch (Exception invalid) {
            if (Outages.isOutage(invalid)) {
                // The published keys could not be read: a 503 to retry, not a 401 that logs the caller out.
                throw new Outages.DependencyUnavailable("the published keys", invalid);
            }
            // Parse errors, bad signatures, wrong type, algorithm, issuer, audience, expiry: one answer.
            throw unauthorized(true);
        }
        Principal principal = principal(claims);
        if (revocations.isRevoked(principal.sessionId())) {
            throw unauthorized(true);
        }
        return principal;
    }

    private static Principal principal(JWTClaimsSet claims) {
        try {
            Map<String, Role> memberships = new HashMap<>();
            Map<String, Object> workspaces = claims.getJSONObjectClaim("ws");
            if (workspaces != null) {
                workspaces.forEach((workspace, role) -> memberships.put(
                        workspace, Role.fromWire(String.valueOf(role)).orElseThrow()));
            }
            Optional<Role> platformRole = Optional.ofNullable(claims.getStringClaim("role"))
                    .map(r -> Role.fromWire(r).orElseThrow());
            String assurance = claims.getStringClaim("aal") == null ? Principal.AAL1 : claims.getStringClaim("aal");
            boolean emailVerified = Boolean.TRUE.equals(claims.getBooleanClaim("email_verified"));
            return new Principal(
                    claims.getSubject(),
                    claims.getStringClaim("sid"),
                    memberships,
                    platformRole,
                    assurance,
                    emailVerified);
        } catch (Exception malformed) {
            throw unauthorized(true);
        }
    }

    /**
     * Lets a call through when the caller holds at least {@code required} in the workspace: 404
     * when the caller is not a member (the workspace's existence is not disclosed), 403 when the
     * role is too low.
     */
    public static Role requireRole(Principal principal, String workspaceId, Role required) {
        Role held = principal.roleIn(workspaceId).orElseThrow(() -> ApiProblem.notFound("No such workspace."));
        if (held == Role.FROZEN && required != Role.FROZEN) {
            throw frozen();
        }
        if (!held.atLeast(required)) {
            throw forbidden(required);
        }
        return held;
    }

    /** A member or key the plan's limits leave over: kept, and usable again once the plan allows it. */
    private static ApiProblem frozen() {
        return new ApiProblem(
                403,
                "frozen",
                "Frozen by the plan's limits",
                "This member's seat or this API key is beyond what the workspace's plan allows, so it is frozen;"
                        + " an admin can upgrade the plan (GET /api/v1/billing/plans) or remove others to free it.",
                List.of(),
                Map.of("link", "</api/v1/billing/plans>; rel=\"upgrade\""));
    }

    /**
     * What only the person may do for themselves (give consent, make a data subject request): a
     * caller that is an API key gets 403 {@code person-only}.
     */
    public static Principal requirePerson(Principal principal, String what) {
        if (principal.userId().startsWith("key:")) {
            throw ApiProblem.of(
                    403, "person-only", "Forbidden", what + " is the person's own: sign in, an API key cannot.");
        }
        return principal;
    }

    /** Platform-wide operations (user administration): the caller's platform role must suffice. */
    public static void requirePlatformRole(Principal principal, Role required) {
        if (principal.platformRole().filter(r -> r.atLeast(required)).isEmpty()) {
            throw forbidden(required);
        }
    }

    /** Operations that need a second factor in this session (changing MFA, API keys, admin actions). */
    public static void requireSecondFactor(Principal principal) {
        if (!Principal.AAL2.equals(principal.assurance())) {
            throw ApiProblem.of(
                    403,
                    "second-factor-required",
                    "Forbidden",
                    "This operation needs a session signed in with a second factor (aal2).");
        }
    }

    /** Operations open only to users who confirmed their email address. */
    public static void requireVerifiedEmail(Principal principal) {
        if (!principal.emailVerified()) {
            throw ApiProblem.of(403, "email-not-verified", "Forbidden", "Confirm your email address first.");
        }
    }

    private static ApiProblem forbidden(Role required) {
        return ApiProblem.of(403, "forbidden", "Forbidden", "This operation needs the role " + required.wire() + ".");
    }

    private static ApiProblem unauthorized(boolean tokenPresented) {
        return new ApiProblem(
                401,
                "unauthorized",
                "Unauthorized",
                "A valid access token is required (Authorization: Bearer).",
                List.of(),
                Map.of(
                        "www-authenticate",
                        tokenPresented
                                ? "Bearer realm=\"devskyy\", error=\"invalid_token\""
                                : "Bearer realm=\"devskyy\""));
    }
}

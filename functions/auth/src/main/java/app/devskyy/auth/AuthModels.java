package app.devskyy.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/** The bodies of the auth routes: requests as their JSON Schemas allow them, responses as documented. */
final class AuthModels {

    private AuthModels() {}

    record SignupRequest(String email, String password, String displayName) {}

    /** {@code refreshTokenDelivery}: {@code body} (the default) or {@code cookie} (browser apps). */
    record LoginRequest(String email, String password, String refreshTokenDelivery) {

        boolean inCookie() {
            return "cookie".equals(refreshTokenDelivery);
        }
    }

    record RefreshRequest(@JsonProperty("refresh_token") String refreshToken) {}

    record LogoutRequest(String scope) {}

    record UpdateMeRequest(String displayName) {}

    record ChangePasswordRequest(String currentPassword, String newPassword) {}

    /** Where a request came from, for sessions and the audit log. */
    record WorkspaceRole(String id, String role) {}

    record UserView(
            String id,
            String email,
            String displayName,
            boolean emailVerified,
            Instant createdAt,
            List<WorkspaceRole> workspaces) {}

    record TokenRequest(String token) {}

    record ForgotPasswordRequest(String email) {}

    record ResetPasswordRequest(String token, String newPassword) {}

    /** What a login answers: tokens, or the demand for a second factor. */
    sealed interface LoginAnswer permits Tokens, MfaRequired {}

    /** The password was right; a second factor completes the login at {@code POST /mfa/challenge}. */
    record MfaRequired(boolean mfaRequired, String challengeId, Instant expiresAt) implements LoginAnswer {}

    record CodeRequest(String code) {}

    record ChallengeRequest(String challengeId, String code, String recoveryCode, String refreshTokenDelivery) {

        boolean inCookie() {
            return "cookie".equals(refreshTokenDelivery);
        }
    }

    /** Shown once, at enrolment: the secret, for typing, and the same as URI and QR code (PNG, base64). */
    record Enrollment(String factorId, String secret, String otpauthUri, String qrCode) {}

    /** Shown once; stored only as hashes. */
    record RecoveryCodes(List<String> recoveryCodes) {}

    /** OAuth 2 token response names (RFC 6749), which client libraries expect. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Tokens(
            @JsonProperty("access_token") String accessToken,
            @JsonProperty("token_type") String tokenType,
            @JsonProperty("expires_in") long expiresIn,
            @JsonProperty("refresh_token") String refreshToken,
            @JsonProperty("session_id") String sessionId)
            implements LoginAnswer {

        /** The answer of the cookie mode: the refresh token travels in the cookie only. */
        Tokens withoutRefreshToken() {
            return new Tokens(accessToken, tokenType, expiresIn, null, sessionId);
        }
    }

    /**
     * OAuth 2.0 Authorization Server Metadata (RFC 8414), with its member names: what exists is
     * the JWKS and a token endpoint for the refresh_token grant, for public clients (a refresh token
     * is the whole credential); accounts sign in with a password, not through an authorization
     * endpoint, so no response types are offered.
     */
    record ServerMetadata(
            String issuer,
            @JsonProperty("jwks_uri") String jwksUri,
            @JsonProperty("token_endpoint") String tokenEndpoint,
            @JsonProperty("grant_types_supported") List<String> grantTypes,

            @JsonProperty("token_endpoint_auth_methods_supported")
            List<String> authMethods,

            @JsonProperty("response_types_supported") List<String> responseTypes,
            @JsonProperty("service_documentation") String documentation) {

        static ServerMetadata of(String issuer) {
            return new ServerMetadata(
                    issuer,
                    issuer + "/.well-known/jwks.json",
                    issuer + AuthRoutes.BASE + "/refresh",
                    List.of("refresh_token"),
                    List.of("none"),
                    List.of(),
                    issuer + "/docs");
        }
    }

    record WorkspaceRequest(String name) {}

    record AddMemberRequest(String email, String role) {}

    record RoleRequest(String role) {}

    /** Platform administration of an account: both fields optional; {@code platformRole} "none" removes it. */
    record AdministerRequest(Boolean disabled, String platformRole) {}

    record CreateApiKeyRequest(String name, String role, Instant expiresAt, Boolean platform) {}

    /** A key as listed; {@code key} is present only in the answer that created it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ApiKeyView(
            String id,
            String workspaceId,
            String name,
            String role,
            String platformRole,
            String prefix,
            String key,
            String createdBy,
            Instant createdAt,
            Instant expiresAt,
            Instant lastUsedAt,
            boolean revoked,
            boolean frozen) {}

    record WorkspaceView(String id, String name, boolean personal, Instant createdAt, String role) {}

    /** {@code frozen}: beyond the plan's seats, kept but unable to act (see {@link Seats}). */
    record MemberView(String userId, String email, String displayName, String role, Instant joinedAt, boolean frozen) {}

    record SessionView(
            String id, String userAgent, String ip, Instant createdAt, Instant lastUsedAt, boolean current) {}
}

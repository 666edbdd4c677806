package app.devskyy.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The bodies of the auth routes: requests as their JSON Schemas allow them, responses as documented. */
final class AuthModels {

    private AuthModels() {}

    record SignupRequest(String email, String password, String displayName) {}

    record LoginRequest(String email, String password) {}

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
            long createdAt,
            List<WorkspaceRole> workspaces) {}

    record TokenRequest(String token) {}

    record ForgotPasswordRequest(String email) {}

    record ResetPasswordRequest(String token, String newPassword) {}

    /** What a login answers: tokens, or the demand for a second factor. */
    sealed interface LoginAnswer permits Tokens, MfaRequired {}

    /** The password was right; a second factor completes the login at {@code POST /mfa/challenge}. */
    record MfaRequired(
            @JsonProperty("mfa_required") boolean mfaRequired,
            @JsonProperty("challenge_id") String challengeId,
            @JsonProperty("expires_in") long expiresIn)
            implements LoginAnswer {}

    record CodeRequest(String code) {}

    record ChallengeRequest(
            @JsonProperty("challenge_id") String challengeId,
            String code,
            @JsonProperty("recovery_code") String recoveryCode) {}

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
            implements LoginAnswer {}

    record WorkspaceRequest(String name) {}

    record AddMemberRequest(String email, String role) {}

    record RoleRequest(String role) {}

    /** Platform administration of an account: both fields optional; {@code platformRole} "none" removes it. */
    record AdministerRequest(Boolean disabled, String platformRole) {}

    record CreateApiKeyRequest(String workspaceId, String name, String role, Long expiresAt, Boolean platform) {}

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
            long createdAt,
            Long expiresAt,
            Long lastUsedAt,
            boolean revoked) {}

    record WorkspaceView(String id, String name, boolean personal, long createdAt, String role) {}

    record MemberView(String userId, String email, String displayName, String role, long joinedAt) {}

    record SessionView(String id, String userAgent, String ip, long createdAt, long lastUsedAt, boolean current) {}
}

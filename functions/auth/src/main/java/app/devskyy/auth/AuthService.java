package app.devskyy.auth;

import app.devskyy.auth.AuthItems.Lockout;
import app.devskyy.auth.AuthItems.Member;
import app.devskyy.auth.AuthItems.Refresh;
import app.devskyy.auth.AuthItems.Session;
import app.devskyy.auth.AuthItems.User;
import app.devskyy.auth.AuthItems.Workspace;
import app.devskyy.auth.AuthModels.SessionView;
import app.devskyy.auth.AuthModels.Tokens;
import app.devskyy.auth.AuthModels.UserView;
import app.devskyy.auth.AuthModels.WorkspaceRole;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.audit.AuditLog.Origin;
import app.devskyy.core.auth.AccessTokens;
import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.auth.Role;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.core.http.ApiProblem;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Accounts, logins, refresh-token rotation, sessions: the auth family's rules. */
final class AuthService {

    static final Duration SESSION_LIFETIME = Duration.ofDays(30);
    /** A retry of the immediately previous refresh token within this interval gets the current one. */
    static final Duration REFRESH_GRACE = Duration.ofSeconds(10);

    static final Duration CHALLENGE_LIFETIME = Duration.ofMinutes(5);

    private final AuthStore store;
    private final Passwords passwords;
    private final PersonalDataCipher pii;
    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;
    private final AuditLog audit;
    private final Mailer mailer;
    private final String appBaseUrl;
    private final Clock clock;

    AuthService(
            AuthStore store,
            Passwords passwords,
            PersonalDataCipher pii,
            AccessTokens accessTokens,
            RefreshTokens refreshTokens,
            AuditLog audit,
            Mailer mailer,
            String appBaseUrl,
            Clock clock) {
        this.store = store;
        this.passwords = passwords;
        this.pii = pii;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.audit = audit;
        this.mailer = mailer;
        this.appBaseUrl = appBaseUrl;
        this.clock = clock;
    }

    static String normalizeEmail(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    // Signup

    UserView signup(AuthModels.SignupRequest request) {
        passwords.checkPolicy(request.password(), "/password");
        String email = normalizeEmail(request.email());
        String userId = "usr_" + UUID.randomUUID().toString().replace("-", "");
        String workspaceId = "ws_" + UUID.randomUUID().toString().replace("-", "");
        long now = clock.millis();
        User user = User.of(
                userId,
                pii.encrypt(email, emailContext(userId)),
                pii.blindIndex(email),
                pii.encrypt(request.displayName().strip(), nameContext(userId)),
                passwords.hash(request.password()),
                now);
        Workspace personal = Workspace.of(workspaceId, "Personal", true, userId, now);
        if (!store.createAccount(user, personal, Member.of(workspaceId, userId, Role.ADMIN.wire(), now))) {
            throw ApiProblem.of(409, "email-taken", "Conflict", "An account with this email already exists.");
        }
        sendEmailToken(user, email, "verify");
        return view(user);
    }

    // Login

    /** The email's blind index: the key of its account and of its lockout. */
    String emailIndex(String email) {
        return pii.blindIndex(normalizeEmail(email));
    }

    AuthModels.LoginAnswer login(AuthModels.LoginRequest request, Origin origin) {
        String emailIndex = emailIndex(request.email());
        long now = clock.millis();
        Optional<Lockout> lockout = Lockouts.refuseIfLocked(store, emailIndex, now);
        Optional<User> user = store.userByEmailIndex(emailIndex);
        boolean valid = user.isPresent()
                ? passwords.verify(request.password(), user.get().passwordHash())
                : decoy(request.password());
        if (!valid) {
            Duration lock = Lockouts.recordFailure(store, emailIndex, now);
            user.ifPresent(u -> audit.account(
                    u.userId(), "login", lock.isZero() ? "failure" : "failure_locked", u.userId(), origin));
            throw invalidCredentials();
        }
        if (user.get().disabled()) {
            audit.account(user.get().userId(), "login", "disabled", user.get().userId(), origin);
            throw ApiProblem.of(403, "account-disabled", "Forbidden", "This account is disabled.");
        }
        User account = user.get();
        if (passwords.needsRehash(account.passwordHash())) {
            account = account.withPasswordHash(passwords.hash(request.password()));
            store.saveUser(account);
        }
        if (store.factorsOf(account.userId()).stream().anyMatch(AuthItems.MfaFactor::verified)) {
            // The lockout stays until the second factor is right: failures there count too.
            String challengeId = "chl_" + UUID.randomUUID().toString().replace("-", "");
            store.saveChallenge(new AuthItems.Challenge(
                    "CHALLENGE#" + challengeId,
                    "CHALLENGE",
                    account.userId(),
                    emailIndex,
                    (now + CHALLENGE_LIFETIME.toMillis()) / 1000));
            audit.account(account.userId(), "login", "second_factor_required", account.userId(), origin);
            return new AuthModels.MfaRequired(true, challengeId, CHALLENGE_LIFETIME.toSeconds());
        }
        lockout.ifPresent(l -> store.clearLockout(emailIndex));
        audit.account(account.userId(), "login", "success", account.userId(), origin);
        return openSession(account, origin, Principal.AAL1);
    }

    private boolean decoy(String password) {
        passwords.verifyDecoy(password);
        return false;
    }

    private static ApiProblem invalidCredentials() {
        // The same answer for an unknown email and a wrong password.
        return ApiProblem.of(401, "invalid-credentials", "Unauthorized", "The email or password is incorrect.");
    }

    private Tokens openSession(User user, Origin origin, String assurance) {
        long now = clock.millis();
        String sessionId = "ses_" + UUID.randomUUID().toString().replace("-", "");
        long expiresAt = (now + SESSION_LIFETIME.toMillis()) / 1000;
        String refreshToken = refreshTokens.first();
        store.createSession(
                Session.of(
                        sessionId,
                        user.userId(),
                        now,
                        pii.encrypt(origin.ip(), sessionContext(sessionId, "ip")),
                        pii.encrypt(origin.userAgent(), sessionContext(sessionId, "agent")),
                        expiresAt,
                        assurance),
                new Refresh(
                        "REFRESH#" + RefreshTokens.hash(refreshToken),
                        "REFRESH",
                        sessionId,
                        user.userId(),
                        null,
                        expiresAt));
        return tokens(user, sessionId, refreshToken, assurance);
    }

    private Tokens tokens(User user, String sessionId, String refreshToken, String assurance) {
        Map<String, Role> memberships = new HashMap<>();
        for (Member member : store.membershipsOf(user.userId())) {
            Role.fromWire(member.role()).ifPresent(role -> memberships.put(member.workspaceId(), role));
        }
        Principal principal = new Principal(
                user.userId(),
                sessionId,
                memberships,
                Optional.ofNullable(user.platformRole()).flatMap(Role::fromWire),
                assurance,
                user.emailVerified());
        return new Tokens(
                accessTokens.issue(principal), "Bearer", accessTokens.lifetime().toSeconds(), refreshToken, sessionId);
    }

    // Refresh

    /**
     * Rotates a refresh token. Reuse of a rotated token revokes the whole session, except a retry
     * of the immediately previous token within the grace interval, which gets the current one.
     */
    Tokens refresh(String refreshToken, Origin origin) {
        if (!RefreshTokens.wellFormed(refreshToken)) {
            throw invalidRefreshToken();
        }
        Refresh presented =
                store.refresh(RefreshTokens.hash(refreshToken)).orElseThrow(AuthService::invalidRefreshToken);
        long now = clock.millis();
        Session session = store.session(presented.sessionId())
                .filter(s -> s.active(now))
                .orElseThrow(AuthService::invalidRefreshToken);
        User user =
                store.user(session.userId()).filter(u -> !u.disabled()).orElseThrow(AuthService::invalidRefreshToken);
        String successor = refreshTokens.successor(refreshToken);
        if (presented.rotatedAt() == null) {
            Refresh child = new Refresh(
                    "REFRESH#" + RefreshTokens.hash(successor),
                    "REFRESH",
                    session.sessionId(),
                    user.userId(),
                    null,
                    session.expiresAt());
            if (store.rotate(presented, child, now)) {
                store.touchSession(session.sessionId(), now);
                return tokens(user, session.sessionId(), successor, session.aal());
            }
            // Another request rotated it a moment ago: treat this one as that request's retry.
            presented = store.refresh(RefreshTokens.hash(refreshToken)).orElseThrow(AuthService::invalidRefreshToken);
        }
        boolean withinGrace = presented.rotatedAt() != null && now - presented.rotatedAt() <= REFRESH_GRACE.toMillis();
        boolean successorIsCurrent = store.refresh(RefreshTokens.hash(successor))
                .filter(r -> r.rotatedAt() == null)
                .isPresent();
        if (withinGrace && successorIsCurrent) {
            return tokens(user, session.sessionId(), successor, session.aal());
        }
        // A rotated token came back: it may have been stolen. End the whole session family.
        store.revokeSession(session.sessionId(), now);
        audit.account(user.userId(), "refresh_token_reuse", "session_revoked", user.userId(), origin);
        throw ApiProblem.of(
                401,
                "refresh-token-reused",
                "Unauthorized",
                "This refresh token was already used; the session has been ended. Sign in again.");
    }

    private static ApiProblem invalidRefreshToken() {
        return ApiProblem.of(401, "invalid-refresh-token", "Unauthorized", "The refresh token is invalid or expired.");
    }

    /** The session a refresh token belongs to, for rate limiting before any other work. */
    Optional<String> sessionOfRefreshToken(String refreshToken) {
        return RefreshTokens.wellFormed(refreshToken)
                ? store.refresh(RefreshTokens.hash(refreshToken)).map(Refresh::sessionId)
                : Optional.empty();
    }

    // Email verification and password reset

    static final Duration VERIFY_LIFETIME = Duration.ofHours(24);
    static final Duration RESET_LIFETIME = Duration.ofHours(1);

    /** Mails a single-use link: {@code verify} (24 hours) or {@code reset} (1 hour). */
    private void sendEmailToken(User user, String email, String purpose) {
        String token = refreshTokens.first();
        Duration lifetime = purpose.equals("verify") ? VERIFY_LIFETIME : RESET_LIFETIME;
        store.saveEmailToken(new AuthItems.EmailToken(
                "EMAILTOKEN#" + RefreshTokens.hash(token),
                "EMAILTOKEN",
                purpose,
                user.userId(),
                (clock.millis() + lifetime.toMillis()) / 1000));
        String template = purpose.equals("verify") ? "verify-email" : "reset-password";
        String link =
                appBaseUrl + (purpose.equals("verify") ? "/verify-email?token=" : "/reset-password?token=") + token;
        mailer.send(
                email,
                purpose.equals("verify") ? "Confirm your email address" : "Reset your DevSkyy password",
                Mailer.template(template, link, false),
                Mailer.template(template, link, true));
    }

    /** The user of a valid, unused, unexpired token of this purpose; the token is used up. */
    private User consumeEmailToken(String token, String purpose) {
        long now = clock.millis();
        return Optional.ofNullable(token)
                .filter(RefreshTokens::wellFormed)
                .flatMap(t -> store.consumeEmailToken(RefreshTokens.hash(t)))
                .filter(t -> t.purpose().equals(purpose) && t.expiresAt() * 1000 > now)
                .flatMap(t -> store.user(t.userId()))
                .orElseThrow(() -> ApiProblem.of(
                        400,
                        "invalid-email-token",
                        "Bad Request",
                        "The link is invalid, expired or already used; ask for a new one."));
    }

    UserView verifyEmail(String token) {
        User user = consumeEmailToken(token, "verify").verified();
        store.saveUser(user);
        return view(user);
    }

    void resendVerification(Principal principal) {
        User user = account(principal);
        if (user.emailVerified()) {
            throw ApiProblem.of(409, "already-verified", "Conflict", "The email address is already verified.");
        }
        sendEmailToken(user, pii.decrypt(user.emailCipher(), emailContext(user.userId())), "verify");
    }

    /** Mails a reset link when the account exists; the caller answers 202 whatever happens here. */
    void forgotPassword(String email) {
        store.userByEmailIndex(emailIndex(email))
                .filter(u -> !u.disabled())
                .ifPresent(user -> sendEmailToken(user, normalizeEmail(email), "reset"));
    }

    /** Sets the new password, ends every session, lifts any lockout. */
    void resetPassword(AuthModels.ResetPasswordRequest request, Origin origin) {
        passwords.checkPolicy(request.newPassword(), "/newPassword");
        User user = consumeEmailToken(request.token(), "reset");
        store.saveUser(user.withPasswordHash(passwords.hash(request.newPassword())));
        revokeSessions(new Principal(user.userId(), "", Map.of(), Optional.empty()), "global");
        store.clearLockout(user.emailIndex());
        audit.account(user.userId(), "password_reset", "success", user.userId(), origin);
    }

    /** Opens the session of a login that its second factor completed. */
    Tokens secondFactorSession(User user, Origin origin) {
        return openSession(user, origin, Principal.AAL2);
    }

    // Logout and sessions

    void logout(Principal principal, String scope, Origin origin) {
        audit.account(principal.userId(), "logout_" + scope, "success", principal.userId(), origin);
        revokeSessions(principal, scope);
    }

    private void revokeSessions(Principal principal, String scope) {
        long now = clock.millis();
        switch (scope) {
            case "local" -> store.revokeSession(principal.sessionId(), now);
            case "others" -> store.revokeSessionsOf(principal.userId(), principal.sessionId(), now);
            case "global" -> store.revokeSessionsOf(principal.userId(), null, now);
            default -> throw new IllegalArgumentException("scope is checked by the schema");
        }
    }

    List<SessionView> sessions(Principal principal) {
        long now = clock.millis();
        return store.sessionsOf(principal.userId()).stream()
                .filter(s -> s.active(now))
                .map(s -> new SessionView(
                        s.sessionId(),
                        pii.decrypt(s.agentCipher(), sessionContext(s.sessionId(), "agent")),
                        pii.decrypt(s.ipCipher(), sessionContext(s.sessionId(), "ip")),
                        s.createdAt(),
                        s.lastUsedAt(),
                        s.sessionId().equals(principal.sessionId())))
                .toList();
    }

    void deleteSession(Principal principal, String sessionId) {
        Session session = store.session(sessionId)
                .filter(s -> s.userId().equals(principal.userId()))
                .orElseThrow(() -> ApiProblem.notFound("No such session."));
        store.revokeSession(session.sessionId(), clock.millis());
    }

    // Platform administration

    /** The caller's live platform role, at least {@code required}; 403 otherwise (API keys hold none here). */
    static Role requirePlatformRole(AuthStore store, Principal principal, Role required) {
        Role held = store.user(principal.userId())
                .map(User::platformRole)
                .flatMap(Role::fromWire)
                .orElse(null);
        if (held == null || !held.atLeast(required)) {
            throw ApiProblem.of(
                    403, "forbidden", "Forbidden", "This operation needs the platform role " + required.wire() + ".");
        }
        return held;
    }

    record UserPage(List<AdminUserView> users, String next) {}

    record AdminUserView(
            String id, String email, String displayName, boolean disabled, String platformRole, long createdAt) {}

    UserPage users(Principal principal, int limit, String cursor, String email) {
        requirePlatformRole(store, principal, Role.ADMIN);
        if (email != null) {
            return new UserPage(
                    store.userByEmailIndex(emailIndex(email)).map(this::adminView).stream()
                            .toList(),
                    null);
        }
        String after = cursor == null ? null : AuditLog.Cursors.decode(cursor);
        if (after != null && !after.matches("\\d{1,15}#usr_[0-9a-f]{32}")) {
            throw ApiProblem.badRequest("The cursor is not one this API issued.");
        }
        AuthStore.UserPage page = store.users(limit, after);
        return new UserPage(
                page.users().stream().map(this::adminView).toList(),
                page.next() == null ? null : AuditLog.Cursors.encode(page.next()));
    }

    AdminUserView administer(Principal principal, String userId, AuthModels.AdministerRequest request, Origin origin) {
        Role held = requirePlatformRole(store, principal, Role.ADMIN);
        if (store.factorsOf(principal.userId()).stream().anyMatch(AuthItems.MfaFactor::verified)) {
            Authenticator.requireSecondFactor(principal);
        }
        if (userId.equals(principal.userId())) {
            throw ApiProblem.of(403, "forbidden", "Forbidden", "Administrators cannot change their own account here.");
        }
        User target = store.user(userId).orElseThrow(() -> ApiProblem.notFound("No such user."));
        boolean touchesSuperAdmin = Role.SUPER_ADMIN.wire().equals(target.platformRole())
                || Role.SUPER_ADMIN.wire().equals(request.platformRole());
        if (touchesSuperAdmin && held != Role.SUPER_ADMIN) {
            throw ApiProblem.of(403, "forbidden", "Forbidden", "Only a super admin can change super admins.");
        }
        boolean disabled = request.disabled() == null ? target.disabled() : request.disabled();
        String platformRole = request.platformRole() == null
                ? target.platformRole()
                : request.platformRole().equals("none") ? null : request.platformRole();
        User updated = target.withAdministration(disabled, platformRole);
        store.saveUser(updated);
        if (disabled && !target.disabled()) {
            revokeSessions(new Principal(userId, "", Map.of(), Optional.empty()), "global");
        }
        audit.account(
                userId,
                "admin_update:" + (disabled ? "disabled" : "enabled") + ":"
                        + (platformRole == null ? "none" : platformRole),
                "success",
                principal.userId(),
                origin);
        return adminView(updated);
    }

    private AdminUserView adminView(User user) {
        return new AdminUserView(
                user.userId(),
                pii.decrypt(user.emailCipher(), emailContext(user.userId())),
                pii.decrypt(user.nameCipher(), nameContext(user.userId())),
                user.disabled(),
                user.platformRole(),
                user.createdAt());
    }

    // Profile and password

    UserView me(Principal principal) {
        return view(account(principal));
    }

    UserView updateMe(Principal principal, AuthModels.UpdateMeRequest request) {
        User user = account(principal);
        User updated = user.withNameCipher(pii.encrypt(request.displayName().strip(), nameContext(user.userId())));
        store.saveUser(updated);
        return view(updated);
    }

    /** Needs the current password; ends every other session of the user. */
    void changePassword(Principal principal, AuthModels.ChangePasswordRequest request, Origin origin) {
        User user = account(principal);
        if (!passwords.verify(request.currentPassword(), user.passwordHash())) {
            audit.account(user.userId(), "password_change", "wrong_password", user.userId(), origin);
            throw ApiProblem.of(403, "wrong-password", "Forbidden", "The current password is incorrect.");
        }
        passwords.checkPolicy(request.newPassword(), "/newPassword");
        // Conditioned on the hash just verified: of two concurrent changes from the same current
        // password, only the first is written; the second learns the password changed under it.
        if (!store.replacePasswordHash(user, passwords.hash(request.newPassword()))) {
            throw ApiProblem.of(409, "password-changed", "Conflict", "The password was changed by another request.");
        }
        revokeSessions(principal, "others");
        audit.account(user.userId(), "password_change", "success", user.userId(), origin);
    }

    private User account(Principal principal) {
        return store.user(principal.userId()).orElseThrow(() -> ApiProblem.notFound("No such user."));
    }

    private UserView view(User user) {
        List<WorkspaceRole> workspaces = store.membershipsOf(user.userId()).stream()
                .map(m -> new WorkspaceRole(m.workspaceId(), m.role()))
                .toList();
        return new UserView(
                user.userId(),
                pii.decrypt(user.emailCipher(), emailContext(user.userId())),
                pii.decrypt(user.nameCipher(), nameContext(user.userId())),
                user.emailVerified(),
                user.createdAt(),
                workspaces);
    }

    static String emailContext(String userId) {
        return "user:" + userId + ":email";
    }

    static String nameContext(String userId) {
        return "user:" + userId + ":displayName";
    }

    private static String sessionContext(String sessionId, String field) {
        return "session:" + sessionId + ":" + field;
    }
}

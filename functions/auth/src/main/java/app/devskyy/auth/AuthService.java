package app.devskyy.auth;

import app.devskyy.auth.AuthItems.Lockout;
import app.devskyy.auth.AuthItems.Member;
import app.devskyy.auth.AuthItems.Refresh;
import app.devskyy.auth.AuthItems.Session;
import app.devskyy.auth.AuthItems.User;
import app.devskyy.auth.AuthItems.Workspace;
import app.devskyy.auth.AuthModels.Origin;
import app.devskyy.auth.AuthModels.SessionView;
import app.devskyy.auth.AuthModels.Tokens;
import app.devskyy.auth.AuthModels.UserView;
import app.devskyy.auth.AuthModels.WorkspaceRole;
import app.devskyy.core.auth.AccessTokens;
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

    private final AuthStore store;
    private final Passwords passwords;
    private final PersonalDataCipher pii;
    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;
    private final Clock clock;

    AuthService(AuthStore store, Passwords passwords, PersonalDataCipher pii, AccessTokens accessTokens,
            RefreshTokens refreshTokens, Clock clock) {
        this.store = store;
        this.passwords = passwords;
        this.pii = pii;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
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
        User user = User.of(userId, pii.encrypt(email, emailContext(userId)), pii.blindIndex(email),
                pii.encrypt(request.displayName().strip(), nameContext(userId)), passwords.hash(request.password()), now);
        Workspace personal = Workspace.of(workspaceId, "Personal", true, userId, now);
        if (!store.createAccount(user, personal, Member.of(workspaceId, userId, Role.ADMIN.wire(), now))) {
            throw ApiProblem.of(409, "email-taken", "Conflict", "An account with this email already exists.");
        }
        return view(user);
    }

    // Login

    /** The email's blind index: the key of its account and of its lockout. */
    String emailIndex(String email) {
        return pii.blindIndex(normalizeEmail(email));
    }

    Tokens login(AuthModels.LoginRequest request, Origin origin) {
        String emailIndex = emailIndex(request.email());
        long now = clock.millis();
        Optional<Lockout> lockout = store.lockout(emailIndex);
        if (lockout.isPresent() && lockout.get().lockedUntil() > now) {
            throw ApiProblem.tooManyRequests((int) Math.max(1, (lockout.get().lockedUntil() - now + 999) / 1000));
        }
        Optional<User> user = store.userByEmailIndex(emailIndex);
        boolean valid = user.isPresent()
                ? passwords.verify(request.password(), user.get().passwordHash())
                : decoy(request.password());
        if (!valid) {
            long failures = store.recordFailure(emailIndex, (now + Lockouts.MEMORY.toMillis()) / 1000);
            Duration lock = Lockouts.lockFor(failures);
            if (!lock.isZero()) {
                store.lockUntil(emailIndex, now + lock.toMillis());
            }
            throw invalidCredentials();
        }
        if (user.get().disabled()) {
            throw ApiProblem.of(403, "account-disabled", "Forbidden", "This account is disabled.");
        }
        lockout.ifPresent(l -> store.clearLockout(emailIndex));
        User account = user.get();
        if (passwords.needsRehash(account.passwordHash())) {
            account = account.withPasswordHash(passwords.hash(request.password()));
            store.saveUser(account);
        }
        return openSession(account, origin);
    }

    private boolean decoy(String password) {
        passwords.verifyDecoy(password);
        return false;
    }

    private static ApiProblem invalidCredentials() {
        // The same answer for an unknown email and a wrong password.
        return ApiProblem.of(401, "invalid-credentials", "Unauthorized", "The email or password is incorrect.");
    }

    private Tokens openSession(User user, Origin origin) {
        long now = clock.millis();
        String sessionId = "ses_" + UUID.randomUUID().toString().replace("-", "");
        long expiresAt = (now + SESSION_LIFETIME.toMillis()) / 1000;
        String refreshToken = refreshTokens.first();
        store.createSession(
                Session.of(sessionId, user.userId(), now, pii.encrypt(origin.ip(), sessionContext(sessionId, "ip")),
                        pii.encrypt(origin.userAgent(), sessionContext(sessionId, "agent")), expiresAt),
                new Refresh("REFRESH#" + RefreshTokens.hash(refreshToken), "REFRESH", sessionId, user.userId(), null, expiresAt));
        return tokens(user, sessionId, refreshToken);
    }

    private Tokens tokens(User user, String sessionId, String refreshToken) {
        Map<String, Role> memberships = new HashMap<>();
        for (Member member : store.membershipsOf(user.userId())) {
            Role.fromWire(member.role()).ifPresent(role -> memberships.put(member.workspaceId(), role));
        }
        Principal principal = new Principal(user.userId(), sessionId, memberships,
                Optional.ofNullable(user.platformRole()).flatMap(Role::fromWire));
        return new Tokens(accessTokens.issue(principal), "Bearer", accessTokens.lifetime().toSeconds(), refreshToken,
                sessionId);
    }

    // Refresh

    /**
     * Rotates a refresh token. Reuse of a rotated token revokes the whole session, except a retry
     * of the immediately previous token within the grace interval, which gets the current one.
     */
    Tokens refresh(String refreshToken) {
        if (!RefreshTokens.wellFormed(refreshToken)) {
            throw invalidRefreshToken();
        }
        Refresh presented = store.refresh(RefreshTokens.hash(refreshToken)).orElseThrow(AuthService::invalidRefreshToken);
        long now = clock.millis();
        Session session = store.session(presented.sessionId()).filter(s -> s.active(now))
                .orElseThrow(AuthService::invalidRefreshToken);
        User user = store.user(session.userId()).filter(u -> !u.disabled()).orElseThrow(AuthService::invalidRefreshToken);
        String successor = refreshTokens.successor(refreshToken);
        if (presented.rotatedAt() == null) {
            Refresh child = new Refresh("REFRESH#" + RefreshTokens.hash(successor), "REFRESH", session.sessionId(),
                    user.userId(), null, session.expiresAt());
            if (store.rotate(presented, child, now)) {
                store.touchSession(session.sessionId(), now);
                return tokens(user, session.sessionId(), successor);
            }
            // Another request rotated it a moment ago: treat this one as that request's retry.
            presented = store.refresh(RefreshTokens.hash(refreshToken)).orElseThrow(AuthService::invalidRefreshToken);
        }
        boolean withinGrace = presented.rotatedAt() != null && now - presented.rotatedAt() <= REFRESH_GRACE.toMillis();
        boolean successorIsCurrent = store.refresh(RefreshTokens.hash(successor)).filter(r -> r.rotatedAt() == null).isPresent();
        if (withinGrace && successorIsCurrent) {
            return tokens(user, session.sessionId(), successor);
        }
        // A rotated token came back: it may have been stolen. End the whole session family.
        store.revokeSession(session.sessionId(), now);
        throw ApiProblem.of(401, "refresh-token-reused", "Unauthorized",
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

    // Logout and sessions

    void logout(Principal principal, String scope) {
        long now = clock.millis();
        switch (scope) {
            case "local" -> store.revokeSession(principal.sessionId(), now);
            case "others", "global" -> {
                for (Session session : store.sessionsOf(principal.userId())) {
                    if (scope.equals("global") || !session.sessionId().equals(principal.sessionId())) {
                        store.revokeSession(session.sessionId(), now);
                    }
                }
            }
            default -> throw new IllegalArgumentException("scope is checked by the schema");
        }
    }

    List<SessionView> sessions(Principal principal) {
        long now = clock.millis();
        return store.sessionsOf(principal.userId()).stream().filter(s -> s.active(now))
                .map(s -> new SessionView(s.sessionId(), pii.decrypt(s.agentCipher(), sessionContext(s.sessionId(), "agent")),
                        pii.decrypt(s.ipCipher(), sessionContext(s.sessionId(), "ip")), s.createdAt(), s.lastUsedAt(),
                        s.sessionId().equals(principal.sessionId())))
                .toList();
    }

    void deleteSession(Principal principal, String sessionId) {
        Session session = store.session(sessionId).filter(s -> s.userId().equals(principal.userId()))
                .orElseThrow(() -> ApiProblem.notFound("No such session."));
        store.revokeSession(session.sessionId(), clock.millis());
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
    void changePassword(Principal principal, AuthModels.ChangePasswordRequest request) {
        User user = account(principal);
        if (!passwords.verify(request.currentPassword(), user.passwordHash())) {
            throw ApiProblem.of(403, "wrong-password", "Forbidden", "The current password is incorrect.");
        }
        passwords.checkPolicy(request.newPassword(), "/newPassword");
        store.saveUser(user.withPasswordHash(passwords.hash(request.newPassword())));
        logout(principal, "others");
    }

    private User account(Principal principal) {
        return store.user(principal.userId()).orElseThrow(() -> ApiProblem.notFound("No such user."));
    }

    private UserView view(User user) {
        List<WorkspaceRole> workspaces = store.membershipsOf(user.userId()).stream()
                .map(m -> new WorkspaceRole(m.workspaceId(), m.role())).toList();
        return new UserView(user.userId(), pii.decrypt(user.emailCipher(), emailContext(user.userId())),
                pii.decrypt(user.nameCipher(), nameContext(user.userId())), user.createdAt(), workspaces);
    }

    private static String emailContext(String userId) {
        return "user:" + userId + ":email";
    }

    private static String nameContext(String userId) {
        return "user:" + userId + ":displayName";
    }

    private static String sessionContext(String sessionId, String field) {
        return "session:" + sessionId + ":" + field;
    }
}

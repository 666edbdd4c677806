package app.devskyy.auth;

import app.devskyy.auth.AuthItems.Lockout;
import app.devskyy.auth.AuthItems.Member;
import app.devskyy.auth.AuthItems.Refresh;
import app.devskyy.auth.AuthItems.User;
import app.devskyy.auth.AuthModels.SessionView;
import app.devskyy.auth.AuthModels.Tokens;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.audit.AuditLog.Origin;
import app.devskyy.core.auth.AccessTokens;
import app.devskyy.core.auth.CredentialItems.Session;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.auth.Role;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.core.http.ApiProblem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Logins, sessions and refresh-token rotation. */
final class Sessions {

    private final AccountStore accountStore;
    private final SessionStore sessionStore;
    private final FactorStore factorStore;
    private final WorkspaceStore workspaceStore;
    private final Seats seats;
    private final Profiles profiles;
    private final Passwords passwords;
    private final PersonalDataCipher pii;
    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;
    private final AuditLog audit;
    private final Clock clock;

    Sessions(
            AccountStore accountStore,
            SessionStore sessionStore,
            FactorStore factorStore,
            WorkspaceStore workspaceStore,
            Seats seats,
            Profiles profiles,
            Passwords passwords,
            PersonalDataCipher pii,
            AccessTokens accessTokens,
            RefreshTokens refreshTokens,
            AuditLog audit,
            Clock clock) {
        this.accountStore = accountStore;
        this.sessionStore = sessionStore;
        this.factorStore = factorStore;
        this.workspaceStore = workspaceStore;
        this.seats = seats;
        this.profiles = profiles;
        this.passwords = passwords;
        this.pii = pii;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.audit = audit;
        this.clock = clock;
    }

    static final Duration SESSION_LIFETIME = Duration.ofDays(30);
    /** A retry of the immediately previous refresh token within this interval gets the current one. */
    static final Duration REFRESH_GRACE = Duration.ofSeconds(10);

    static final Duration CHALLENGE_LIFETIME = Duration.ofMinutes(5);

    AuthModels.LoginAnswer login(AuthModels.LoginRequest request, Origin origin) {
        String emailIndex = profiles.emailIndex(request.email());
        long now = clock.millis();
        Optional<Lockout> lockout = Lockouts.refuseIfLocked(accountStore, emailIndex, now);
        Optional<User> user = accountStore.userByEmailIndex(emailIndex);
        boolean valid = user.isPresent()
                ? passwords.verify(request.password(), user.get().passwordHash())
                : decoy(request.password());
        if (!valid) {
            Duration lock = Lockouts.recordFailure(accountStore, emailIndex, now);
            user.ifPresent(u -> audit.account(
                    u.userId(), "login", lock.isZero() ? "failure" : "failure_locked", u.userId(), origin));
            // Also where no account has the address: credential stuffing mostly tries addresses that have none.
            audit.failedLogin(emailIndex, !lock.isZero(), origin);
            throw invalidCredentials();
        }
        if (user.get().disabled()) {
            audit.account(user.get().userId(), "login", "disabled", user.get().userId(), origin);
            throw ApiProblem.of(403, "account-disabled", "Forbidden", "This account is disabled.");
        }
        User account = user.get();
        if (passwords.needsRehash(account.passwordHash())) {
            account = account.withPasswordHash(passwords.hash(request.password()));
            accountStore.saveUser(account);
        }
        if (factorStore.factorsOf(account.userId()).stream().anyMatch(AuthItems.MfaFactor::verified)) {
            // The lockout stays until the second factor is right: failures there count too.
            String challengeId = "chl_" + UUID.randomUUID().toString().replace("-", "");
            factorStore.saveChallenge(AuthItems.Challenge.of(
                    challengeId, account.userId(), emailIndex, (now + CHALLENGE_LIFETIME.toMillis()) / 1000));
            audit.account(account.userId(), "login", "second_factor_required", account.userId(), origin);
            return new AuthModels.MfaRequired(true, challengeId, clock.instant().plus(CHALLENGE_LIFETIME));
        }
        lockout.ifPresent(l -> accountStore.clearLockout(emailIndex));
        audit.account(account.userId(), "login", "success", account.userId(), origin);
        return openSession(account, origin, Principal.AAL1);
    }

    /** The key an email's login attempts are limited under: its blind index. */
    String emailIndex(String email) {
        return profiles.emailIndex(email);
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
        sessionStore.createSession(
                Session.of(
                        sessionId,
                        user.userId(),
                        now,
                        pii.encryptFor(user.userId(), origin.ip(), Profiles.sessionContext(sessionId, "ip")),
                        pii.encryptFor(user.userId(), origin.userAgent(), Profiles.sessionContext(sessionId, "agent")),
                        expiresAt,
                        assurance),
                Refresh.of(RefreshTokens.hash(refreshToken), sessionId, user.userId(), expiresAt));
        return tokens(user, sessionId, refreshToken, assurance);
    }

    private Tokens tokens(User user, String sessionId, String refreshToken, String assurance) {
        Map<String, Role> memberships = new HashMap<>();
        for (Member member : workspaceStore.membershipsOf(user.userId())) {
            seats.roleOf(member).ifPresent(role -> memberships.put(member.workspaceId(), role));
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
                sessionStore.refresh(RefreshTokens.hash(refreshToken)).orElseThrow(Sessions::invalidRefreshToken);
        long now = clock.millis();
        Session session = sessionStore
                .session(presented.sessionId())
                .filter(s -> s.active(now))
                .orElseThrow(Sessions::invalidRefreshToken);
        User user = accountStore
                .user(session.userId())
                .filter(u -> !u.disabled())
                .orElseThrow(Sessions::invalidRefreshToken);
        String successor = refreshTokens.successor(refreshToken);
        if (presented.rotatedAt() == null) {
            Refresh child =
                    Refresh.of(RefreshTokens.hash(successor), session.sessionId(), user.userId(), session.expiresAt());
            if (sessionStore.rotate(presented, child, now)) {
                sessionStore.touchSession(session.sessionId(), now);
                return tokens(user, session.sessionId(), successor, session.aal());
            }
            // Another request rotated it a moment ago: treat this one as that request's retry.
            presented =
                    sessionStore.refresh(RefreshTokens.hash(refreshToken)).orElseThrow(Sessions::invalidRefreshToken);
        }
        boolean withinGrace = presented.rotatedAt() != null && now - presented.rotatedAt() <= REFRESH_GRACE.toMillis();
        boolean successorIsCurrent = sessionStore
                .refresh(RefreshTokens.hash(successor))
                .filter(r -> r.rotatedAt() == null)
                .isPresent();
        if (withinGrace && successorIsCurrent) {
            return tokens(user, session.sessionId(), successor, session.aal());
        }
        // A rotated token came back: it may have been stolen. End the whole session family.
        sessionStore.revokeSession(session.sessionId(), now);
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
                ? sessionStore.refresh(RefreshTokens.hash(refreshToken)).map(Refresh::sessionId)
                : Optional.empty();
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

    void revokeSessions(Principal principal, String scope) {
        long now = clock.millis();
        switch (scope) {
            case "local" -> sessionStore.revokeSession(principal.sessionId(), now);
            case "others" -> sessionStore.revokeSessionsOf(principal.userId(), principal.sessionId(), now);
            case "global" -> sessionStore.revokeSessionsOf(principal.userId(), null, now);
            default -> throw new IllegalArgumentException("scope is checked by the schema");
        }
    }

    List<SessionView> sessions(Principal principal) {
        long now = clock.millis();
        return sessionStore.sessionsOf(principal.userId()).stream()
                .filter(s -> s.active(now))
                .map(s -> new SessionView(
                        s.sessionId(),
                        pii.decrypt(s.agentCipher(), Profiles.sessionContext(s.sessionId(), "agent")),
                        pii.decrypt(s.ipCipher(), Profiles.sessionContext(s.sessionId(), "ip")),
                        Instant.ofEpochMilli(s.createdAt()),
                        Instant.ofEpochMilli(s.lastUsedAt()),
                        s.sessionId().equals(principal.sessionId())))
                .toList();
    }

    void deleteSession(Principal principal, String sessionId) {
        Session session = sessionStore
                .session(sessionId)
                .filter(s -> s.userId().equals(principal.userId()))
                .orElseThrow(() -> ApiProblem.notFound("No such session."));
        sessionStore.revokeSession(session.sessionId(), clock.millis());
    }
}

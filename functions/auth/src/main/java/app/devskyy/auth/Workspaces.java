package app.devskyy.auth;

import app.devskyy.auth.AuthItems.Member;
import app.devskyy.auth.AuthItems.User;
import app.devskyy.auth.AuthItems.Workspace;
import app.devskyy.auth.AuthModels.MemberView;
import app.devskyy.auth.AuthModels.WorkspaceView;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.audit.AuditLog.Origin;
import app.devskyy.core.auth.ApiKeys;
import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.CredentialItems;
import app.devskyy.core.auth.CredentialItems.ApiKey;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.auth.Role;
import app.devskyy.core.billing.Entitlements;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.FieldError;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Workspaces, their members and roles, their audit log and their API keys. Every check reads the
 * caller's live role: a demotion takes effect on the next request, not at the next token refresh.
 */
final class Workspaces {

    private final AccountStore accountStore;
    private final WorkspaceStore workspaceStore;
    private final FactorStore factorStore;
    private final ApiKeyStore apiKeyStore;
    private final PersonalDataCipher pii;
    private final AuditLog audit;
    private final Clock clock;

    private final Entitlements entitlements;
    private final Seats seats;

    Workspaces(
            AccountStore accountStore,
            WorkspaceStore workspaceStore,
            FactorStore factorStore,
            ApiKeyStore apiKeyStore,
            PersonalDataCipher pii,
            AuditLog audit,
            Entitlements entitlements,
            Seats seats,
            Clock clock) {
        this.entitlements = entitlements;
        this.seats = seats;
        this.accountStore = accountStore;
        this.workspaceStore = workspaceStore;
        this.factorStore = factorStore;
        this.apiKeyStore = apiKeyStore;
        this.pii = pii;
        this.audit = audit;
        this.clock = clock;
    }

    /** The caller's live role in a workspace (not the token's, which may be minutes old), checked. */
    private Role requireRole(Principal principal, String workspaceId, Role required) {
        // An API key's role was just read from its live record by the Authenticator; a user's is read here.
        Map<String, Role> live = isApiKey(principal)
                ? principal.memberships()
                : workspaceStore
                        .member(workspaceId, principal.userId())
                        .flatMap(seats::roleOf)
                        .map(role -> Map.of(workspaceId, role))
                        .orElse(Map.of());
        Role held = Authenticator.requireRole(
                new Principal(principal.userId(), principal.sessionId(), live, principal.platformRole()),
                workspaceId,
                required);
        if (workspaceStore.workspace(workspaceId).isEmpty()) {
            throw ApiProblem.notFound("No such workspace.");
        }
        return held;
    }

    WorkspaceView createWorkspace(Principal principal, AuthModels.WorkspaceRequest request, Origin origin) {
        String workspaceId = "ws_" + UUID.randomUUID().toString().replace("-", "");
        long now = clock.millis();
        Workspace workspace = Workspace.of(workspaceId, request.name().strip(), false, principal.userId(), now);
        workspaceStore.createWorkspace(workspace, Member.of(workspaceId, principal.userId(), Role.ADMIN.wire(), now));
        audit.workspace(workspaceId, "workspace_created", principal.userId(), workspaceId, origin);
        return new WorkspaceView(workspaceId, workspace.name(), false, Instant.ofEpochMilli(now), Role.ADMIN.wire());
    }

    List<WorkspaceView> workspaces(Principal principal) {
        return workspaceStore.membershipsOf(principal.userId()).stream()
                .flatMap(m -> workspaceStore.workspace(m.workspaceId()).stream()
                        .map(w -> new WorkspaceView(
                                w.workspaceId(),
                                w.name(),
                                w.personal(),
                                Instant.ofEpochMilli(w.createdAt()),
                                seats.roleOf(m).map(Role::wire).orElse(m.role()))))
                .toList();
    }

    WorkspaceView workspace(Principal principal, String workspaceId) {
        Role role = requireRole(principal, workspaceId, Role.READ_ONLY);
        Workspace w = workspaceStore.workspace(workspaceId).orElseThrow();
        return new WorkspaceView(
                w.workspaceId(), w.name(), w.personal(), Instant.ofEpochMilli(w.createdAt()), role.wire());
    }

    WorkspaceView renameWorkspace(
            Principal principal, String workspaceId, AuthModels.WorkspaceRequest request, Origin origin) {
        requireRole(principal, workspaceId, Role.ADMIN);
        workspaceStore.renameWorkspace(workspaceId, request.name().strip());
        audit.workspace(workspaceId, "workspace_renamed", principal.userId(), workspaceId, origin);
        return workspace(principal, workspaceId);
    }

    List<MemberView> members(Principal principal, String workspaceId) {
        requireRole(principal, workspaceId, Role.ADMIN);
        List<Member> members = workspaceStore.membersOf(workspaceId);
        return members.stream()
                .map(m -> {
                    Optional<User> user = accountStore.user(m.userId());
                    return new MemberView(
                            m.userId(),
                            user.map(u -> pii.decrypt(u.emailCipher(), Profiles.emailContext(u.userId())))
                                    .orElse(null),
                            user.map(u -> pii.decrypt(u.nameCipher(), Profiles.nameContext(u.userId())))
                                    .orElse(null),
                            m.role(),
                            Instant.ofEpochMilli(m.joinedAt()),
                            seats.isFrozen(m, members));
                })
                .toList();
    }

    MemberView addMember(Principal principal, String workspaceId, AuthModels.AddMemberRequest request, Origin origin) {
        Role held = requireRole(principal, workspaceId, Role.ADMIN);
        Role granted = grantable(held, request.role());
        User user = accountStore
                .userByEmailIndex(pii.blindIndex(Profiles.normalizeEmail(request.email())))
                .orElseThrow(() -> ApiProblem.notFound("No account has this email."));
        // Counted, then added: two admins adding at the same instant may pass one seat over; it is kept.
        entitlements.requireRoom(
                workspaceId,
                Entitlements.SEATS,
                workspaceStore.membersOf(workspaceId).size(),
                "members");
        long now = clock.millis();
        if (workspaceStore.addMember(Member.of(workspaceId, user.userId(), granted.wire(), now))
                != WorkspaceStore.Change.DONE) {
            throw ApiProblem.of(409, "already-member", "Conflict", "This user is already a member of the workspace.");
        }
        audit.workspace(workspaceId, "member_added:" + granted.wire(), principal.userId(), user.userId(), origin);
        return new MemberView(
                user.userId(),
                Profiles.normalizeEmail(request.email()),
                pii.decrypt(user.nameCipher(), Profiles.nameContext(user.userId())),
                granted.wire(),
                Instant.ofEpochMilli(now),
                false);
    }

    void changeMemberRole(
            Principal principal, String workspaceId, String userId, AuthModels.RoleRequest request, Origin origin) {
        Role held = requireRole(principal, workspaceId, Role.ADMIN);
        Role granted = grantable(held, request.role());
        Member member =
                workspaceStore.member(workspaceId, userId).orElseThrow(() -> ApiProblem.notFound("No such member."));
        checkChange(workspaceStore.changeRole(member, granted.wire()));
        audit.workspace(
                workspaceId,
                "member_role_changed:" + member.role() + ">" + granted.wire(),
                principal.userId(),
                userId,
                origin);
    }

    /** An admin removes anyone; any member may leave. The last admin can do neither. */
    void removeMember(Principal principal, String workspaceId, String userId, Origin origin) {
        // Leaving is the one thing a frozen member may do.
        requireRole(principal, workspaceId, userId.equals(principal.userId()) ? Role.FROZEN : Role.ADMIN);
        Member member =
                workspaceStore.member(workspaceId, userId).orElseThrow(() -> ApiProblem.notFound("No such member."));
        checkChange(workspaceStore.removeMember(member));
        audit.workspace(workspaceId, "member_removed", principal.userId(), userId, origin);
    }

    AuditLog.PageView workspaceAudit(Principal principal, String workspaceId, int limit, Optional<String> after) {
        requireRole(principal, workspaceId, Role.ADMIN);
        return audit.workspaceEvents(workspaceId, limit, after);
    }

    // API keys

    private static boolean isApiKey(Principal principal) {
        return principal.userId().startsWith("key:");
    }

    /** Developers and admins create keys no stronger than themselves; with MFA on, from an aal2 session. */
    AuthModels.ApiKeyView createApiKey(
            Principal principal, String workspaceId, AuthModels.CreateApiKeyRequest request, Origin origin) {
        if (isApiKey(principal)) {
            throw ApiProblem.of(403, "forbidden", "Forbidden", "API keys cannot create API keys.");
        }
        Role held = requireRole(principal, workspaceId, Role.DEVELOPER);
        Role granted = grantable(held, request.role());
        if (factorStore.factorsOf(principal.userId()).stream().anyMatch(AuthItems.MfaFactor::verified)) {
            Authenticator.requireSecondFactor(principal);
        }
        // A platform key holds the platform role admin, never more; only a platform admin may mint one.
        String platformRole = null;
        if (Boolean.TRUE.equals(request.platform())) {
            Accounts.requirePlatformRole(accountStore, principal, Role.ADMIN);
            platformRole = Role.ADMIN.wire();
        }
        long now = clock.millis();
        Instant expiresAt = request.expiresAt();
        if (expiresAt != null
                && (expiresAt.toEpochMilli() <= now
                        || expiresAt.toEpochMilli() > now + Duration.ofDays(366).toMillis())) {
            throw ApiProblem.validation(List.of(new FieldError(
                    "/expiresAt", "out-of-range", "must be a time in the future and at most a year ahead")));
        }
        long live = apiKeyStore.apiKeysOf(workspaceId).stream()
                .filter(k -> k.isLive(now))
                .count();
        entitlements.requireRoom(workspaceId, Entitlements.API_KEYS, live, "API keys");
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String key = ApiKeys.PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String keyId = "key_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        ApiKey item = CredentialItems.newApiKey(
                ApiKeys.hash(key),
                keyId,
                workspaceId,
                request.name().strip(),
                granted.wire(),
                platformRole,
                key.substring(0, 12),
                principal.userId(),
                now,
                expiresAt == null ? null : expiresAt.getEpochSecond());
        apiKeyStore.createApiKey(item);
        audit.workspace(workspaceId, "api_key_created:" + granted.wire(), principal.userId(), keyId, origin);
        return view(item, key, false);
    }

    List<AuthModels.ApiKeyView> apiKeys(Principal principal, String workspaceId) {
        requireRole(principal, workspaceId, Role.DEVELOPER);
        long now = clock.millis();
        List<ApiKey> keys = apiKeyStore.apiKeysOf(workspaceId);
        // Those beyond the plan's limit are frozen, as the Authenticator resolves them.
        List<String> live = ApiKey.liveBySeniority(keys, now);
        return keys.stream()
                .map(k -> view(
                        k,
                        null,
                        live.contains(k.keyId())
                                && entitlements.isFrozen(workspaceId, Entitlements.API_KEYS, live.indexOf(k.keyId()))))
                .toList();
    }

    /** Admins revoke any key of the workspace; developers their own. */
    void revokeApiKey(Principal principal, String workspaceId, String keyId, Origin origin) {
        Role held = requireRole(principal, workspaceId, Role.DEVELOPER);
        ApiKey key = apiKeyStore.apiKeysOf(workspaceId).stream()
                .filter(k -> k.keyId().equals(keyId))
                .findFirst()
                .orElseThrow(() -> ApiProblem.notFound("No such API key."));
        if (!held.atLeast(Role.ADMIN) && !key.createdBy().equals(principal.userId())) {
            throw ApiProblem.of(403, "forbidden", "Forbidden", "Developers revoke only the keys they created.");
        }
        apiKeyStore.revokeApiKey(key, clock.millis());
        audit.workspace(workspaceId, "api_key_revoked", principal.userId(), keyId, origin);
    }

    private static AuthModels.ApiKeyView view(ApiKey key, String secret, boolean frozen) {
        return new AuthModels.ApiKeyView(
                key.keyId(),
                key.workspaceId(),
                key.name(),
                key.role(),
                key.platformRole(),
                key.prefix(),
                secret,
                key.createdBy(),
                Instant.ofEpochMilli(key.createdAt()),
                key.expiresAt() == null ? null : Instant.ofEpochSecond(key.expiresAt()),
                key.lastUsedAt() == null ? null : Instant.ofEpochMilli(key.lastUsedAt()),
                key.revokedAt() != null,
                frozen);
    }

    private static Role grantable(Role held, String requested) {
        Role role = Role.fromWire(requested).orElseThrow();
        if (role == Role.SUPER_ADMIN || role == Role.FROZEN || !held.atLeast(role)) {
            throw ApiProblem.of(403, "forbidden", "Forbidden", "You cannot grant the role " + requested + ".");
        }
        return role;
    }

    private static void checkChange(WorkspaceStore.Change change) {
        switch (change) {
            case DONE -> {}
            case LAST_ADMIN ->
                throw ApiProblem.of(
                        409,
                        "last-admin",
                        "Conflict",
                        "A workspace keeps at least one admin; make another member admin first.");
            case CONFLICT ->
                throw ApiProblem.of(
                        409,
                        "concurrent-change",
                        "Conflict",
                        "The membership changed meanwhile; reload and try again.");
        }
    }
}

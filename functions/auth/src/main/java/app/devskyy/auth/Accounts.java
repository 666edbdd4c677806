package app.devskyy.auth;

import app.devskyy.auth.AuthItems.Member;
import app.devskyy.auth.AuthItems.User;
import app.devskyy.auth.AuthItems.Workspace;
import app.devskyy.auth.AuthModels.UserView;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.audit.AuditLog.Origin;
import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.CredentialItems;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.auth.Role;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.Paging;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Accounts: signup, the profile, the password, and platform administration of users. */
final class Accounts {

    private final AccountStore accountStore;
    private final FactorStore factorStore;
    private final Sessions sessions;
    private final EmailLinks emailLinks;
    private final Profiles profiles;
    private final Passwords passwords;
    private final PersonalDataCipher pii;
    private final AuditLog audit;
    private final PlatformBootstrap bootstrap;
    private final Clock clock;

    Accounts(
            AccountStore accountStore,
            FactorStore factorStore,
            Sessions sessions,
            EmailLinks emailLinks,
            Profiles profiles,
            Passwords passwords,
            PersonalDataCipher pii,
            AuditLog audit,
            PlatformBootstrap bootstrap,
            Clock clock) {
        this.accountStore = accountStore;
        this.factorStore = factorStore;
        this.sessions = sessions;
        this.emailLinks = emailLinks;
        this.profiles = profiles;
        this.passwords = passwords;
        this.pii = pii;
        this.audit = audit;
        this.bootstrap = bootstrap;
        this.clock = clock;
    }

    // Signup

    UserView signup(AuthModels.SignupRequest request) {
        passwords.checkPolicy(request.password(), "/password");
        String email = Profiles.normalizeEmail(request.email());
        String userId =
                CredentialItems.USER_ID_PREFIX + UUID.randomUUID().toString().replace("-", "");
        String workspaceId = "ws_" + UUID.randomUUID().toString().replace("-", "");
        long now = clock.millis();
        User user = User.of(
                userId,
                pii.encryptFor(userId, email, Profiles.emailContext(userId)),
                pii.blindIndex(email),
                pii.encryptFor(userId, request.displayName().strip(), Profiles.nameContext(userId)),
                passwords.hash(request.password()),
                now);
        Workspace personal = Workspace.of(workspaceId, "Personal", true, userId, now);
        if (!accountStore.createAccount(user, personal, Member.of(workspaceId, userId, Role.ADMIN.wire(), now))) {
            throw ApiProblem.of(409, "email-taken", "Conflict", "An account with this email already exists.");
        }
        emailLinks.sendEmailToken(user, email, "verify");
        bootstrap.afterSignup(email);
        return profiles.view(user);
    }

    // Platform administration

    /** The caller's live platform role, at least {@code required}; 403 otherwise (API keys hold none here). */
    static Role requirePlatformRole(AccountStore accountStore, Principal principal, Role required) {
        Role held = accountStore
                .user(principal.userId())
                .map(User::platformRole)
                .flatMap(Role::fromWire)
                .orElse(null);
        if (held == null || !held.atLeast(required)) {
            throw ApiProblem.of(
                    403, "forbidden", "Forbidden", "This operation needs the platform role " + required.wire() + ".");
        }
        return held;
    }

    record UserPage(List<Profiles.AdminUserView> users, String nextCursor) {}

    UserPage users(Principal principal, int limit, Optional<String> after, String email) {
        requirePlatformRole(accountStore, principal, Role.ADMIN);
        if (email != null) {
            return new UserPage(
                    accountStore.userByEmailIndex(profiles.emailIndex(email)).map(profiles::adminView).stream()
                            .toList(),
                    null);
        }
        if (after.isPresent() && !after.get().matches("\\d{1,15}#usr_[0-9a-f]{32}")) {
            throw ApiProblem.badRequest("The cursor is not one this API issued.");
        }
        AccountStore.UserPage page = accountStore.users(limit, after.orElse(null));
        return new UserPage(page.users().stream().map(profiles::adminView).toList(), Paging.nextCursor(page.next()));
    }

    Profiles.AdminUserView administer(
            Principal principal, String userId, AuthModels.AdministerRequest request, Origin origin) {
        Role held = requirePlatformRole(accountStore, principal, Role.ADMIN);
        if (factorStore.factorsOf(principal.userId()).stream().anyMatch(AuthItems.MfaFactor::verified)) {
            Authenticator.requireSecondFactor(principal);
        }
        if (userId.equals(principal.userId())) {
            throw ApiProblem.of(403, "forbidden", "Forbidden", "Administrators cannot change their own account here.");
        }
        User target = accountStore.user(userId).orElseThrow(() -> ApiProblem.notFound("No such user."));
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
        accountStore.saveUser(updated);
        if (disabled && !target.disabled()) {
            sessions.revokeSessions(new Principal(userId, "", Map.of(), Optional.empty()), "global");
        }
        audit.account(
                userId,
                "admin_update:" + (disabled ? "disabled" : "enabled") + ":"
                        + (platformRole == null ? "none" : platformRole),
                "success",
                principal.userId(),
                origin);
        return profiles.adminView(updated);
    }

    // Profile and password

    UserView me(Principal principal) {
        return profiles.view(profiles.account(principal));
    }

    /**
     * The person corrects their profile (GDPR Art. 16); each correction is in their audit log, by
     * the fields it changed, never their values.
     */
    UserView updateMe(Principal principal, AuthModels.UpdateMeRequest request, Origin origin) {
        User user = profiles.account(principal);
        User updated = user.withNameCipher(
                pii.encryptFor(user.userId(), request.displayName().strip(), Profiles.nameContext(user.userId())));
        accountStore.saveUser(updated);
        audit.account(user.userId(), "profile_rectified:displayName", "success", user.userId(), origin);
        return profiles.view(updated);
    }

    /** Needs the current password; ends every other session of the user. */
    void changePassword(Principal principal, AuthModels.ChangePasswordRequest request, Origin origin) {
        User user = profiles.account(principal);
        if (!passwords.verify(request.currentPassword(), user.passwordHash())) {
            audit.account(user.userId(), "password_change", "wrong_password", user.userId(), origin);
            throw ApiProblem.of(403, "wrong-password", "Forbidden", "The current password is incorrect.");
        }
        passwords.checkPolicy(request.newPassword(), "/newPassword");
        // Conditioned on the hash just verified: of two concurrent changes from the same current
        // password, only the first is written; the second learns the password changed under it.
        if (!accountStore.replacePasswordHash(user, passwords.hash(request.newPassword()))) {
            throw ApiProblem.of(409, "password-changed", "Conflict", "The password was changed by another request.");
        }
        sessions.revokeSessions(principal, "others");
        audit.account(user.userId(), "password_change", "success", user.userId(), origin);
    }
}

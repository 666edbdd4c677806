package app.devskyy.auth;

import app.devskyy.auth.AuthItems.User;
import app.devskyy.auth.AuthModels.UserView;
import app.devskyy.auth.AuthModels.WorkspaceRole;
import app.devskyy.core.auth.CredentialItems;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.core.http.ApiProblem;
import java.time.Instant;
import java.util.List;

/**
 * How a user is shown and found: views of the account, the email's blind index, and the contexts
 * their personal data is encrypted under.
 */
final class Profiles {

    private final AccountStore accountStore;
    private final WorkspaceStore workspaceStore;
    private final PersonalDataCipher pii;

    Profiles(AccountStore accountStore, WorkspaceStore workspaceStore, PersonalDataCipher pii) {
        this.accountStore = accountStore;
        this.workspaceStore = workspaceStore;
        this.pii = pii;
    }

    static String normalizeEmail(String email) {
        return CredentialItems.normalizeEmail(email);
    }

    /** The email's blind index: the key of its account and of its lockout. */
    String emailIndex(String email) {
        return pii.blindIndex(normalizeEmail(email));
    }

    record AdminUserView(
            String id, String email, String displayName, boolean disabled, String platformRole, Instant createdAt) {}

    UserView view(User user) {
        List<WorkspaceRole> workspaces = workspaceStore.membershipsOf(user.userId()).stream()
                .map(m -> new WorkspaceRole(m.workspaceId(), m.role()))
                .toList();
        return new UserView(
                user.userId(),
                pii.decrypt(user.emailCipher(), emailContext(user.userId())),
                pii.decrypt(user.nameCipher(), nameContext(user.userId())),
                user.emailVerified(),
                Instant.ofEpochMilli(user.createdAt()),
                workspaces);
    }

    AdminUserView adminView(User user) {
        return new AdminUserView(
                user.userId(),
                pii.decrypt(user.emailCipher(), emailContext(user.userId())),
                pii.decrypt(user.nameCipher(), nameContext(user.userId())),
                user.disabled(),
                user.platformRole(),
                Instant.ofEpochMilli(user.createdAt()));
    }

    static String emailContext(String userId) {
        return CredentialItems.emailContext(userId);
    }

    static String nameContext(String userId) {
        return "user:" + userId + ":displayName";
    }

    static String sessionContext(String sessionId, String field) {
        return "session:" + sessionId + ":" + field;
    }

    User account(Principal principal) {
        return accountStore.user(principal.userId()).orElseThrow(() -> ApiProblem.notFound("No such user."));
    }
}

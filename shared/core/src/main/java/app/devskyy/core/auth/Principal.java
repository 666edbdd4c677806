package app.devskyy.core.auth;

import java.util.Map;
import java.util.Optional;

/**
 * Who is calling, as an access token says: the user, the session, and the role held in each
 * workspace. {@code platformRole} is set only for platform operators ({@code super_admin}).
 * {@code assurance} is the authentication assurance level of the session: {@code aal1} after a
 * password, {@code aal2} after a second factor. {@code emailVerified} says whether the user
 * confirmed the email address, for routes that require it.
 */
public record Principal(
        String userId,
        String sessionId,
        Map<String, Role> memberships,
        Optional<Role> platformRole,
        String assurance,
        boolean emailVerified) {

    public static final String AAL1 = "aal1";
    public static final String AAL2 = "aal2";

    public Principal {
        memberships = Map.copyOf(memberships);
        if (!AAL1.equals(assurance) && !AAL2.equals(assurance)) {
            throw new IllegalArgumentException("unknown assurance level");
        }
    }

    /** A password-only (aal1) principal whose email is not (yet) verified, or a machine's. */
    public Principal(String userId, String sessionId, Map<String, Role> memberships, Optional<Role> platformRole) {
        this(userId, sessionId, memberships, platformRole, AAL1, false);
    }

    /** The caller's role in a workspace; a platform super admin holds every workspace. */
    public Optional<Role> roleIn(String workspaceId) {
        if (platformRole.filter(r -> r == Role.SUPER_ADMIN).isPresent()) {
            return Optional.of(Role.SUPER_ADMIN);
        }
        return Optional.ofNullable(memberships.get(workspaceId));
    }
}

package app.devskyy.core.auth;

import java.util.Map;
import java.util.Optional;

/**
 * Who is calling, as an access token says: the user, the session, and the role held in each
 * workspace. {@code platformRole} is set only for platform operators ({@code super_admin}).
 */
public record Principal(String userId, String sessionId, Map<String, Role> memberships, Optional<Role> platformRole) {

    public Principal {
        memberships = Map.copyOf(memberships);
    }

    /** The caller's role in a workspace; a platform super admin holds every workspace. */
    public Optional<Role> roleIn(String workspaceId) {
        if (platformRole.filter(r -> r == Role.SUPER_ADMIN).isPresent()) {
            return Optional.of(Role.SUPER_ADMIN);
        }
        return Optional.ofNullable(memberships.get(workspaceId));
    }
}

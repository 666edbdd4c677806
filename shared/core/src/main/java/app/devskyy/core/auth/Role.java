package app.devskyy.core.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * Roles, highest first. A role includes every right of the roles below it. {@link #FROZEN} is no
 * role anyone grants: it is what a member or key beyond the plan's limit holds after a downgrade
 * (kept, not deleted), and it lets the holder do nothing but leave.
 */
public enum Role {
    SUPER_ADMIN,
    ADMIN,
    DEVELOPER,
    API_USER,
    READ_ONLY,
    FROZEN;

    /** The name in tokens and API bodies: {@code super_admin}, {@code read_only}, ... */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromWire(String value) {
        for (Role role : values()) {
            if (role.wire().equals(value)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    public boolean atLeast(Role required) {
        return ordinal() <= required.ordinal();
    }
}

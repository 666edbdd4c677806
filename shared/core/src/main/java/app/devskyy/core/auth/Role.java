package app.devskyy.core.auth;

import java.util.Locale;
import java.util.Optional;

/** Roles, highest first. A role includes every right of the roles below it. */
public enum Role {
    SUPER_ADMIN,
    ADMIN,
    DEVELOPER,
    API_USER,
    READ_ONLY;

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

package app.devskyy.auth;

import app.devskyy.auth.AuthItems.User;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.audit.AuditLog.Origin;
import app.devskyy.core.auth.Role;
import app.devskyy.core.config.Config;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names the platform's first super admin, once, without editing tables: the account with a given
 * email gets the platform role {@code super_admin} while no bootstrap happened before (a marker
 * item, written in the same transaction, makes it one-time). Reached only by operators: in AWS a
 * direct invocation of the auth operations function, which IAM alone can make; locally the email
 * the server was started with, when that account signs up.
 */
final class PlatformBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformBootstrap.class);

    /** Honoured by local deployments only: in AWS, nobody who can sign up may become super admin by it. */
    static final String LOCAL_SETTING = "AUTH_LOCAL_SUPER_ADMIN_EMAIL";

    private final AccountStore accountStore;
    private final Profiles profiles;
    private final AuditLog audit;
    private final Clock clock;
    private final Optional<String> localSuperAdmin;

    PlatformBootstrap(
            AccountStore accountStore,
            Profiles profiles,
            AuditLog audit,
            Clock clock,
            Optional<String> localSuperAdmin) {
        this.accountStore = accountStore;
        this.profiles = profiles;
        this.audit = audit;
        this.clock = clock;
        this.localSuperAdmin = localSuperAdmin.map(Profiles::normalizeEmail);
    }

    static Optional<String> localSuperAdmin(Config config) {
        Optional<String> email = Optional.of(config.string(LOCAL_SETTING, "")).filter(s -> !s.isBlank());
        if (email.isPresent() && !config.isLocal()) {
            throw new IllegalStateException(LOCAL_SETTING
                    + " is for local deployments; in AWS, invoke the auth operations function (docs/operations.md)");
        }
        return email;
    }

    /**
     * After a signup: the local server's named email becomes super admin on signing up, unless a
     * first super admin was named before (a data folder kept from a start with another email); the
     * signup itself succeeds either way.
     */
    void afterSignup(String normalizedEmail) {
        if (localSuperAdmin.filter(normalizedEmail::equals).isPresent()
                && promote(normalizedEmail, "local-start-up").isEmpty()) {
            LOG.warn("{} is set, but this data folder named its first super admin before; ignored", LOCAL_SETTING);
        }
    }

    /** The operators' bootstrap: fails when the account does not exist or the bootstrap happened before. */
    Profiles.AdminUserView grant(String email, String by) {
        return promote(email, by)
                .orElseThrow(() -> new IllegalStateException("The first super admin was named before; grant platform"
                        + " roles with PATCH /api/v1/auth/users/{userId}."));
    }

    private Optional<Profiles.AdminUserView> promote(String email, String by) {
        User user = accountStore
                .userByEmailIndex(profiles.emailIndex(email))
                .orElseThrow(() -> new IllegalArgumentException("No account has this email; sign up first."));
        User promoted = user.withAdministration(user.disabled(), Role.SUPER_ADMIN.wire());
        if (!accountStore.bootstrapSuperAdmin(promoted, clock.millis())) {
            return Optional.empty();
        }
        audit.account(user.userId(), "platform_bootstrap:super_admin", "success", by, new Origin("", by));
        return Optional.of(profiles.adminView(promoted));
    }
}

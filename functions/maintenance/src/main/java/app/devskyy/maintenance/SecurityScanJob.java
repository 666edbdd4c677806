package app.devskyy.maintenance;

import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.auth.Role;
import app.devskyy.core.aws.Values;
import app.devskyy.core.notify.Notifier;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.core.privacy.Subjects;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The security posture scan (daily). It walks the profiles, the API keys and the workspaces a page
 * at a time, then looks at the day before the run and at the platform's settings:
 *
 * <ul>
 *   <li>people who hold admin rights without a verified second factor (platform admins and super
 *       admins: high; admins of workspaces others share: medium);
 *   <li>API keys unused for {@link #UNUSED} or without an expiry (low);
 *   <li>workspaces whose roles are unusually wide: at least {@link #WIDE_ROLES_MIN_MEMBERS} members,
 *       more than half of them admins (low);
 *   <li>webhook deliveries that failed signature verification, at least the threshold per provider
 *       (forged or misconfigured senders; medium, high at ten times it);
 *   <li>credential stuffing: failed logins for at least the threshold of distinct addresses from
 *       one network (high), and a lockout spike: at least the threshold of logins that failed into a
 *       lockout (medium);
 *   <li>a token signing key older than the rotation period, and webhook secrets unchanged for
 *       longer than their period (medium);
 *   <li>browser origins the API allows that are wider than a frontend needs: a wildcard, or plain
 *       {@code http} beyond the loopback (medium).
 * </ul>
 *
 * A new high finding about an admin or a network, and every forged-webhook finding, is published to
 * operations.
 */
final class SecurityScanJob extends MaintenanceJob {

    static final String NAME = "securityScanJob";
    static final String ADMIN_WITHOUT_MFA = "admin-without-mfa";
    static final String API_KEY_UNUSED = "api-key-unused";
    static final String API_KEY_NO_EXPIRY = "api-key-no-expiry";
    static final String FORGED_WEBHOOKS = "forged-webhooks";
    static final String SIGNING_KEY_OLD = "signing-key-old";
    static final String WEBHOOK_SECRET_OLD = "webhook-secret-old";
    static final String CREDENTIAL_STUFFING = "credential-stuffing";
    static final String LOCKOUT_SPIKE = "lockout-spike";
    static final String WIDE_ROLES = "workspace-roles-wide";
    static final String CORS_WIDE = "cors-origins-wide";
    static final Duration UNUSED = Duration.ofDays(90);
    static final int WIDE_ROLES_MIN_MEMBERS = 5;

    /**
     * What the scan holds against what it sees: deliveries failing verification per provider, distinct
     * addresses failing from one network, logins failing into a lockout (each in a day), and how long
     * a signing key and the webhook secrets may stay unchanged.
     */
    record Thresholds(
            int forgedWebhooks,
            int stuffedAccounts,
            int lockouts,
            Duration signingKeyRotation,
            Duration webhookSecretRotation) {}

    private static final String PROFILES = "profiles|";
    private static final String KEYS = "keys|";
    private static final String WORKSPACES = "workspaces|";
    private static final String DAY = "day|";
    private static final int PAGE = 100;

    private final AuthDirectory directory;
    private final Subjects subjects;
    private final AuditLog audit;
    private final Thresholds thresholds;
    private final Supplier<JWKSet> publishedKeys;
    private final Supplier<Optional<Instant>> webhookSecretsSetAt;
    private final List<String> corsOrigins;
    private final Notifier notifier;

    SecurityScanJob(
            FindingStore findings,
            RunStore runs,
            AuthDirectory directory,
            Subjects subjects,
            AuditLog audit,
            Thresholds thresholds,
            Supplier<JWKSet> publishedKeys,
            Supplier<Optional<Instant>> webhookSecretsSetAt,
            List<String> corsOrigins,
            Notifier notifier,
            Telemetry telemetry,
            Duration budget,
            Clock clock) {
        super(NAME, findings, runs, telemetry, budget, clock);
        this.directory = directory;
        this.subjects = subjects;
        this.audit = audit;
        this.thresholds = thresholds;
        this.publishedKeys = publishedKeys;
        this.webhookSecretsSetAt = webhookSecretsSetAt;
        this.corsOrigins = List.copyOf(corsOrigins);
        this.notifier = notifier;
    }

    @Override
    protected Set<String> rules() {
        return Set.of(
                ADMIN_WITHOUT_MFA,
                API_KEY_UNUSED,
                API_KEY_NO_EXPIRY,
                WIDE_ROLES,
                FORGED_WEBHOOKS,
                CREDENTIAL_STUFFING,
                LOCKOUT_SPIKE,
                SIGNING_KEY_OLD,
                WEBHOOK_SECRET_OLD,
                CORS_WIDE);
    }

    @Override
    protected String page(Instant slot, String cursor, Tally tally) {
        if (cursor == null || cursor.startsWith(PROFILES)) {
            AuthDirectory.Page page = directory.profiles(after(cursor, PROFILES), PAGE);
            page.items().forEach(profile -> profile(profile, slot, tally));
            return page.nextCursor() == null ? KEYS : PROFILES + page.nextCursor();
        }
        if (cursor.startsWith(KEYS)) {
            AuthDirectory.Page page = directory.apiKeys(after(cursor, KEYS), PAGE);
            page.items().forEach(key -> apiKey(key, slot, tally));
            return page.nextCursor() == null ? WORKSPACES : KEYS + page.nextCursor();
        }
        if (cursor.startsWith(WORKSPACES)) {
            AuthDirectory.Page page = directory.workspaces(after(cursor, WORKSPACES), PAGE);
            page.items().forEach(workspace -> roles(workspace, slot, tally));
            return page.nextCursor() == null ? DAY : WORKSPACES + page.nextCursor();
        }
        forgedWebhooks(slot, tally);
        logins(slot, tally);
        signingKey(slot, tally);
        webhookSecrets(slot, tally);
        corsOrigins(slot, tally);
        return null;
    }

    /**
     * The newest published key older than the rotation period: the public set says when each key
     * was issued ({@code iat}). The key rotation job keeps it younger; this finding says it is not.
     */
    private void signingKey(Instant slot, Tally tally) {
        publishedKeys.get().getKeys().stream()
                .filter(key -> key.getIssueTime() != null)
                .max(Comparator.comparing(JWK::getIssueTime))
                .ifPresent(newest -> {
                    tally.seen++;
                    Duration age = Duration.between(newest.getIssueTime().toInstant(), slot);
                    if (age.compareTo(thresholds.signingKeyRotation()) > 0) {
                        tally.found(findings.record(
                                SIGNING_KEY_OLD,
                                "medium",
                                newest.getKeyID(),
                                "The token signing key " + newest.getKeyID() + " has signed for " + age.toDays()
                                        + " days; the key rotation job replaces it every "
                                        + thresholds.signingKeyRotation().toDays() + ".",
                                slot.toEpochMilli()));
                    }
                });
    }

    /** Deliveries to a webhook that failed signature verification in the day before the slot, per provider. */
    private void forgedWebhooks(Instant slot, Tally tally) {
        audit.systemActions("webhooks", slot.minus(Duration.ofDays(1)), slot).forEach((action, count) -> {
            tally.seen += count;
            if (action.startsWith("webhook.") && action.endsWith(".rejected") && count >= thresholds.forgedWebhooks()) {
                String provider = action.substring("webhook.".length(), action.length() - ".rejected".length());
                String summary = count + " deliveries to the " + provider
                        + " webhook failed signature verification in the day before " + slot + ".";
                if (tally.found(findings.record(
                        FORGED_WEBHOOKS,
                        count >= 10L * thresholds.forgedWebhooks() ? "high" : "medium",
                        provider,
                        summary,
                        slot.toEpochMilli()))) {
                    notifier.operations("Security finding: " + FORGED_WEBHOOKS, summary);
                }
            }
        });
    }

    /**
     * The day's failed logins ({@link AuditLog#failedLogin}): a network failing for many distinct
     * addresses is credential stuffing (one person mistyping fails for one); many failures into a
     * lockout at all is a spike, whatever the networks.
     */
    private void logins(Instant slot, Tally tally) {
        List<AuditLog.SystemEvent> failures = audit.systemEvents(AuditLog.LOGINS, slot.minus(Duration.ofDays(1)), slot);
        tally.seen += failures.size();
        Map<String, Set<String>> accountsByNetwork = new TreeMap<>();
        long lockouts = 0;
        for (AuditLog.SystemEvent failure : failures) {
            accountsByNetwork
                    .computeIfAbsent(failure.actorId(), n -> new HashSet<>())
                    .add(failure.targetId());
            if ("failure_locked".equals(failure.outcome())) {
                lockouts++;
            }
        }
        accountsByNetwork.forEach((network, accounts) -> {
            if (accounts.size() >= thresholds.stuffedAccounts()) {
                String summary = "Logins for " + accounts.size() + " different addresses failed from the network "
                        + network + " in the day before " + slot + ".";
                if (tally.found(findings.record(CREDENTIAL_STUFFING, "high", network, summary, slot.toEpochMilli()))) {
                    notifier.operations("Security finding: " + CREDENTIAL_STUFFING, summary);
                }
            }
        });
        if (lockouts >= thresholds.lockouts()) {
            tally.found(findings.record(
                    LOCKOUT_SPIKE,
                    "medium",
                    AuditLog.LOGINS,
                    lockouts + " logins failed into a lockout in the day before " + slot + ".",
                    slot.toEpochMilli()));
        }
    }

    /** The webhook secrets' current value set longer ago than their rotation period (nothing when there is no secret). */
    private void webhookSecrets(Instant slot, Tally tally) {
        webhookSecretsSetAt.get().ifPresent(setAt -> {
            tally.seen++;
            Duration age = Duration.between(setAt, slot);
            if (age.compareTo(thresholds.webhookSecretRotation()) > 0) {
                tally.found(findings.record(
                        WEBHOOK_SECRET_OLD,
                        "medium",
                        "webhook-secrets",
                        "The webhook secrets were last changed " + age.toDays() + " days ago; rotate them every "
                                + thresholds.webhookSecretRotation().toDays() + " days.",
                        slot.toEpochMilli()));
            }
        });
    }

    /** Allowed browser origins wider than a frontend needs: any origin, or plain http beyond this machine. */
    private void corsOrigins(Instant slot, Tally tally) {
        for (String origin : corsOrigins) {
            tally.seen++;
            boolean any = origin.equals("*") || origin.equals("null") || origin.contains("*");
            boolean plain = origin.startsWith("http://") && !isLoopback(origin);
            if (any || plain) {
                tally.found(findings.record(
                        CORS_WIDE,
                        "medium",
                        origin,
                        "The API allows the browser origin " + origin
                                + (any ? ", which any site can claim." : ", which is not served over TLS."),
                        slot.toEpochMilli()));
            }
        }
    }

    private static boolean isLoopback(String origin) {
        String host = origin.substring("http://".length()).replaceFirst(":\\d+$", "");
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    }

    /** A workspace with many members, most of them admins: rights handed out wider than the work needs. */
    private void roles(Map<String, AttributeValue> workspace, Instant slot, Tally tally) {
        tally.seen++;
        String workspaceId = Values.string(workspace, "workspaceId");
        Map<String, Long> roles = directory.memberRoles(workspaceId);
        long members = roles.values().stream().mapToLong(Long::longValue).sum();
        long admins = roles.getOrDefault(Role.ADMIN.wire(), 0L);
        if (members >= WIDE_ROLES_MIN_MEMBERS && admins * 2 > members) {
            tally.found(findings.record(
                    WIDE_ROLES,
                    "low",
                    workspaceId,
                    admins + " of the " + members + " members of workspace " + workspaceId + " are admins.",
                    slot.toEpochMilli()));
        }
    }

    private void profile(Map<String, AttributeValue> profile, Instant slot, Tally tally) {
        tally.seen++;
        if (AuthDirectory.isDisabled(profile)) {
            return;
        }
        String userId = profile.get("userId").s();
        Optional<Role> platform = Role.fromWire(Values.string(profile, "platformRole"));
        boolean platformAdmin = platform.isPresent() && platform.get().atLeast(Role.ADMIN);
        List<String> workspaces = platformAdmin ? List.of() : subjects.sharedWorkspacesAdministered(userId);
        if ((!platformAdmin && workspaces.isEmpty()) || directory.hasVerifiedSecondFactor(userId)) {
            return;
        }
        String severity = platformAdmin ? "high" : "medium";
        String summary = platformAdmin
                ? "A platform " + platform.get().wire() + " has no verified second factor."
                : "An admin of " + workspaces.size() + " shared workspace(s) has no verified second factor.";
        if (tally.found(findings.record(ADMIN_WITHOUT_MFA, severity, userId, summary, slot.toEpochMilli()))
                && platformAdmin) {
            notifier.operations("Security finding: " + ADMIN_WITHOUT_MFA, summary + " Subject: " + userId);
        }
    }

    private void apiKey(Map<String, AttributeValue> key, Instant slot, Tally tally) {
        tally.seen++;
        String keyId = key.get("keyId").s();
        String label =
                "API key " + Values.string(key, "prefix") + "… of workspace " + Values.string(key, "workspaceId");
        long lastUsed = Values.number(key, "lastUsedAt", 0) > 0
                ? Values.number(key, "lastUsedAt", 0)
                : Values.number(key, "createdAt", 0);
        long expiresAt = Values.number(key, "expiresAt", 0);
        if (expiresAt > 0 && expiresAt * 1000 <= slot.toEpochMilli()) {
            return;
        }
        if (slot.toEpochMilli() - lastUsed > UNUSED.toMillis()) {
            tally.found(findings.record(
                    API_KEY_UNUSED,
                    "low",
                    keyId,
                    label + " unused for "
                            + Duration.ofMillis(slot.toEpochMilli() - lastUsed).toDays() + " days.",
                    slot.toEpochMilli()));
        }
        if (expiresAt == 0) {
            tally.found(
                    findings.record(API_KEY_NO_EXPIRY, "low", keyId, label + " never expires.", slot.toEpochMilli()));
        }
    }
}

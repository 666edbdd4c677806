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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The security posture scan (daily): people who hold admin rights without a verified second
 * factor (platform admins and super admins: high; admins of workspaces others share: medium), and
 * API keys unused for {@link #UNUSED} or without an expiry (low); and webhook deliveries that
 * failed signature verification, at least the threshold in the day before the run, per provider
 * (forged or misconfigured senders; medium, high at ten times it); and a token signing key that
 * has signed for longer than the rotation period (medium). It walks the profiles, then the
 * keys, a page at a time, then counts the day's rejected deliveries; a new high finding about an
 * admin, and every forged-webhook finding, is published to operations.
 */
final class SecurityScanJob extends MaintenanceJob {

    static final String NAME = "securityScanJob";
    static final String ADMIN_WITHOUT_MFA = "admin-without-mfa";
    static final String API_KEY_UNUSED = "api-key-unused";
    static final String API_KEY_NO_EXPIRY = "api-key-no-expiry";
    static final String FORGED_WEBHOOKS = "forged-webhooks";
    static final String SIGNING_KEY_OLD = "signing-key-old";
    static final Duration UNUSED = Duration.ofDays(90);

    private static final String PROFILES = "profiles|";
    private static final String KEYS = "keys|";
    private static final String WEBHOOKS = "webhooks|";
    private static final int PAGE = 100;

    private final AuthDirectory directory;
    private final Subjects subjects;
    private final AuditLog audit;
    private final int forgedThreshold;
    private final Supplier<JWKSet> publishedKeys;
    private final Duration rotation;
    private final Notifier notifier;

    SecurityScanJob(
            FindingStore findings,
            RunStore runs,
            AuthDirectory directory,
            Subjects subjects,
            AuditLog audit,
            int forgedThreshold,
            Supplier<JWKSet> publishedKeys,
            Duration rotation,
            Notifier notifier,
            Telemetry telemetry,
            Duration budget,
            Clock clock) {
        super(NAME, findings, runs, telemetry, budget, clock);
        this.directory = directory;
        this.subjects = subjects;
        this.audit = audit;
        this.forgedThreshold = forgedThreshold;
        this.publishedKeys = publishedKeys;
        this.rotation = rotation;
        this.notifier = notifier;
    }

    @Override
    protected Set<String> rules() {
        return Set.of(ADMIN_WITHOUT_MFA, API_KEY_UNUSED, API_KEY_NO_EXPIRY, FORGED_WEBHOOKS, SIGNING_KEY_OLD);
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
            return page.nextCursor() == null ? WEBHOOKS : KEYS + page.nextCursor();
        }
        forgedWebhooks(slot, tally);
        signingKey(slot, tally);
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
                    if (age.compareTo(rotation) > 0) {
                        tally.found(findings.record(
                                SIGNING_KEY_OLD,
                                "medium",
                                newest.getKeyID(),
                                "The token signing key " + newest.getKeyID() + " has signed for " + age.toDays()
                                        + " days; rotate every " + rotation.toDays() + ".",
                                slot.toEpochMilli()));
                    }
                });
    }

    /** Deliveries to a webhook that failed signature verification in the day before the slot, per provider. */
    private void forgedWebhooks(Instant slot, Tally tally) {
        audit.systemActions("webhooks", slot.minus(Duration.ofDays(1)), slot).forEach((action, count) -> {
            tally.seen += count;
            if (action.startsWith("webhook.") && action.endsWith(".rejected") && count >= forgedThreshold) {
                String provider = action.substring("webhook.".length(), action.length() - ".rejected".length());
                String summary = count + " deliveries to the " + provider
                        + " webhook failed signature verification in the day before " + slot + ".";
                if (tally.found(findings.record(
                        FORGED_WEBHOOKS,
                        count >= 10L * forgedThreshold ? "high" : "medium",
                        provider,
                        summary,
                        slot.toEpochMilli()))) {
                    notifier.operations("Security finding: " + FORGED_WEBHOOKS, summary);
                }
            }
        });
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

package app.devskyy.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.audit.AuditLog.Origin;
import app.devskyy.core.auth.CredentialItems;
import app.devskyy.core.auth.SigningKeys;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.events.ScheduledJob;
import app.devskyy.core.events.TransientFailure;
import app.devskyy.core.privacy.Subjects;
import app.devskyy.core.testing.DynamoDbLocal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@ExtendWith(DynamoDbLocal.class)
class SecurityScanJobTest {

    private final MaintenanceFixture fx = new MaintenanceFixture();
    /** One key, issued now (the real clock): old by the scan's clock in the test that moves it on. */
    private final SigningKeys keys = SigningKeys.generate();

    private final AuditLog audit =
            new AuditLog(new DynamoTables(fx.dynamoDb), "AuditTable", fx.pii, Duration.ofDays(365), fx.clock);

    @BeforeEach
    void onlyTheseAccounts() {
        fx.noPeople();
    }

    /** When the webhook secrets were last set, as Secrets Manager would say (none: no secret configured). */
    private Optional<Instant> webhookSecretsSetAt = Optional.empty();

    private List<String> corsOrigins = List.of();

    private SecurityScanJob job(Duration budget) {
        return new SecurityScanJob(
                fx.findings,
                fx.runs,
                fx.directory,
                new Subjects(fx.dynamoDb, "AuthTable", fx.pii),
                audit,
                new SecurityScanJob.Thresholds(10, 10, 20, Duration.ofDays(90), Duration.ofDays(365)),
                keys::publicJwks,
                () -> webhookSecretsSetAt,
                corsOrigins,
                fx.notifier,
                fx.telemetry,
                budget,
                fx.clock);
    }

    private static ScheduledJob.Schedule at(Instant slot) {
        return new ScheduledJob.Schedule(
                slot.toString(), "exec-" + slot.toEpochMilli(), "arn:aws:scheduler:test", null, null);
    }

    /** The open findings of the rule about the subjects this test arranged (other tests' stay apart). */
    private List<MaintenanceItems.Finding> open(String rule) {
        return fx
                .findings
                .list(Optional.of(rule), Optional.empty(), Optional.of(FindingStore.OPEN), 100, Optional.empty())
                .findings()
                .stream()
                .filter(f -> arranged.contains(f.subject()))
                .toList();
    }

    private final Set<String> arranged = new HashSet<>();

    @Test
    void threeAdminsOneWithoutASecondFactorYieldExactlyOneFindingOnceAndItClearsWhenMfaIsOn() {
        String lacking = fx.person("admin");
        String superAdmin = fx.person("super_admin");
        String admin = fx.person("admin");
        fx.verifiedFactor(superAdmin);
        fx.verifiedFactor(admin);
        String nobody = fx.person(null);
        arranged.addAll(List.of(lacking, superAdmin, admin, nobody));
        Instant slot = Instant.parse("2026-12-01T03:15:00Z");

        MaintenanceJob.Report first = job(fx.budget()).invoke(at(slot));
        assertThat(first.status()).isEqualTo(RunStore.COMPLETE);
        assertThat(first.seen()).as("four profiles and the signing key").isEqualTo(5);
        assertThat(open(SecurityScanJob.ADMIN_WITHOUT_MFA)).singleElement().satisfies(f -> {
            assertThat(f.subject()).isEqualTo(lacking);
            assertThat(f.severity()).isEqualTo("high");
            assertThat(f.summary()).doesNotContain("@");
        });
        assertThat(fx.published).singleElement().asString().contains(lacking);

        // The same slot again: the same report, nothing new, nobody told twice.
        MaintenanceJob.Report again = job(fx.budget()).invoke(at(slot));
        assertThat(again).isEqualTo(first);
        assertThat(fx.published).hasSize(1);

        // The next day, the same finding (not a second one); then, with MFA on, it resolves.
        job(fx.budget()).invoke(at(slot.plus(Duration.ofDays(1))));
        assertThat(open(SecurityScanJob.ADMIN_WITHOUT_MFA)).singleElement().satisfies(f -> {
            assertThat(f.firstSeenAt()).isEqualTo(slot.toEpochMilli());
            assertThat(f.lastSeenAt()).isEqualTo(slot.plus(Duration.ofDays(1)).toEpochMilli());
        });
        fx.verifiedFactor(lacking);
        MaintenanceJob.Report cleared = job(fx.budget()).invoke(at(slot.plus(Duration.ofDays(2))));
        assertThat(cleared.changed()).isPositive();
        assertThat(open(SecurityScanJob.ADMIN_WITHOUT_MFA)).isEmpty();
        assertThat(fx.findings.find(MaintenanceItems.findingId(SecurityScanJob.ADMIN_WITHOUT_MFA, lacking)))
                .get()
                .extracting(MaintenanceItems.Finding::state)
                .isEqualTo(FindingStore.RESOLVED);
    }

    @Test
    void anAdminOfASharedWorkspaceCountsTheOnlyMemberOfAPersonalOneDoesNot() {
        String shared = MaintenanceFixture.id("ws_");
        String sharing = fx.person(null);
        fx.member(shared, sharing, "admin");
        fx.member(shared, fx.person(null), "developer");
        String alone = fx.person(null);
        fx.member(MaintenanceFixture.id("ws_"), alone, "admin");
        arranged.addAll(List.of(sharing, alone));

        job(fx.budget()).invoke(at(Instant.parse("2026-12-05T03:15:00Z")));
        assertThat(open(SecurityScanJob.ADMIN_WITHOUT_MFA))
                .extracting(MaintenanceItems.Finding::subject)
                .containsExactly(sharing);
        assertThat(open(SecurityScanJob.ADMIN_WITHOUT_MFA).getFirst().severity())
                .isEqualTo("medium");
    }

    @Test
    void idleAndNeverExpiringApiKeysAreFoundButRevokedAndExpiredOnesAreNot() {
        Instant slot = Instant.parse("2026-12-10T03:15:00Z");
        String idle = key(
                slot.minus(Duration.ofDays(120)),
                0,
                slot.plus(Duration.ofDays(30)).getEpochSecond(),
                false);
        String forever = key(
                slot.minus(Duration.ofDays(10)), slot.minus(Duration.ofDays(1)).toEpochMilli(), 0, false);
        String revoked = key(slot.minus(Duration.ofDays(400)), 0, 0, true);
        String expired = key(
                slot.minus(Duration.ofDays(400)),
                0,
                slot.minus(Duration.ofDays(1)).getEpochSecond(),
                false);
        arranged.addAll(List.of(idle, forever, revoked, expired));

        job(fx.budget()).invoke(at(slot));
        assertThat(open(SecurityScanJob.API_KEY_UNUSED))
                .extracting(MaintenanceItems.Finding::subject)
                .contains(idle)
                .doesNotContain(forever, revoked, expired);
        assertThat(open(SecurityScanJob.API_KEY_NO_EXPIRY))
                .extracting(MaintenanceItems.Finding::subject)
                .contains(forever)
                .doesNotContain(idle, revoked, expired);
    }

    @Test
    void aRunCutShortResumesFromItsCursorAndCountsEveryoneOnce() {
        for (int i = 0; i < 230; i++) {
            fx.person(null);
        }
        Instant slot = Instant.parse("2026-12-20T03:15:00Z");
        // No time at all: one page, then the cursor is kept and the delivery fails to be retried.
        assertThatThrownBy(() -> job(Duration.ZERO).invoke(at(slot))).isInstanceOf(TransientFailure.class);
        MaintenanceItems.Run cut = fx.runs.run(SecurityScanJob.NAME, slot).orElseThrow();
        assertThat(cut.status()).isEqualTo(RunStore.RUNNING);
        assertThat(cut.cursor()).startsWith("profiles|");
        assertThat(cut.seen()).isEqualTo(100);
        // The retry of the same slot, once its lease lapses, finishes it.
        fx.clock.advance(Duration.ofMinutes(2));
        MaintenanceJob.Report done = job(fx.budget()).invoke(at(slot));
        assertThat(done.status()).isEqualTo(RunStore.COMPLETE);
        assertThat(done.seen()).as("every profile once, and the signing key").isEqualTo(231);
    }

    @Test
    void manyRejectedWebhookDeliveriesInADayAreAFindingAFewAreNot() {
        Instant slot = Instant.parse("2027-04-02T03:15:00Z");
        fx.clock.set(slot.minus(Duration.ofHours(5)));
        for (int i = 0; i < 12; i++) {
            audit.system(
                    "webhooks",
                    "webhook.forgedpay.rejected",
                    "failure",
                    "webhook:forgedpay",
                    new AuditLog.Origin("203.0.113.9", "curl"));
        }
        for (int i = 0; i < 2; i++) {
            audit.system(
                    "webhooks",
                    "webhook.quietpay.rejected",
                    "failure",
                    "webhook:quietpay",
                    new AuditLog.Origin("203.0.113.9", "curl"));
        }
        fx.clock.set(slot.minus(Duration.ofDays(2)));
        for (int i = 0; i < 20; i++) {
            audit.system(
                    "webhooks",
                    "webhook.oldpay.rejected",
                    "failure",
                    "webhook:oldpay",
                    new AuditLog.Origin("203.0.113.9", "curl"));
        }
        arranged.addAll(List.of("forgedpay", "quietpay", "oldpay"));
        job(fx.budget()).invoke(at(slot));
        assertThat(open(SecurityScanJob.FORGED_WEBHOOKS)).singleElement().satisfies(f -> {
            assertThat(f.subject()).isEqualTo("forgedpay");
            assertThat(f.summary()).startsWith("12 deliveries");
            assertThat(f.severity()).isEqualTo("medium");
        });
        assertThat(fx.published).anySatisfy(p -> assertThat(p).contains("forgedpay"));
    }

    @Test
    void aSigningKeyOlderThanTheRotationPeriodIsAFinding() {
        String kid = keys.newest().getKeyID();
        arranged.add(kid);
        Instant issued = keys.newest().getIssueTime().toInstant();
        job(fx.budget()).invoke(at(issued.plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS)));
        assertThat(open(SecurityScanJob.SIGNING_KEY_OLD)).isEmpty();
        job(fx.budget())
                .invoke(at(issued.plus(Duration.ofDays(120).plusMinutes(1)).truncatedTo(ChronoUnit.SECONDS)));
        assertThat(open(SecurityScanJob.SIGNING_KEY_OLD))
                .singleElement()
                .satisfies(f -> assertThat(f.summary()).contains("120 days", "every 90"));
    }

    private String key(Instant createdAt, long lastUsedAt, long expiresAtSeconds, boolean revoked) {
        String keyId = MaintenanceFixture.id("key_");
        Map<String, AttributeValue> item = new HashMap<>(Map.of(
                "pk", AttributeValue.fromS(CredentialItems.API_KEYS + keyId),
                "sk", AttributeValue.fromS("APIKEY"),
                "keyId", AttributeValue.fromS(keyId),
                "workspaceId", AttributeValue.fromS("ws_test"),
                "prefix", AttributeValue.fromS("dsk_abcd"),
                "createdAt", AttributeValue.fromN(Long.toString(createdAt.toEpochMilli())),
                "lastUsedAt", AttributeValue.fromN(Long.toString(lastUsedAt))));
        if (expiresAtSeconds > 0) {
            item.put("expiresAt", AttributeValue.fromN(Long.toString(expiresAtSeconds)));
        }
        if (revoked) {
            item.put("revokedAt", AttributeValue.fromN("1"));
        }
        fx.dynamoDb.putItem(r -> r.tableName("AuthTable").item(item));
        return keyId;
    }

    @Test
    void tenAddressesFailingFromOneNetworkIsCredentialStuffingNineFromAnotherAndOnePersonMistypingAreNot() {
        Instant slot = Instant.parse("2027-06-01T03:15:00Z");
        fx.clock.set(slot.minus(Duration.ofHours(3)));
        for (int i = 0; i < 10; i++) {
            // The same /24, different hosts: one network.
            audit.failedLogin(
                    fx.pii.blindIndex("victim" + i + "@example.com"),
                    false,
                    new Origin("203.0.113." + (10 + i), "bot"));
        }
        for (int i = 0; i < 9; i++) {
            audit.failedLogin(
                    fx.pii.blindIndex("other" + i + "@example.com"), false, new Origin("198.51.100.7", "bot"));
        }
        for (int i = 0; i < 25; i++) {
            audit.failedLogin(fx.pii.blindIndex("typo@example.com"), i >= 5, new Origin("192.0.2.1", "browser"));
        }
        String stuffing = audit.networkOf("203.0.113.200");
        arranged.addAll(List.of(stuffing, audit.networkOf("198.51.100.7"), audit.networkOf("192.0.2.1"), "logins"));

        job(fx.budget()).invoke(at(slot));
        assertThat(open(SecurityScanJob.CREDENTIAL_STUFFING)).singleElement().satisfies(f -> {
            assertThat(f.subject()).isEqualTo(stuffing).doesNotContain("203.0.113");
            assertThat(f.severity()).isEqualTo("high");
            assertThat(f.summary()).contains("10 different addresses").doesNotContain("@");
        });
        assertThat(fx.published).anySatisfy(p -> assertThat(p).contains(SecurityScanJob.CREDENTIAL_STUFFING));
        // Twenty of the mistyping person's failures locked: a spike, which names no one.
        assertThat(open(SecurityScanJob.LOCKOUT_SPIKE))
                .singleElement()
                .satisfies(f -> assertThat(f.summary()).startsWith("20 logins failed into a lockout"));

        // A quiet day after: both resolve.
        job(fx.budget()).invoke(at(slot.plus(Duration.ofDays(1))));
        assertThat(open(SecurityScanJob.CREDENTIAL_STUFFING)).isEmpty();
        assertThat(open(SecurityScanJob.LOCKOUT_SPIKE)).isEmpty();
    }

    @Test
    void aWorkspaceMostlyOfAdminsOldWebhookSecretsAndAWildcardOriginAreFindings() {
        String wide = MaintenanceFixture.id("ws_");
        String narrow = MaintenanceFixture.id("ws_");
        fx.workspace(wide);
        fx.workspace(narrow);
        for (String role : List.of("admin", "admin", "admin", "developer", "read_only")) {
            fx.member(wide, fx.person(null), role);
        }
        for (String role : List.of("admin", "admin", "developer", "developer", "read_only")) {
            fx.member(narrow, fx.person(null), role);
        }
        arranged.addAll(
                List.of(wide, narrow, "webhook-secrets", "*", "http://app.example.com", "https://app.example.com"));
        // Slots of its own: a run of a slot is one run, whichever test asked for it.
        Instant slot = Instant.parse("2027-05-01T03:15:00Z");
        webhookSecretsSetAt = Optional.of(slot.minus(Duration.ofDays(400)));
        corsOrigins = List.of("https://app.example.com", "*", "http://app.example.com", "http://localhost:5173");

        job(fx.budget()).invoke(at(slot));
        assertThat(open(SecurityScanJob.WIDE_ROLES))
                .singleElement()
                .satisfies(f -> assertThat(f.summary()).contains("3 of the 5 members"));
        assertThat(open(SecurityScanJob.WIDE_ROLES))
                .extracting(MaintenanceItems.Finding::subject)
                .containsExactly(wide);
        assertThat(open(SecurityScanJob.WEBHOOK_SECRET_OLD))
                .singleElement()
                .satisfies(f -> assertThat(f.summary()).contains("400 days ago"));
        assertThat(open(SecurityScanJob.CORS_WIDE))
                .extracting(MaintenanceItems.Finding::subject)
                .containsExactlyInAnyOrder("*", "http://app.example.com");

        // Secrets rotated, the origins narrowed: the next run resolves them.
        webhookSecretsSetAt = Optional.of(slot);
        corsOrigins = List.of("https://app.example.com");
        job(fx.budget()).invoke(at(slot.plus(Duration.ofDays(1))));
        assertThat(open(SecurityScanJob.WEBHOOK_SECRET_OLD)).isEmpty();
        assertThat(open(SecurityScanJob.CORS_WIDE)).isEmpty();
        assertThat(open(SecurityScanJob.WIDE_ROLES)).hasSize(1);
    }
}

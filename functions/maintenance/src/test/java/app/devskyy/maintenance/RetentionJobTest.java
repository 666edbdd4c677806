package app.devskyy.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.billing.BillingItems;
import app.devskyy.core.events.ScheduledJob;
import app.devskyy.core.privacy.RequestFiles;
import app.devskyy.core.testing.DynamoDbLocal;
import app.devskyy.llm.metering.LlmItems;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@ExtendWith(DynamoDbLocal.class)
class RetentionJobTest {

    private final MaintenanceFixture fx = new MaintenanceFixture();
    private final Instant slot = Instant.parse("2027-06-01T02:45:00Z");

    /** The GDPR bucket's keys the job deleted (RequestFiles.delete in the function). */
    private final List<String> deleted = new ArrayList<>();

    private RetentionJob job() {
        return new RetentionJob(
                fx.findings,
                fx.runs,
                fx.dynamoDb,
                "AuditTable",
                "LlmTable",
                "GdprTable",
                "BillingTable",
                Duration.ofDays(90),
                deleted::add,
                fx.notifier,
                fx.telemetry,
                fx.budget(),
                fx.clock);
    }

    private Map<String, AttributeValue> audit(String pk, Instant expiresAt) {
        Map<String, AttributeValue> key =
                Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(MaintenanceFixture.id("")));
        fx.dynamoDb.putItem(r -> r.tableName("AuditTable")
                .item(Map.of(
                        "pk", key.get("pk"),
                        "sk", key.get("sk"),
                        "action", AttributeValue.fromS("login"),
                        "expiresAt", AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond())))));
        return key;
    }

    private Map<String, AttributeValue> usage(String workspaceId, Instant at) {
        Map<String, AttributeValue> key = LlmItems.request(
                        workspaceId, at.toEpochMilli(), MaintenanceFixture.id("req_"))
                .attributes();
        fx.dynamoDb.putItem(r -> r.tableName("LlmTable")
                .item(Map.of(
                        "pk", key.get("pk"),
                        "sk", key.get("sk"),
                        "caller", AttributeValue.fromS("user:usr_someone"),
                        "costMicros", AttributeValue.fromN("1200"))));
        return key;
    }

    private Map<String, AttributeValue> item(String table, Map<String, AttributeValue> key) {
        return fx.dynamoDb
                .getItem(r -> r.tableName(table).key(key).consistentRead(true))
                .item();
    }

    @Test
    void expiredAuditEntriesGoAndOldUsageStopsNamingItsCallerOnce() {
        String pk = "USER#" + MaintenanceFixture.id("usr_");
        var expired = audit(pk, slot.minus(Duration.ofHours(3)));
        var kept = audit(pk, slot.plus(Duration.ofDays(30)));
        String workspace = MaintenanceFixture.id("ws_");
        var old = usage(workspace, slot.minus(Duration.ofDays(120)));
        var recent = usage(workspace, slot.minus(Duration.ofDays(10)));

        MaintenanceJob.Report report =
                job().invoke(new ScheduledJob.Schedule(slot.toString(), "e1", "arn", null, null));
        assertThat(item("AuditTable", expired)).isEmpty();
        assertThat(item("AuditTable", kept)).isNotEmpty();
        assertThat(item("LlmTable", old))
                .doesNotContainKey("caller")
                .containsEntry("costMicros", AttributeValue.fromN("1200"));
        assertThat(item("LlmTable", recent)).containsKey("caller");
        assertThat(report.changed()).isGreaterThanOrEqualTo(2);

        // A new slot finds nothing more of these to change.
        MaintenanceJob.Report next = job().invoke(
                        new ScheduledJob.Schedule(slot.plus(Duration.ofDays(1)).toString(), "e2", "arn", null, null));
        assertThat(item("LlmTable", recent)).containsKey("caller");
        assertThat(next.status()).isEqualTo(RunStore.COMPLETE);
    }

    private void request(String requestId, Instant archiveExpiresAt) {
        fx.dynamoDb.putItem(r -> r.tableName("GdprTable")
                .item(Map.of(
                        "pk", AttributeValue.fromS("REQ#" + requestId),
                        "sk", AttributeValue.fromS("REQUEST"),
                        "requestId", AttributeValue.fromS(requestId),
                        "status", AttributeValue.fromS("complete"),
                        "archiveExpiresAt", AttributeValue.fromN(Long.toString(archiveExpiresAt.toEpochMilli())))));
    }

    private String parked(String customer, Instant expiresAt) {
        String sk = "stripe#" + customer + "#evt_" + MaintenanceFixture.id("");
        fx.dynamoDb.putItem(r -> r.tableName("BillingTable")
                .item(Map.of(
                        "pk", AttributeValue.fromS(BillingItems.UNMATCHED),
                        "sk", AttributeValue.fromS(sk),
                        "event", AttributeValue.fromS("{}"),
                        "type", AttributeValue.fromS("invoice.paid"),
                        "parkedAt",
                                AttributeValue.fromN(Long.toString(
                                        expiresAt.minus(Duration.ofDays(90)).toEpochMilli())),
                        "expiresAt", AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond())))));
        return sk;
    }

    @Test
    void anArchivePastItsPeriodIsDeletedAndAParkedEventNearItsExpiryIsReportedOnce() {
        Instant day = Instant.parse("2027-07-01T02:45:00Z");
        String expired = MaintenanceFixture.id("dsr_");
        String current = MaintenanceFixture.id("dsr_");
        request(expired, day.minus(Duration.ofHours(20)));
        request(current, day.plus(Duration.ofDays(3)));
        String expiring = parked(MaintenanceFixture.id("cus_"), day.plus(Duration.ofDays(4)));
        String fresh = parked(MaintenanceFixture.id("cus_"), day.plus(Duration.ofDays(60)));

        job().invoke(new ScheduledJob.Schedule(day.toString(), "e3", "arn", null, null));
        assertThat(deleted).contains(RequestFiles.archive(expired)).doesNotContain(RequestFiles.archive(current));
        List<String> open = fx
                .findings
                .list(
                        Optional.of(RetentionJob.PARKED_EXPIRING),
                        Optional.empty(),
                        Optional.of(FindingStore.OPEN),
                        100,
                        Optional.empty())
                .findings()
                .stream()
                .map(MaintenanceItems.Finding::subject)
                .toList();
        assertThat(open).contains(expiring).doesNotContain(fresh);
        assertThat(fx.published).singleElement().asString().contains("expires in 4 day(s)");

        // The next day: still expiring, reported again as the same finding, told no second time.
        job().invoke(new ScheduledJob.Schedule(day.plus(Duration.ofDays(1)).toString(), "e4", "arn", null, null));
        assertThat(fx.published).hasSize(1);
        // Applied (gone from the parked events): the finding resolves.
        fx.dynamoDb.deleteItem(r -> r.tableName("BillingTable")
                .key(Map.of("pk", AttributeValue.fromS(BillingItems.UNMATCHED), "sk", AttributeValue.fromS(expiring))));
        job().invoke(new ScheduledJob.Schedule(day.plus(Duration.ofDays(2)).toString(), "e5", "arn", null, null));
        assertThat(fx.findings.find(MaintenanceItems.findingId(RetentionJob.PARKED_EXPIRING, expiring)))
                .get()
                .extracting(MaintenanceItems.Finding::state)
                .isEqualTo(FindingStore.RESOLVED);
    }
}

package app.devskyy.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.events.ScheduledJob;
import app.devskyy.core.testing.DynamoDbLocal;
import app.devskyy.llm.metering.LlmItems;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@ExtendWith(DynamoDbLocal.class)
class RetentionJobTest {

    private final MaintenanceFixture fx = new MaintenanceFixture();
    private final Instant slot = Instant.parse("2027-06-01T02:45:00Z");

    private RetentionJob job() {
        return new RetentionJob(
                fx.findings,
                fx.runs,
                fx.dynamoDb,
                "AuditTable",
                "LlmTable",
                Duration.ofDays(90),
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
}

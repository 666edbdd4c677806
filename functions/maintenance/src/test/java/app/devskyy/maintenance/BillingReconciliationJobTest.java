package app.devskyy.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.billing.BillingItems;
import app.devskyy.core.events.ScheduledJob;
import app.devskyy.core.testing.DynamoDbLocal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@ExtendWith(DynamoDbLocal.class)
class BillingReconciliationJobTest {

    private final MaintenanceFixture fx = new MaintenanceFixture();

    private void subscription(String workspaceId, String status, Instant periodEnd) {
        fx.dynamoDb.putItem(r -> r.tableName("BillingTable")
                .item(Map.of(
                        "pk", AttributeValue.fromS(BillingItems.workspace(workspaceId)),
                        "sk", AttributeValue.fromS(BillingItems.SUBSCRIPTION),
                        "provider", AttributeValue.fromS("stripe"),
                        "plan", AttributeValue.fromS("pro"),
                        "status", AttributeValue.fromS(status),
                        "currentPeriodEnd", AttributeValue.fromN(Long.toString(periodEnd.getEpochSecond())))));
    }

    private String state(String workspaceId) {
        return fx.findings
                .find(MaintenanceItems.findingId(BillingReconciliationJob.NOT_RENEWED, workspaceId))
                .map(MaintenanceItems.Finding::state)
                .orElse(null);
    }

    /** The events sent back to the webhook queue (the function sends them with SQS). */
    private final List<String> sent = new ArrayList<>();

    @Test
    void aPayingSubscriptionPastItsPeriodWithNoRenewalIsFlaggedUntilItRenews() {
        Instant slot = Instant.parse("2027-07-10T06:00:00Z");
        String lapsed = MaintenanceFixture.id("ws_");
        String current = MaintenanceFixture.id("ws_");
        String justEnded = MaintenanceFixture.id("ws_");
        String canceled = MaintenanceFixture.id("ws_");
        subscription(lapsed, "active", slot.minus(Duration.ofDays(5)));
        subscription(current, "active", slot.plus(Duration.ofDays(20)));
        subscription(justEnded, "active", slot.minus(Duration.ofHours(12)));
        subscription(canceled, "canceled", slot.minus(Duration.ofDays(40)));
        BillingReconciliationJob job = new BillingReconciliationJob(
                fx.findings,
                fx.runs,
                fx.dynamoDb,
                "BillingTable",
                sent::add,
                fx.notifier,
                fx.telemetry,
                fx.budget(),
                fx.clock);

        job.invoke(new ScheduledJob.Schedule(slot.toString(), "e1", "arn", null, null));
        assertThat(sent).as("no parked event has a linked customer here").isEmpty();
        assertThat(state(lapsed)).isEqualTo(FindingStore.OPEN);
        assertThat(state(current)).isNull();
        assertThat(state(justEnded)).as("within the renewal's grace").isNull();
        assertThat(state(canceled)).isNull();
        assertThat(fx.published).filteredOn(p -> p.contains(lapsed)).hasSize(1);

        subscription(lapsed, "active", slot.plus(Duration.ofDays(25)));
        job.invoke(new ScheduledJob.Schedule(slot.plus(Duration.ofDays(1)).toString(), "e2", "arn", null, null));
        assertThat(state(lapsed)).as("renewed: resolved").isEqualTo(FindingStore.RESOLVED);
    }
}

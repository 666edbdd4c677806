package app.devskyy.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.events.ScheduledJob;
import app.devskyy.core.testing.DynamoDbLocal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DynamoDbLocal.class)
class DeadLetterJobTest {

    private final MaintenanceFixture fx = new MaintenanceFixture();

    @Test
    void aQueueHoldingMessagesIsOneFindingToldOnceAndResolvedWhenItEmpties() {
        AtomicLong depth = new AtomicLong(3);
        String queue = "webhooks-" + MaintenanceFixture.id("");
        DeadLetterJob job = new DeadLetterJob(
                fx.findings,
                fx.runs,
                Map.of(queue, "https://sqs.us-east-1.amazonaws.com/123456789012/" + queue),
                url -> {
                    assertThat(url).endsWith("/" + queue);
                    return depth.get();
                },
                fx.notifier,
                fx.telemetry,
                fx.budget(),
                fx.clock);
        Instant slot = Instant.parse("2027-02-01T10:00:00Z");
        job.invoke(new ScheduledJob.Schedule(slot.toString(), "e1", "arn:aws:scheduler:test", null, null));
        job.invoke(new ScheduledJob.Schedule(slot.toString(), "e1-again", "arn:aws:scheduler:test", null, null));
        var finding = fx.findings
                .find(MaintenanceItems.findingId(DeadLetterJob.DEAD_LETTERS, queue))
                .orElseThrow();
        assertThat(finding.state()).isEqualTo(FindingStore.OPEN);
        assertThat(finding.summary()).startsWith("3 message(s)");
        assertThat(fx.published).singleElement().asString().contains(queue);

        // Still there five hours on: the same finding, which now says how long.
        job.invoke(new ScheduledJob.Schedule(
                slot.plus(Duration.ofHours(5)).toString(), "e5", "arn:aws:scheduler:test", null, null));
        assertThat(fx.findings.find(finding.findingId()).orElseThrow().summary())
                .isEqualTo("3 message(s) wait in the " + queue
                        + " dead-letter queue, which has held messages for 5 hour(s).");
        assertThat(fx.published).hasSize(1);

        depth.set(0);
        Instant later = slot.plus(Duration.ofHours(6));
        job.invoke(new ScheduledJob.Schedule(later.toString(), "e2", "arn:aws:scheduler:test", null, null));
        assertThat(fx.findings.find(finding.findingId()).orElseThrow().state()).isEqualTo(FindingStore.RESOLVED);
    }
}

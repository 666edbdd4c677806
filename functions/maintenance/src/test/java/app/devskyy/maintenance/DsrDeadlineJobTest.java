package app.devskyy.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.events.ScheduledJob;
import app.devskyy.core.privacy.OpenRequests;
import app.devskyy.core.testing.DynamoDbLocal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@ExtendWith(DynamoDbLocal.class)
class DsrDeadlineJobTest {

    private final MaintenanceFixture fx = new MaintenanceFixture();

    /** An open request in the GDPR table's queue, as the GDPR family writes it. */
    private String request(Instant dueAt, Instant extendedTo) {
        String id = "dsr_" + MaintenanceFixture.id("").substring(0, 28);
        long deadline = (extendedTo != null ? extendedTo : dueAt).toEpochMilli();
        Map<String, AttributeValue> item = new HashMap<>(Map.of(
                "pk", AttributeValue.fromS("REQ#" + id),
                "sk", AttributeValue.fromS("REQUEST"),
                "requestId", AttributeValue.fromS(id),
                "type", AttributeValue.fromS("access"),
                "status", AttributeValue.fromS("pending"),
                "dueAt", AttributeValue.fromN(Long.toString(dueAt.toEpochMilli())),
                "extendedTo", AttributeValue.fromN(extendedTo == null ? "0" : Long.toString(extendedTo.toEpochMilli())),
                "queue", AttributeValue.fromS(OpenRequests.OPEN),
                "queueKey", AttributeValue.fromS(OpenRequests.key(deadline, id))));
        fx.dynamoDb.putItem(r -> r.tableName("GdprTable").item(item));
        return id;
    }

    private String rule(String requestId) {
        for (String rule : List.of(DsrDeadlineJob.DUE_IN_WEEK, DsrDeadlineJob.DUE_IN_DAY, DsrDeadlineJob.OVERDUE)) {
            var finding = fx.findings.find(MaintenanceItems.findingId(rule, requestId));
            if (finding.isPresent() && !finding.get().state().equals(FindingStore.RESOLVED)) {
                return rule;
            }
        }
        return null;
    }

    @Test
    void eachMilestoneIsToldToThePrivacyAdminsOnceAndAnOverdueRequestIsEscalated() {
        fx.noPeople();
        String admin = fx.person("admin");
        fx.person(null);
        Instant slot = Instant.parse("2027-01-10T10:00:00Z");
        String week = request(slot.plus(Duration.ofDays(5)), null);
        String extended = request(slot.minus(Duration.ofDays(20)), slot.plus(Duration.ofHours(12)));
        String overdue = request(slot.minus(Duration.ofDays(2)), null);
        String later = request(slot.plus(Duration.ofDays(20)), null);
        DsrDeadlineJob job = new DsrDeadlineJob(
                fx.findings,
                fx.runs,
                fx.dynamoDb,
                "GdprTable",
                fx.directory,
                fx.notifier,
                fx.telemetry,
                fx.budget(),
                fx.clock);

        job.invoke(new ScheduledJob.Schedule(slot.toString(), "e1", "arn:aws:scheduler:test", null, null));
        assertThat(rule(week)).isEqualTo(DsrDeadlineJob.DUE_IN_WEEK);
        assertThat(rule(extended)).isEqualTo(DsrDeadlineJob.DUE_IN_DAY);
        assertThat(rule(overdue)).isEqualTo(DsrDeadlineJob.OVERDUE);
        assertThat(rule(later)).isNull();
        assertThat(fx.mails).hasSize(3).allSatisfy(m -> assertThat(m.to()).isEqualTo(admin + "@example.com"));
        assertThat(fx.mails).anySatisfy(m -> assertThat(m.text()).contains(extended, "extended"));
        assertThat(fx.published).singleElement().asString().contains(overdue);

        // An hour later: nothing new to tell. Then the week's request moves within a day.
        Instant hourLater = slot.plus(Duration.ofHours(1));
        job.invoke(new ScheduledJob.Schedule(hourLater.toString(), "e2", "arn:aws:scheduler:test", null, null));
        assertThat(fx.mails).hasSize(3);
        Instant fourDaysLater = slot.plus(Duration.ofDays(4)).plus(Duration.ofHours(12));
        job.invoke(new ScheduledJob.Schedule(fourDaysLater.toString(), "e3", "arn:aws:scheduler:test", null, null));
        assertThat(rule(week)).isEqualTo(DsrDeadlineJob.DUE_IN_DAY);
        assertThat(fx.findings.find(MaintenanceItems.findingId(DsrDeadlineJob.DUE_IN_WEEK, week)))
                .get()
                .extracting(MaintenanceItems.Finding::state)
                .isEqualTo(FindingStore.RESOLVED);
    }
}

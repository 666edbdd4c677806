package app.devskyy.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.events.ScheduledJob;
import app.devskyy.core.testing.DynamoDbLocal;
import app.devskyy.llm.metering.LlmItems;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@ExtendWith(DynamoDbLocal.class)
class SpendAnomalyJobTest {

    private final MaintenanceFixture fx = new MaintenanceFixture();

    private SpendAnomalyJob job() {
        return new SpendAnomalyJob(
                fx.findings,
                fx.runs,
                fx.dynamoDb,
                "LlmTable",
                fx.directory,
                fx.notifier,
                5,
                1_000_000,
                fx.telemetry,
                fx.budget(),
                fx.clock);
    }

    private static ScheduledJob.Schedule at(LocalDate dayAfter) {
        Instant slot = dayAfter.atTime(0, 30).toInstant(ZoneOffset.UTC);
        return new ScheduledJob.Schedule(slot.toString(), "exec", "arn:aws:scheduler:test", null, null);
    }

    /** A day's usage counter and the month's spend, as the LLM proxy's ledger writes them (ADD). */
    private void spent(String workspaceId, LocalDate day, long micros) {
        fx.dynamoDb.putItem(r -> r.tableName("LlmTable")
                .item(Map.of(
                        "pk", AttributeValue.fromS(LlmItems.workspace(workspaceId)),
                        "sk",
                                AttributeValue.fromS(
                                        LlmItems.usage(workspaceId, day.toString(), "openai:gpt", "user:u1")
                                                .sk()),
                        "day", AttributeValue.fromS(day.toString()),
                        "costMicros", AttributeValue.fromN(Long.toString(micros)))));
        fx.dynamoDb.updateItem(r -> r.tableName("LlmTable")
                .key(LlmItems.spend(workspaceId, day.toString().substring(0, 7), null)
                        .attributes())
                .updateExpression("ADD spent :m")
                .expressionAttributeValues(Map.of(":m", AttributeValue.fromN(Long.toString(micros)))));
    }

    private List<MaintenanceItems.Finding> anomalies(String workspaceId) {
        return fx
                .findings
                .list(
                        Optional.of(SpendAnomalyJob.SPEND_ANOMALY),
                        Optional.empty(),
                        Optional.empty(),
                        100,
                        Optional.empty())
                .findings()
                .stream()
                .filter(f -> f.subject().startsWith(workspaceId + ":"))
                .toList();
    }

    @Test
    void aSpikeYieldsOneAnomalyToldToTheAdminsAndTheNextOrdinaryDayNone() {
        String workspace = MaintenanceFixture.id("ws_");
        String admin = fx.person(null);
        fx.member(workspace, admin, "admin");
        LocalDate spike = LocalDate.parse("2027-03-20");
        for (int i = 28; i >= 1; i--) {
            spent(workspace, spike.minusDays(i), 2_000_000L + (i % 4) * 150_000L);
        }
        spent(workspace, spike, 25_000_000L);
        spent(workspace, spike.plusDays(1), 2_100_000L);

        job().invoke(at(spike.plusDays(1)));
        assertThat(anomalies(workspace)).singleElement().satisfies(f -> {
            assertThat(f.subject()).isEqualTo(workspace + ":" + spike);
            assertThat(f.summary()).contains("$25.00");
        });
        assertThat(fx.mails).singleElement().satisfies(m -> {
            assertThat(m.to()).isEqualTo(admin + "@example.com");
            assertThat(m.subject()).isEqualTo("Unusual LLM spend");
        });

        job().invoke(at(spike.plusDays(2)));
        assertThat(anomalies(workspace))
                .as("the baseline stays: the next ordinary day is no anomaly")
                .hasSize(1);
        assertThat(fx.mails).hasSize(1);
    }

    @Test
    void aBudgetAt80AndThen100PercentIsFoundOnceEachAndTheFirstGivesWay() {
        String workspace = MaintenanceFixture.id("ws_");
        fx.dynamoDb.putItem(r -> r.tableName("LlmTable")
                .item(Map.of(
                        "pk", AttributeValue.fromS(LlmItems.workspace(workspace)),
                        "sk", AttributeValue.fromS(LlmItems.BUDGET),
                        "monthlyMicros", AttributeValue.fromN("10000000"))));
        LocalDate day = LocalDate.parse("2027-05-10");
        spent(workspace, day, 8_500_000L);
        job().invoke(at(day.plusDays(1)));
        String subject = workspace + ":2027-05";
        assertThat(fx.findings.find(MaintenanceItems.findingId(SpendAnomalyJob.BUDGET_80, subject)))
                .get()
                .extracting(MaintenanceItems.Finding::state)
                .isEqualTo(FindingStore.OPEN);
        spent(workspace, day.plusDays(1), 2_000_000L);
        job().invoke(at(day.plusDays(2)));
        assertThat(fx.findings.find(MaintenanceItems.findingId(SpendAnomalyJob.BUDGET_100, subject)))
                .get()
                .satisfies(f -> {
                    assertThat(f.state()).isEqualTo(FindingStore.OPEN);
                    assertThat(f.severity()).isEqualTo("high");
                    assertThat(f.summary()).contains("105 %");
                });
        assertThat(fx.findings.find(MaintenanceItems.findingId(SpendAnomalyJob.BUDGET_80, subject)))
                .get()
                .extracting(MaintenanceItems.Finding::state)
                .isEqualTo(FindingStore.RESOLVED);
        assertThat(fx.published).filteredOn(p -> p.contains(workspace)).hasSize(2);
        // The same slot again changes nothing.
        job().invoke(at(day.plusDays(2)));
        assertThat(fx.published).filteredOn(p -> p.contains(workspace)).hasSize(2);
    }
}

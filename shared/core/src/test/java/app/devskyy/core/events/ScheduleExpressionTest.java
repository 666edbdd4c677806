package app.devskyy.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScheduleExpressionTest {

    @Test
    void ratesAndDailyAndHourlyCronsGiveTheNextTimeInUtc() {
        Instant at = Instant.parse("2026-12-01T10:20:30Z");
        assertThat(ScheduleExpression.parse("rate(1 hour)").next(at)).isEqualTo("2026-12-01T11:00:00Z");
        assertThat(ScheduleExpression.parse("rate(15 minutes)").next(at)).isEqualTo("2026-12-01T10:30:00Z");
        assertThat(ScheduleExpression.parse("cron(15 3 * * ? *)").next(at)).isEqualTo("2026-12-02T03:15:00Z");
        assertThat(ScheduleExpression.parse("cron(30 12 * * ? *)").next(at)).isEqualTo("2026-12-01T12:30:00Z");
        assertThat(ScheduleExpression.parse("cron(5 * * * ? *)").next(at)).isEqualTo("2026-12-01T11:05:00Z");
        assertThat(ScheduleExpression.parse("cron(15 3 * * ? *)").next(Instant.parse("2026-12-02T03:15:00Z")))
                .as("strictly after")
                .isEqualTo("2026-12-03T03:15:00Z");
    }

    @Test
    void whatSchedulerWouldReadOtherwiseIsRefused() {
        for (String other : new String[] {
            "cron(0 12 ? * MON-FRI *)", "rate(0 hours)", "at(2026-12-01T10:00:00)", "cron(60 1 * * ? *)"
        }) {
            assertThatThrownBy(() -> ScheduleExpression.parse(other)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}

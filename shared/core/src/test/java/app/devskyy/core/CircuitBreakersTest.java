package app.devskyy.core;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.CircuitBreakers.Permit;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reuse of closed readings from a shared store: two instances over one store. */
class CircuitBreakersTest {

    private static final Duration PROBE = Duration.ofSeconds(5);

    @Test
    void aClosedReadingIsReusedBrieflyAndAnInstancesOwnFailuresAreSeenAtOnce() throws Exception {
        CircuitBreakers.Store shared = CircuitBreakers.inInstance(Clock.systemUTC());
        Duration reuse = Duration.ofMillis(300);
        var first = new CircuitBreakers(
                CircuitBreakers.closedReadingsReused(shared, reuse), 2, Duration.ofMinutes(1), Duration.ofSeconds(30));
        var second = new CircuitBreakers(
                CircuitBreakers.closedReadingsReused(shared, reuse), 2, Duration.ofMinutes(1), Duration.ofSeconds(30));

        assertThat(first.check("openai", PROBE)).isEqualTo(Permit.ALLOWED);
        second.failed("openai", Permit.ALLOWED);
        second.failed("openai", Permit.ALLOWED);
        assertThat(second.check("openai", PROBE)).as("its own trip, at once").isEqualTo(Permit.REFUSED);
        assertThat(first.check("openai", PROBE))
                .as("the other instance's reading is still reused")
                .isEqualTo(Permit.ALLOWED);
        Thread.sleep(reuse.toMillis() + 50);
        assertThat(first.check("openai", PROBE))
                .as("read again after the reuse")
                .isEqualTo(Permit.REFUSED);

        // An open reading is never reused: the next check reads again.
        shared.delete(List.of("cb:openai:open", "cb:openai:tripped"));
        assertThat(first.check("openai", PROBE)).isEqualTo(Permit.ALLOWED);
    }
}

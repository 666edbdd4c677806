package app.devskyy.health;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.testing.MutableClock;
import app.devskyy.health.CheckResult.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.Assertions;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthServiceTest {

    /** Released at the end of each test, so that hanging checks do not outlive it. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseHangingChecks() {
        release.countDown();
    }

    record Probe(String name, ThrowingRunnable body, AtomicInteger calls) implements DependencyCheck {
        Probe(String name, ThrowingRunnable body) {
            this(name, body, new AtomicInteger());
        }

        @Override
        public String componentType() {
            return "datastore";
        }

        @Override
        public String target() {
            return "probe-target";
        }

        @Override
        public void probe(Duration timeout) throws Exception {
            calls.incrementAndGet();
            body.run();
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private HealthService service(List<DependencyCheck> checks, Clock clock) {
        return new HealthService(
                checks,
                Duration.ofMillis(300),
                Duration.ofMillis(400),
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                clock);
    }

    @Test
    void noDependenciesIsPass() {
        assertThat(service(List.of(), Clock.systemUTC()).readiness().status()).isEqualTo(Status.PASS);
    }

    @Test
    void aHangingDependencyFailsItsOwnCheckOnlyAndTheAnswerStillComes() {
        Probe hanging = new Probe("dynamodb:stuck", release::await);
        Probe healthy = new Probe("dynamodb:fine", () -> {});
        HealthService.Report report =
                service(List.of(hanging, healthy), Clock.systemUTC()).readiness();

        assertThat(report.status()).isEqualTo(Status.FAIL);
        assertThat(report.results())
                .extracting(CheckResult::name, CheckResult::status, CheckResult::output)
                .containsExactly(
                        Tuple.tuple("dynamodb:stuck", Status.FAIL, "timeout"),
                        Tuple.tuple("dynamodb:fine", Status.PASS, null));
    }

    @Test
    void aFailingDependencyReportsAGenericReasonNotItsException() {
        Probe broken = new Probe("upstash:redis", () -> {
            throw new IllegalStateException("connect to 10.0.0.12:6379 with password hunter2 failed");
        });
        CheckResult result = service(List.of(broken), Clock.systemUTC())
                .readiness()
                .results()
                .getFirst();
        assertThat(result.status()).isEqualTo(Status.FAIL);
        assertThat(result.output()).isEqualTo("unreachable");
    }

    @Test
    void aSlowButSuccessfulCheckWarns() {
        HealthService service = new HealthService(
                List.of(new Probe("slow", () -> Thread.sleep(30))),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                Duration.ZERO,
                Duration.ofMillis(1),
                Clock.systemUTC());
        HealthService.Report report = service.readiness();
        assertThat(report.status()).isEqualTo(Status.WARN);
        assertThat(report.results().getFirst().output()).isEqualTo("slow");
        assertThat(report.results().getFirst().observedMillis()).isPositive();
    }

    @Test
    void aReportIsReusedForAWhileSoFloodsDoNotReachTheDependencies() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
        Probe probe = new Probe("dynamodb:t", () -> {});
        HealthService service = service(List.of(probe), clock);
        service.readiness();
        service.readiness();
        clock.advance(Duration.ofMillis(1999));
        service.readiness();
        assertThat(probe.calls()).hasValue(1);
        clock.advance(Duration.ofMillis(2));
        service.readiness();
        assertThat(probe.calls()).hasValue(2);
    }

    @Test
    void aCheckTimeoutAboveTheDeadlineIsRefused() {
        Assertions.assertThatThrownBy(() -> new HealthService(
                        List.of(),
                        Duration.ofSeconds(3),
                        Duration.ofSeconds(2),
                        Duration.ZERO,
                        Duration.ZERO,
                        Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

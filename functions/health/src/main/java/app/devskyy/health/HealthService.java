package app.devskyy.health;

import app.devskyy.health.CheckResult.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the dependency checks side by side, each under its own timeout, and always answers within
 * the overall deadline: a hanging dependency fails its own check and holds up nothing else.
 *
 * <p>A report is reused for a short while, so that a flood of health requests cannot turn into a
 * flood of control-plane calls against the dependencies.
 */
public final class HealthService {

    /** Virtual threads: a check blocked on a dead socket costs no platform thread. */
    private static final ExecutorService EXECUTOR = Executors.newVirtualThreadPerTaskExecutor();

    private final List<DependencyCheck> checks;
    private final Duration checkTimeout;
    private final Duration deadline;
    private final Duration reuseFor;
    private final Duration warnAfter;
    private final Clock clock;
    private final AtomicReference<Report> last = new AtomicReference<>();

    /**
     * @param checkTimeout each check's own limit
     * @param deadline     the limit for all of them together
     * @param reuseFor     how long a report is served again before the checks run anew
     * @param warnAfter    a check that passes but takes longer than this reports {@code warn}
     */
    public HealthService(
            List<DependencyCheck> checks,
            Duration checkTimeout,
            Duration deadline,
            Duration reuseFor,
            Duration warnAfter,
            Clock clock) {
        if (checkTimeout.compareTo(deadline) > 0) {
            throw new IllegalArgumentException("a check's timeout cannot exceed the overall deadline");
        }
        this.checks = List.copyOf(checks);
        this.checkTimeout = checkTimeout;
        this.deadline = deadline;
        this.reuseFor = reuseFor;
        this.warnAfter = warnAfter;
        this.clock = clock;
    }

    /** The overall status and each check's result. */
    public record Report(Status status, List<CheckResult> results, Instant time) {}

    public Report readiness() {
        Report cached = last.get();
        Instant now = clock.instant();
        if (cached != null && cached.time().plus(reuseFor).isAfter(now)) {
            return cached;
        }
        Report report = runChecks();
        last.set(report);
        return report;
    }

    private Report runChecks() {
        long start = System.nanoTime();
        List<Future<CheckResult>> running = new ArrayList<>();
        for (DependencyCheck check : checks) {
            running.add(EXECUTOR.submit(() -> run(check)));
        }
        List<CheckResult> results = new ArrayList<>();
        Status overall = Status.PASS;
        for (int i = 0; i < checks.size(); i++) {
            DependencyCheck check = checks.get(i);
            long remaining = Math.min(checkTimeout.toNanos(), deadline.toNanos() - (System.nanoTime() - start));
            CheckResult result;
            try {
                result = running.get(i).get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                running.get(i).cancel(true);
                result = failed(
                        check, millisSince(start), "timeout", "no answer within " + checkTimeout.toMillis() + " ms");
            } catch (ExecutionException | InterruptedException e) {
                result = failed(check, millisSince(start), "error", e.getClass().getSimpleName());
            }
            results.add(result);
            overall = overall.and(result.status());
        }
        return new Report(overall, List.copyOf(results), clock.instant());
    }

    private CheckResult run(DependencyCheck check) {
        long start = System.nanoTime();
        try {
            check.probe(checkTimeout);
            double millis = millisSince(start);
            boolean slow = millis > warnAfter.toMillis();
            return new CheckResult(
                    check.name(),
                    check.componentType(),
                    slow ? Status.WARN : Status.PASS,
                    millis,
                    clock.instant(),
                    slow ? "slow" : null,
                    check.target(),
                    null);
        } catch (Exception e) {
            String message = e.getMessage() == null ? "" : ": " + e.getMessage();
            return failed(
                    check,
                    millisSince(start),
                    "unreachable",
                    e.getClass().getSimpleName() + (message.length() > 200 ? message.substring(0, 200) : message));
        }
    }

    private CheckResult failed(DependencyCheck check, double millis, String reason, String failure) {
        return new CheckResult(
                check.name(),
                check.componentType(),
                Status.FAIL,
                millis,
                clock.instant(),
                reason,
                check.target(),
                failure);
    }

    private static double millisSince(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 10_000.0) / 100.0;
    }
}

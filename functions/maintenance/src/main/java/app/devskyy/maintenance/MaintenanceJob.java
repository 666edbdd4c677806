package app.devskyy.maintenance;

import app.devskyy.core.Json;
import app.devskyy.core.events.ScheduledJob;
import app.devskyy.core.events.TransientFailure;
import app.devskyy.core.observability.Telemetry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A maintenance job: the core's {@link ScheduledJob} run in pages. A delivery claims its slot
 * ({@link RunStore#claim}); a slot already complete answers what it did and does nothing again.
 * Pages run until the job is done or its time budget is spent; then the cursor is kept and the
 * delivery fails with a transient failure, so that Scheduler's retry delivers the same slot again
 * and the run resumes where the last page ended. A complete run resolves the findings of its rules
 * that it did not see again, and reports items seen, changed and findings as metrics.
 */
abstract class MaintenanceJob extends ScheduledJob<MaintenanceJob.Report> {

    /** What a run did, as the job answers and the jobs route shows. */
    record Report(String job, String slot, String status, long seen, long changed, long findings) {}

    /** What a page did. */
    static final class Tally {
        long seen;
        long changed;
        long findings;

        /** Counts a finding that was recorded (new or again) and says whether it is news. */
        boolean found(FindingStore.Seen seen) {
            findings++;
            return seen.isNews();
        }
    }

    protected final FindingStore findings;
    private final RunStore runs;
    private final Telemetry telemetry;
    private final Duration budget;
    protected final Clock clock;

    protected MaintenanceJob(
            String name, FindingStore findings, RunStore runs, Telemetry telemetry, Duration budget, Clock clock) {
        super(name, telemetry);
        this.findings = findings;
        this.runs = runs;
        this.telemetry = telemetry;
        this.budget = budget;
        this.clock = clock;
    }

    /** The rules whose findings this job owns. */
    protected abstract Set<String> rules();

    /** One page of the run from {@code cursor} (null: the first); the next page's cursor, or null when done. */
    protected abstract String page(Instant slot, String cursor, Tally tally);

    @Override
    protected final Report run(Instant slot, Schedule schedule) {
        long now = clock.millis();
        Optional<MaintenanceItems.Run> claimed = runs.claim(
                name(),
                slot,
                schedule.executionId(),
                now,
                now + budget.toMillis() + Duration.ofMinutes(1).toMillis());
        if (claimed.isEmpty()) {
            throw new TransientFailure("RunHeld", "another delivery of this slot is running", null);
        }
        MaintenanceItems.Run run = claimed.get();
        if (run.status().equals(RunStore.COMPLETE)) {
            return report(run);
        }
        String cursor = run.cursor();
        long deadline = now + budget.toMillis();
        do {
            Tally tally = new Tally();
            cursor = page(slot, cursor, tally);
            runs.progress(name(), slot, cursor, tally.seen, tally.changed, tally.findings);
        } while (cursor != null && clock.millis() < deadline);
        if (cursor != null) {
            throw new TransientFailure(
                    "Unfinished", "the run's time budget is spent; the next delivery resumes it", null);
        }
        int resolved = findings.resolveUnseen(rules(), slot.toEpochMilli());
        runs.complete(name(), slot, resolved, clock.millis());
        MaintenanceItems.Run done = runs.run(name(), slot).orElseThrow();
        telemetry.job(name(), done.seen(), done.changed(), done.findings());
        return report(done);
    }

    /** What follows a phase's marker in a cursor ({@code keys|<key>}); null at the phase's start. */
    protected static String after(String cursor, String phase) {
        return cursor == null || cursor.length() <= phase.length() ? null : cursor.substring(phase.length());
    }

    /** A DynamoDB key as the cursor of the next page: string attributes only, as every key here is. */
    static String cursor(Map<String, AttributeValue> lastKey) {
        if (lastKey == null || lastKey.isEmpty()) {
            return null;
        }
        Map<String, String> key = new LinkedHashMap<>();
        lastKey.forEach((name, value) -> key.put(name, value.s()));
        return Json.write(key);
    }

    static Optional<Map<String, AttributeValue>> start(String cursor) {
        if (cursor == null) {
            return Optional.empty();
        }
        Map<String, AttributeValue> key = new HashMap<>();
        Json.tree(cursor.getBytes(StandardCharsets.UTF_8))
                .properties()
                .forEach(field -> key.put(
                        field.getKey(), AttributeValue.fromS(field.getValue().asString())));
        return Optional.of(key);
    }

    private Report report(MaintenanceItems.Run run) {
        return new Report(run.job(), run.slot(), run.status(), run.seen(), run.changed(), run.findings());
    }
}

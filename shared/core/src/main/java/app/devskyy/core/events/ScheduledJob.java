package app.devskyy.core.events;

import app.devskyy.core.observability.Telemetry;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A job that a schedule runs: an EventBridge Scheduler target, or an EventBridge rule's
 * {@code Scheduled Event}. The job is handed the time it was scheduled for, not the time it
 * happens to run, so that it can be idempotent on it: a retried or doubled delivery of the same
 * slot finds its own earlier work (a conditional write keyed on the slot) and does nothing twice.
 * The scheduled time is also the correlation id of its log lines.
 *
 * <p>Scheduler passes what the target's {@code Input} says; the template gives every job
 * {@code {"scheduledTime": "<aws.scheduler.scheduled-time>", "executionId":
 * "<aws.scheduler.execution-id>", "scheduleArn": "<aws.scheduler.schedule-arn>"}}. A rule's event
 * carries {@code time} instead.
 */
public abstract class ScheduledJob<O> extends EventFunction<ScheduledJob.Schedule, O> {

    /** What a schedule delivers; {@code time} and {@code id} are an EventBridge rule's fields. */
    public record Schedule(String scheduledTime, String executionId, String scheduleArn, String time, String id) {

        /** The slot this run is for; a permanent failure when the event names none. */
        public Instant slot() {
            String value = scheduledTime != null ? scheduledTime : time;
            if (value == null) {
                throw new PermanentFailure("NoScheduledTime", "the event names no scheduled time");
            }
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new PermanentFailure("NoScheduledTime", "the scheduled time is not an ISO-8601 instant");
            }
        }
    }

    protected ScheduledJob(String name, Telemetry telemetry) {
        super(name, Schedule.class, telemetry);
    }

    @Override
    protected String correlationId(Schedule schedule) {
        return name() + "@" + (schedule.scheduledTime() != null ? schedule.scheduledTime() : schedule.time());
    }

    @Override
    protected final O handle(Schedule schedule) {
        return run(schedule.slot(), schedule);
    }

    /** Does the job for the slot; doing it twice for one slot must change nothing the first run did not. */
    protected abstract O run(Instant slot, Schedule schedule);
}

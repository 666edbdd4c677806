package app.devskyy.core.events;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of EventBridge Scheduler's expressions the template uses, in UTC: {@code rate(N
 * minutes|hours|days)} and the daily or hourly {@code cron(M H * * ? *)} ({@code H} may be
 * {@code *}). What the jobs route shows as the next run and the local server fires on its clock;
 * any other expression is refused, so that the two never disagree with Scheduler.
 */
public record ScheduleExpression(String expression, Duration rate, int minute, int hour) {

    private static final Pattern RATE = Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours|day|days)\\)");
    private static final Pattern CRON = Pattern.compile("cron\\((\\d{1,2}) (\\d{1,2}|\\*) \\* \\* \\? \\*\\)");

    public static ScheduleExpression parse(String expression) {
        Matcher rate = RATE.matcher(expression);
        if (rate.matches()) {
            long n = Long.parseLong(rate.group(1));
            Duration every = switch (rate.group(2)) {
                case "minute", "minutes" -> Duration.ofMinutes(n);
                case "hour", "hours" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            if (every.isZero()) {
                throw new IllegalArgumentException("a rate of zero: " + expression);
            }
            return new ScheduleExpression(expression, every, -1, -1);
        }
        Matcher cron = CRON.matcher(expression);
        if (cron.matches()) {
            int minute = Integer.parseInt(cron.group(1));
            int hour = cron.group(2).equals("*") ? -1 : Integer.parseInt(cron.group(2));
            if (minute > 59 || hour > 23) {
                throw new IllegalArgumentException("no such time: " + expression);
            }
            return new ScheduleExpression(expression, null, minute, hour);
        }
        throw new IllegalArgumentException("unsupported schedule expression: " + expression);
    }

    /**
     * The first scheduled time after {@code after}. A rate counts from the epoch (Scheduler counts
     * from the schedule's creation; the local server and the jobs route only need the cadence).
     */
    public Instant next(Instant after) {
        if (rate != null) {
            long periods = after.toEpochMilli() / rate.toMillis() + 1;
            return Instant.ofEpochMilli(periods * rate.toMillis());
        }
        ZonedDateTime at =
                after.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).withMinute(minute);
        if (hour >= 0) {
            at = at.withHour(hour);
        }
        while (!at.toInstant().isAfter(after)) {
            at = hour >= 0 ? at.plusDays(1) : at.plusHours(1);
        }
        return at.toInstant();
    }
}

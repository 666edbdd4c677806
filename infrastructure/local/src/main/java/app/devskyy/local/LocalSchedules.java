package app.devskyy.local;

import app.devskyy.core.events.ScheduleExpression;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The template's {@code ScheduleV2} events, locally. With {@code --schedules on} (or
 * {@code LOCAL_SCHEDULES=on}) each fires on this server's clock, its {@code Input} filled in as
 * Scheduler fills it ({@code <aws.scheduler.scheduled-time>} and the rest); off by default, so that
 * a developer's data is not scanned unasked. {@code /docs/jobs} lists them with their next time and
 * a button that runs one now (for the current second), as the maintenance route does in AWS.
 */
final class LocalSchedules implements HttpHandler {

    static final String PATH = "/docs/jobs";

    private static final Logger LOG = LoggerFactory.getLogger(LocalSchedules.class);

    private final List<SamTemplate.Schedule> schedules;
    private final LocalLambda lambda;
    private final Clock clock;

    LocalSchedules(List<SamTemplate.Schedule> schedules, LocalLambda lambda, Clock clock) {
        this.schedules = List.copyOf(schedules);
        this.lambda = lambda;
        this.clock = clock;
    }

    /** Starts one virtual thread per schedule, each sleeping until its next time. */
    void start() {
        for (SamTemplate.Schedule schedule : schedules) {
            ScheduleExpression expression = ScheduleExpression.parse(schedule.expression());
            Thread.ofVirtual().name("schedule-" + schedule.functionId()).start(() -> {
                while (true) {
                    Instant next = expression.next(clock.instant());
                    try {
                        Thread.sleep(Duration.between(clock.instant(), next).plusMillis(5));
                    } catch (InterruptedException stopped) {
                        return;
                    }
                    fire(schedule, next);
                }
            });
            LOG.info("schedule {} on {} is on", schedule.expression(), schedule.functionId());
        }
    }

    /** Delivers the schedule's input for {@code slot}, as Scheduler does; the outcome is only logged. */
    void fire(SamTemplate.Schedule schedule, Instant slot) {
        String input = schedule.input()
                .replace("<aws.scheduler.scheduled-time>", slot.toString())
                .replace("<aws.scheduler.execution-id>", UUID.randomUUID().toString())
                .replace(
                        "<aws.scheduler.schedule-arn>",
                        "arn:aws:scheduler:us-east-1:000000000000:schedule/default/" + schedule.functionId());
        try {
            lambda.invoke(schedule.functionId(), input.getBytes(StandardCharsets.UTF_8));
        } catch (LocalLambda.FunctionError failed) {
            LOG.warn("the scheduled run of {} for {} failed ({})", schedule.functionId(), slot, failed.errorType);
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (exchange.getRequestMethod().equals("POST") && path.startsWith(PATH + "/") && path.endsWith("/run")) {
                String function = path.substring(PATH.length() + 1, path.length() - "/run".length());
                var schedule = schedules.stream()
                        .filter(s -> s.functionId().equals(function))
                        .findFirst();
                if (schedule.isEmpty()) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                Instant slot = clock.instant().truncatedTo(ChronoUnit.SECONDS);
                Thread.ofVirtual().start(() -> fire(schedule.get(), slot));
                exchange.getResponseHeaders().add("Location", PATH);
                exchange.sendResponseHeaders(303, -1);
                return;
            }
            if (!exchange.getRequestMethod().equals("GET") || !(path.equals(PATH) || path.equals(PATH + "/"))) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            StringBuilder html = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                    + "<title>Jobs</title><style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem}"
                    + "td,th{padding:.25rem .75rem;text-align:left}</style></head><body><h1>Scheduled jobs</h1>"
                    + "<p>The template's schedules. Their findings are at <code>GET /api/v1/maintenance/findings</code>"
                    + " (platform admins). <a href=\"/docs\">API docs</a></p><table><tr><th>function</th>"
                    + "<th>schedule (UTC)</th><th>next</th><th></th></tr>");
            for (SamTemplate.Schedule schedule : schedules) {
                html.append("<tr><td>")
                        .append(schedule.functionId())
                        .append("</td><td><code>")
                        .append(schedule.expression())
                        .append("</code></td><td>")
                        .append(ScheduleExpression.parse(schedule.expression()).next(clock.instant()))
                        .append("</td><td><form method=\"post\" action=\"")
                        .append(PATH + "/" + schedule.functionId() + "/run")
                        .append("\"><button>Run now</button></form></td></tr>");
            }
            byte[] body = html.append("</table></body></html>").toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }
}

package app.devskyy.maintenance;

import app.devskyy.core.Json;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.auth.Role;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.HttpRequest;
import app.devskyy.core.http.HttpResponse;
import app.devskyy.core.http.Paging;
import app.devskyy.core.http.Router;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The platform admins' view of maintenance ({@code /api/v1/maintenance}): findings (filtered by
 * rule, severity and state, last seen first), acknowledging one, the jobs with their last and next
 * run, running a job now (an asynchronous invocation of its function for the current second,
 * audited), and moving a dead-letter queue's messages back to their source (audited). Platform role {@code admin} or above; an API key needs it too.
 */
final class MaintenanceRoutes {

    record FindingView(
            String id,
            String rule,
            String severity,
            String subject,
            String summary,
            String state,
            Instant firstSeenAt,
            Instant lastSeenAt,
            Instant resolvedAt,
            String acknowledgedBy,
            Instant acknowledgedAt) {

        static FindingView of(MaintenanceItems.Finding f) {
            return new FindingView(
                    f.findingId(),
                    f.rule(),
                    f.severity(),
                    f.subject(),
                    f.summary(),
                    f.state(),
                    Instant.ofEpochMilli(f.firstSeenAt()),
                    Instant.ofEpochMilli(f.lastSeenAt()),
                    f.resolvedAt() > 0 ? Instant.ofEpochMilli(f.resolvedAt()) : null,
                    f.acknowledgedBy(),
                    f.acknowledgedAt() > 0 ? Instant.ofEpochMilli(f.acknowledgedAt()) : null);
        }
    }

    record FindingPage(List<FindingView> findings, String nextCursor) {}

    record RunView(
            Instant slot, String status, long seen, long changed, long findings, Instant startedAt, Instant endedAt) {}

    record JobView(String name, String description, String schedule, RunView lastRun, Instant nextRunAt) {}

    record JobList(List<JobView> jobs) {}

    record Started(String job, Instant slot) {}

    record Redrive(String queue, String taskHandle) {}

    static final Set<String> RULES = Set.of(
            SecurityScanJob.ADMIN_WITHOUT_MFA,
            SecurityScanJob.API_KEY_UNUSED,
            SecurityScanJob.API_KEY_NO_EXPIRY,
            SecurityScanJob.WIDE_ROLES,
            SecurityScanJob.FORGED_WEBHOOKS,
            SecurityScanJob.CREDENTIAL_STUFFING,
            SecurityScanJob.LOCKOUT_SPIKE,
            SecurityScanJob.SIGNING_KEY_OLD,
            SecurityScanJob.WEBHOOK_SECRET_OLD,
            SecurityScanJob.CORS_WIDE,
            SpendAnomalyJob.SPEND_ANOMALY,
            SpendAnomalyJob.BUDGET_80,
            SpendAnomalyJob.BUDGET_100,
            DsrDeadlineJob.DUE_IN_WEEK,
            DsrDeadlineJob.DUE_IN_DAY,
            DsrDeadlineJob.OVERDUE,
            DeadLetterJob.DEAD_LETTERS,
            RetentionJob.PARKED_EXPIRING,
            BillingReconciliationJob.NOT_RENEWED,
            AgentRunsJob.APPROVAL_EXPIRING);

    private static final Set<String> SEVERITIES = Set.of("low", "medium", "high");
    private static final Set<String> STATES =
            Set.of(FindingStore.OPEN, FindingStore.ACKNOWLEDGED, FindingStore.RESOLVED);

    private final FindingStore findings;
    private final RunStore runs;
    private final BiConsumer<String, String> invokeAsync;
    private final Function<String, Optional<String>> redrive;
    private final Authenticator authenticator;
    private final AuditLog audit;
    private final Clock clock;

    MaintenanceRoutes(
            FindingStore findings,
            RunStore runs,
            BiConsumer<String, String> invokeAsync,
            Function<String, Optional<String>> redrive,
            Authenticator authenticator,
            AuditLog audit,
            Clock clock) {
        this.findings = findings;
        this.runs = runs;
        this.invokeAsync = invokeAsync;
        this.redrive = redrive;
        this.authenticator = authenticator;
        this.audit = audit;
        this.clock = clock;
    }

    Router.Builder addTo(Router.Builder router) {
        String base = "/api/v1/maintenance";
        return router.get(base + "/findings", this::list)
                .post(base + "/findings/{findingId}/acknowledge", this::acknowledge)
                .get(base + "/jobs", this::jobs)
                .post(base + "/jobs/{job}/run", this::run)
                .post(base + "/dead-letters/{queue}/redrive", this::redrive);
    }

    private Principal admin(HttpRequest request) {
        Principal principal = authenticator.authenticate(request);
        Authenticator.requirePlatformRole(principal, Role.ADMIN);
        return principal;
    }

    private HttpResponse list(HttpRequest request) {
        admin(request);
        Optional<String> rule = request.query("rule").map(r -> oneOf(r, RULES, "rule"));
        Optional<String> severity = request.query("severity").map(s -> oneOf(s, SEVERITIES, "severity"));
        Optional<String> state = request.query("state").map(s -> oneOf(s, STATES, "state"));
        Optional<String> after = Paging.after(request);
        String shape =
                rule.isPresent() ? "(open|acknowledged|resolved)#\\d{13}#fnd_[0-9a-f]{28}" : "\\d{13}#fnd_[0-9a-f]{28}";
        if (after.isPresent() && !after.get().matches(shape)) {
            throw ApiProblem.badRequest("The cursor is not one this API issued for these filters.");
        }
        FindingStore.Page page = findings.list(rule, severity, state, Paging.limit(request), after);
        return HttpResponse.ok(
                new FindingPage(page.findings().stream().map(FindingView::of).toList(), page.nextCursor()));
    }

    private static String oneOf(String value, Set<String> allowed, String name) {
        if (!allowed.contains(value)) {
            throw ApiProblem.badRequest("The " + name + " is one of "
                    + String.join(", ", allowed.stream().sorted().toList()) + ".");
        }
        return value;
    }

    private HttpResponse acknowledge(HttpRequest request) {
        Principal admin = admin(request);
        String id = request.pathId("findingId");
        MaintenanceItems.Finding before = findings.find(id).orElseThrow(() -> ApiProblem.notFound("No such finding."));
        if (!before.state().equals(FindingStore.OPEN)) {
            throw ApiProblem.of(409, "not-open", "Not open", "The finding is " + before.state() + ".");
        }
        MaintenanceItems.Finding after =
                findings.acknowledge(id, admin.userId(), clock.millis()).orElseThrow();
        audit.system(
                "maintenance",
                "finding.acknowledged:" + before.rule(),
                "success",
                admin.userId(),
                AuditLog.Origin.of(request));
        return HttpResponse.ok(FindingView.of(after));
    }

    private HttpResponse jobs(HttpRequest request) {
        admin(request);
        Instant now = clock.instant();
        return HttpResponse.ok(new JobList(JobCatalog.JOBS.stream()
                .map(job -> new JobView(
                        job.name(),
                        job.description(),
                        job.schedule(),
                        runs.latest(job.name())
                                .map(r -> new RunView(
                                        Instant.parse(r.slot()),
                                        r.status(),
                                        r.seen(),
                                        r.changed(),
                                        r.findings(),
                                        Instant.ofEpochMilli(r.startedAt()),
                                        r.endedAt() > 0 ? Instant.ofEpochMilli(r.endedAt()) : null))
                                .orElse(null),
                        job.expression().next(now)))
                .toList()));
    }

    private HttpResponse run(HttpRequest request) {
        Principal admin = admin(request);
        JobCatalog.Job job =
                JobCatalog.job(request.pathParameter("job")).orElseThrow(() -> ApiProblem.notFound("No such job."));
        Instant slot = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        invokeAsync.accept(
                job.function(), Json.write(Map.of("scheduledTime", slot.toString(), "executionId", "manual")));
        audit.system("maintenance", "job.run:" + job.name(), "success", admin.userId(), AuditLog.Origin.of(request));
        return HttpResponse.json(202, new Started(job.name(), slot));
    }

    /** Moves a dead-letter queue's messages back to their source queue (an SQS message move task), audited. */
    private HttpResponse redrive(HttpRequest request) {
        Principal admin = admin(request);
        String queue = request.pathParameter("queue");
        String task = redrive.apply(queue).orElseThrow(() -> ApiProblem.notFound("No such dead-letter queue."));
        audit.system(
                "maintenance", "dead-letters.redrive:" + queue, "success", admin.userId(), AuditLog.Origin.of(request));
        return HttpResponse.json(202, new Redrive(queue, task));
    }
}

package app.devskyy.health;

import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.Role;
import app.devskyy.core.http.HttpResponse;
import app.devskyy.core.http.Router;
import app.devskyy.health.CheckResult.Status;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/** The health family's routes, answering in {@code application/health+json}. */
public final class HealthRoutes {

    static final String HEALTH_JSON = "application/health+json";

    private final HealthService health;
    private final BuildInfo build;
    private final Authenticator authenticator;
    private final Optional<LongSupplier> overdueRequests;

    public HealthRoutes(HealthService health, BuildInfo build, Authenticator authenticator) {
        this(health, build, authenticator, Optional.empty());
    }

    /** With {@code overdueRequests}, the detailed document also counts overdue data subject requests. */
    public HealthRoutes(
            HealthService health,
            BuildInfo build,
            Authenticator authenticator,
            Optional<LongSupplier> overdueRequests) {
        this.health = health;
        this.build = build;
        this.authenticator = authenticator;
        this.overdueRequests = overdueRequests;
    }

    public Router router() {
        return Router.builder()
                .get("/health", request -> document(health.readiness(), false))
                .get("/health/ready", request -> document(health.readiness(), false))
                .get("/health/live", request -> live())
                .get("/health/detailed", request -> {
                    Authenticator.requirePlatformRole(authenticator.authenticate(request), Role.ADMIN);
                    return document(health.readiness(), true);
                })
                .get("/version", request -> HttpResponse.ok(build))
                .build();
    }

    /** Liveness: the process answers. It touches no dependency, so it is always cheap. */
    private HttpResponse live() {
        Map<String, Object> body = header(Status.PASS);
        return HttpResponse.json(200, HEALTH_JSON, body);
    }

    /** The health document; {@code detailed} adds each check's target and failure, for administrators. */
    private HttpResponse document(HealthService.Report report, boolean detailed) {
        Map<String, Object> body = header(report.status());
        Map<String, List<Map<String, Object>>> checks = new LinkedHashMap<>();
        for (CheckResult result : report.results()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("componentType", result.componentType());
            entry.put("observedValue", result.observedMillis());
            entry.put("observedUnit", "ms");
            entry.put("status", result.status().wire());
            entry.put("time", result.time().toString());
            if (result.output() != null) {
                entry.put("output", detailed && result.failure() != null ? result.failure() : result.output());
            }
            if (detailed) {
                entry.put("componentId", result.target());
            }
            checks.put(result.name() + ":responseTime", List.of(entry));
        }
        if (detailed) {
            overdueRequests.ifPresent(count -> checks.put("gdpr:overdueRequests", List.of(overdueRequests(count))));
        }
        body.put("checks", checks);
        // 200 on pass or warn (still serving), 503 on fail so that load balancers and probes react.
        return HttpResponse.json(report.status() == Status.FAIL ? 503 : 200, HEALTH_JSON, body);
    }

    /**
     * Adds {@code gdpr:overdueRequests} to the detailed document: {@code warn} when any data subject
     * request is past its deadline. A measurement for administrators, not a dependency: it never
     * changes the document's status, and a count that cannot be read is reported, not failed.
     */
    private Map<String, Object> overdueRequests(LongSupplier count) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("componentType", "component");
        entry.put("observedUnit", "requests");
        entry.put("time", Instant.now().toString());
        try {
            long overdue = count.getAsLong();
            entry.put("observedValue", overdue);
            entry.put("status", overdue > 0 ? Status.WARN.wire() : Status.PASS.wire());
            if (overdue > 0) {
                entry.put("output", "data subject requests past their deadline (GET /api/v1/gdpr/admin/requests)");
            }
        } catch (RuntimeException unavailable) {
            entry.put("status", Status.WARN.wire());
            entry.put("output", "the count could not be read");
        }
        return entry;
    }

    private Map<String, Object> header(Status status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.wire());
        body.put("version", build.majorVersion());
        body.put("releaseId", build.version());
        body.put("serviceId", "devskyy-serverless");
        body.put("description", "DevSkyy Serverless API");
        return body;
    }
}

package app.devskyy.health;

import app.devskyy.core.http.HttpResponse;
import app.devskyy.core.http.Router;
import app.devskyy.health.CheckResult.Status;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The health family's routes, answering in {@code application/health+json}. */
public final class HealthRoutes {

    static final String HEALTH_JSON = "application/health+json";

    private final HealthService health;
    private final BuildInfo build;

    public HealthRoutes(HealthService health, BuildInfo build) {
        this.health = health;
        this.build = build;
    }

    public Router router() {
        return Router.builder()
                .get("/health", request -> document(health.readiness()))
                .get("/health/ready", request -> document(health.readiness()))
                .get("/health/live", request -> live())
                .get("/version", request -> HttpResponse.ok(build))
                .build();
    }

    /** Liveness: the process answers. It touches no dependency, so it is always cheap. */
    private HttpResponse live() {
        Map<String, Object> body = header(Status.PASS);
        return HttpResponse.json(200, HEALTH_JSON, body);
    }

    private HttpResponse document(HealthService.Report report) {
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
                entry.put("output", result.output());
            }
            checks.put(result.name() + ":responseTime", List.of(entry));
        }
        body.put("checks", checks);
        // 200 on pass or warn (still serving), 503 on fail so that load balancers and probes react.
        return HttpResponse.json(report.status() == Status.FAIL ? 503 : 200, HEALTH_JSON, body);
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

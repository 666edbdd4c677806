package app.devskyy.core.observability;

import app.devskyy.core.config.Config;
import com.amazonaws.services.lambda.runtime.Context;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Powertools, wired through its functional API (no AspectJ weaving): JSON logs carrying the
 * Lambda request id and cold-start flag for the duration of an invocation, and one EMF record per
 * request with the route as dimension.
 *
 * <p>{@code DEVSKYY_METRICS=off} silences EMF output (the local server uses it: EMF on a
 * terminal is noise).
 */
public final class Telemetry {

    private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);

    private final boolean metricsEnabled;
    private final Metrics metrics;

    public Telemetry(Config config) {
        this.metricsEnabled = config.flag("DEVSKYY_METRICS", true);
        this.metrics = MetricsFactory.getMetricsInstance();
        metrics.setNamespace(config.string("POWERTOOLS_METRICS_NAMESPACE", "DevSkyy"));
    }

    /** Runs one invocation with the Lambda context in the logging context. */
    public <T> T invocation(Context context, Supplier<T> work) {
        return context == null ? work.get() : PowertoolsLogging.withLogging(context, work);
    }

    /**
     * Records one answered HTTP request: count, latency, and whether it was a 4xx or a 5xx.
     * Metrics never cost a caller its answer: a failure to record is logged and dropped.
     */
    public void request(String method, String routeTemplate, int status, double latencyMillis) {
        if (!metricsEnabled) {
            return;
        }
        try {
            metrics.flushMetrics(m -> {
                m.addDimension("Route", routeDimension(method, routeTemplate));
                m.addMetric("Requests", 1, MetricUnit.COUNT);
                m.addMetric("Latency", latencyMillis, MetricUnit.MILLISECONDS);
                m.addMetric("ClientErrors", status >= 400 && status < 500 ? 1 : 0, MetricUnit.COUNT);
                m.addMetric("ServerErrors", status >= 500 ? 1 : 0, MetricUnit.COUNT);
            });
        } catch (RuntimeException e) {
            LOG.warn(
                    "metrics for {} not recorded: {}",
                    routeTemplate,
                    e.getClass().getName());
        }
    }

    /**
     * Records one invocation of an event function (queue batch, task, job): count, latency, and
     * whether it failed. The outcome is {@code ok} or the failure's type, never its message.
     */
    public void event(String function, String outcome, double latencyMillis) {
        if (!metricsEnabled) {
            return;
        }
        try {
            metrics.flushMetrics(m -> {
                m.addDimension("Function", function);
                m.addMetric("Invocations", 1, MetricUnit.COUNT);
                m.addMetric("Latency", latencyMillis, MetricUnit.MILLISECONDS);
                m.addMetric("Failures", "ok".equals(outcome) ? 0 : 1, MetricUnit.COUNT);
            });
        } catch (RuntimeException e) {
            LOG.warn("metrics for {} not recorded: {}", function, e.getClass().getName());
        }
    }

    /** What one run of a scheduled job did: items it looked at, items it changed, findings it recorded. */
    public void job(String job, long seen, long changed, long findings) {
        if (!metricsEnabled) {
            return;
        }
        try {
            metrics.flushMetrics(m -> {
                m.addDimension("Job", job);
                m.addMetric("ItemsSeen", seen, MetricUnit.COUNT);
                m.addMetric("ItemsChanged", changed, MetricUnit.COUNT);
                m.addMetric("Findings", findings, MetricUnit.COUNT);
            });
        } catch (RuntimeException e) {
            LOG.warn("metrics for {} not recorded: {}", job, e.getClass().getName());
        }
    }

    /** EMF dimension values may not contain white space: {@code GET:/items/{id}}. */
    static String routeDimension(String method, String routeTemplate) {
        return method + ":" + routeTemplate;
    }
}

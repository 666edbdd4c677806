package app.devskyy.health;

import java.time.Duration;

/** One dependency the deployment is configured with, checked by {@code GET /health/ready}. */
public interface DependencyCheck {

    /** The key of the check in the health document, such as {@code dynamodb:idempotency}. */
    String name();

    /** The health+json component type: {@code datastore}, {@code component} or {@code system}. */
    String componentType();

    /** What exactly is probed (a table name, a host), shown to administrators only. */
    String target();

    /**
     * Probes the dependency within {@code timeout}. Returns normally when it answered well and
     * throws otherwise; the caller measures the time and applies the deadline.
     */
    void probe(Duration timeout) throws Exception;
}

package app.devskyy.agents;

import java.util.Set;

/**
 * A run's statuses. {@code starting} until its execution is accepted, {@code running} and
 * {@code awaiting_approval} while it lives; every other status is an ending, each with its own
 * name so that no run ends silently: a limit ({@code limit_exceeded}, with the limit in
 * {@code reason}), the budget, a person ({@code cancelled}, {@code rejected}), time
 * ({@code expired}), success, or failure ({@code failed}, retryable when an outage outlasted the
 * state machine's retries).
 */
final class RunStatus {

    static final String STARTING = "starting";
    static final String RUNNING = "running";
    static final String AWAITING_APPROVAL = "awaiting_approval";
    static final String SUCCEEDED = "succeeded";
    static final String FAILED = "failed";
    static final String CANCELLED = "cancelled";
    static final String REJECTED = "rejected";
    static final String EXPIRED = "expired";
    static final String BUDGET_EXHAUSTED = "budget_exhausted";
    static final String LIMIT_EXCEEDED = "limit_exceeded";

    static final Set<String> ACTIVE = Set.of(STARTING, RUNNING, AWAITING_APPROVAL);
    static final Set<String> ALL = Set.of(
            STARTING,
            RUNNING,
            AWAITING_APPROVAL,
            SUCCEEDED,
            FAILED,
            CANCELLED,
            REJECTED,
            EXPIRED,
            BUDGET_EXHAUSTED,
            LIMIT_EXCEEDED);

    /** Reasons of a {@code failed} run that a redrive can cure: the execution itself failed. */
    static final Set<String> RETRYABLE_REASONS = Set.of("execution_failed", "execution_timed_out");

    private RunStatus() {}
}

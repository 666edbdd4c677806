package app.devskyy.core.agents;

import java.util.List;

/**
 * The agents table's run items as other families read them (the maintenance family's agent-runs
 * job): {@code WS#<workspace>/RUN#<run>}, with {@code status}, {@code createdAt} (ms),
 * {@code maxWallSeconds}, {@code pausedMillis}, {@code executionArn} and, while awaiting approval,
 * {@code approvalExpiresAt} (ms). The agents family writes them ({@code AgentItems}).
 */
public final class AgentRuns {

    private AgentRuns() {}

    public static final String RUNS = "RUN#";

    /** The statuses of a run whose execution still works; a run awaiting approval is paused, not working. */
    public static final List<String> WORKING = List.of("starting", "running");

    public static final String AWAITING_APPROVAL = "awaiting_approval";

    /**
     * The error a run's execution is stopped with when it outlived its wall time outside any step
     * (a step enforces it itself): the agents family records the run as {@code limit_exceeded}.
     */
    public static final String WALL_TIME_EXCEEDED = "WallTimeExceeded";
}

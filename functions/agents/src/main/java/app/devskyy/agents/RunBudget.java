package app.devskyy.agents;

import app.devskyy.core.auth.Role;
import app.devskyy.core.events.PermanentFailure;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.llm.metering.Budgets;
import app.devskyy.llm.metering.Caller;

/**
 * A run's reservation against the workspace's (and the starting key's) monthly budget: the run's
 * whole cost cap is held at its first model call, the calls then spend within it, and the run's
 * ending releases what it did not spend. So ten runs against a budget that affords three cannot
 * share it out until none can finish: three hold it, the others end {@code budget_exhausted}.
 */
final class RunBudget {

    private final Budgets budgets;
    private final RunStore store;

    RunBudget(Budgets budgets, RunStore store) {
        this.budgets = budgets;
        this.store = store;
    }

    /** Spend is attributed to whoever started the run, as the proxy attributes it to the caller. */
    static Caller caller(AgentItems.Run run) {
        // The starter's role when the run began: what its tools may do (runs from before roles were kept: api_user).
        return Caller.attributed(
                run.workspaceId(),
                run.startedBy(),
                run.startedRole() == null
                        ? Role.API_USER
                        : Role.fromWire(run.startedRole()).orElse(Role.API_USER));
    }

    /**
     * The run's reservation, made now when it has none (its first call, or the first after a
     * retry, which holds what the cap has left). Steps of one wave may race to make it: one
     * reservation is kept, the others are released at once.
     */
    Budgets.Reservation hold(AgentItems.Run run) {
        if (run.budgetHold() != null) {
            // A reservation, once made, lasts until the run ends: the step's snapshot of it is current.
            return Budgets.Reservation.read(run.budgetHold());
        }
        AgentItems.Run current = store.run(run.workspaceId(), run.runId()).orElse(run);
        if (current.budgetHold() != null) {
            return Budgets.Reservation.read(current.budgetHold());
        }
        Budgets.Reservation reservation;
        try {
            reservation = budgets.reserve(caller(current), Math.max(0, current.capMicros() - current.spentMicros()));
        } catch (ApiProblem refused) {
            if ("budget-exhausted".equals(refused.slug())) {
                throw new PermanentFailure(
                        "BudgetExhausted", "the workspace's monthly LLM budget cannot cover the run's cost cap");
            }
            throw refused;
        }
        if (store.recordHold(run.workspaceId(), run.runId(), reservation.write())) {
            return reservation;
        }
        budgets.release(reservation, 0);
        return Budgets.Reservation.read(
                store.run(run.workspaceId(), run.runId()).orElseThrow().budgetHold());
    }

    /** Releases what the run holds and did not spend; a run that holds nothing (or released it) is left alone. */
    void release(String workspaceId, String runId) {
        store.run(workspaceId, runId).ifPresent(run -> {
            if (run.budgetHold() != null && store.claimHold(workspaceId, runId, run.budgetHold())) {
                budgets.release(Budgets.Reservation.read(run.budgetHold()), run.spentMicros());
            }
        });
    }
}

package app.devskyy.core.events;

import app.devskyy.core.aws.Outages;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.observability.Telemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Step Functions task: the state comes in typed, the next state goes out typed. Every failure
 * leaves as one of two named error types that the state machine's {@code Retry} and {@code Catch}
 * match: {@link TransientFailure} (an outage: retry with backoff) or {@link PermanentFailure}
 * (anything else: catch and fail the run or take another branch). A bare runtime exception never
 * reaches the execution history, and neither does its message, which may quote the state.
 */
public abstract class StepTask<I, O> extends EventFunction<I, O> {

    private static final Logger LOG = LoggerFactory.getLogger(StepTask.class);

    protected StepTask(String name, Class<I> stateType, Telemetry telemetry) {
        super(name, stateType, telemetry);
    }

    @Override
    protected final O handle(I state) {
        try {
            return run(state);
        } catch (TransientFailure | PermanentFailure named) {
            throw named;
        } catch (ApiProblem problem) {
            if (problem.status() == 429 || problem.status() == 503) {
                throw new TransientFailure(problem.slug(), problem.getMessage(), null);
            }
            throw new PermanentFailure(problem.slug(), problem.getMessage());
        } catch (RuntimeException e) {
            if (Outages.isOutage(e)) {
                LOG.warn(
                        "{} met an outage ({}); the state machine retries",
                        name(),
                        e.getClass().getSimpleName());
                throw new TransientFailure("DependencyUnavailable", "a dependency is unavailable", null);
            }
            LOG.error(
                    "{} failed ({} at {})",
                    name(),
                    e.getClass().getName(),
                    e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "unknown");
            throw new PermanentFailure("Unexpected", "the task failed; its logs carry the execution's correlation id");
        }
    }

    /** The task's work. Throw a named failure where the cause is known. */
    protected abstract O run(I state);
}

package app.devskyy.gdpr;

import app.devskyy.core.events.PermanentFailure;
import app.devskyy.core.events.StepTask;
import app.devskyy.core.http.Identifiers;
import app.devskyy.core.observability.Telemetry;
import java.util.function.Function;

/**
 * One of the GDPR family's tasks in the data subject request state machine
 * ({@code gdprRequestBegin}, {@code gdprRequestFinish}, {@code gdprRequestFailed}): the state
 * names a request, and the work is {@link RequestProcessing}'s.
 */
final class RequestStep<O> extends StepTask<RequestProcessing.State, O> {

    private final Function<RequestProcessing.State, O> work;

    RequestStep(String name, Function<RequestProcessing.State, O> work, Telemetry telemetry) {
        super(name, RequestProcessing.State.class, telemetry);
        this.work = work;
    }

    @Override
    protected String correlationId(RequestProcessing.State state) {
        return String.valueOf(state.requestId());
    }

    @Override
    protected O run(RequestProcessing.State state) {
        if (!Identifiers.isId(String.valueOf(state.requestId()))) {
            throw new PermanentFailure("UnreadableState", "the state names no request");
        }
        return work.apply(state);
    }
}

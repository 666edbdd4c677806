package app.devskyy.core.events;

import app.devskyy.core.Json;
import app.devskyy.core.observability.Telemetry;
import com.amazonaws.services.lambda.runtime.Context;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.cloud.function.adapter.aws.AWSLambdaUtils;
import org.springframework.messaging.Message;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;

/**
 * The base of every function that is not HTTP (queue consumers, Step Functions tasks, scheduled
 * jobs): the raw event bytes are read into {@code I} with the project's one mapper, the work runs
 * inside the invocation's telemetry with the event's natural id as correlation id on every log
 * line, one metric record is written per invocation, and the typed output is written back with
 * the same mapper.
 *
 * <p>The payload is taken as bytes for the reason {@code HttpApiFunction} gives: Spring Cloud
 * Function's own conversion would treat a JSON array as a batch. Logs never carry the payload:
 * an event that cannot be read is reported by its type and the parser's location only.
 */
public abstract class EventFunction<I, O> implements Function<Message<byte[]>, byte[]> {

    /** The MDC key Powertools' JSON layout prints as {@code correlation_id}. */
    public static final String CORRELATION_ID = "correlation_id";

    private static final Logger LOG = LoggerFactory.getLogger(EventFunction.class);

    private final String name;
    private final ObjectReader reader;
    private final Telemetry telemetry;

    /**
     * @param name      the function's name in the family's catalog, the metric dimension
     * @param inputType the event's shape; unknown fields are ignored (AWS adds fields over time)
     */
    protected EventFunction(String name, Class<I> inputType, Telemetry telemetry) {
        this.name = name;
        this.reader = Json.MAPPER.readerFor(inputType).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.telemetry = telemetry;
    }

    @Override
    public final byte[] apply(Message<byte[]> message) {
        Context context = message.getHeaders().get(AWSLambdaUtils.AWS_CONTEXT, Context.class);
        return telemetry.invocation(context, () -> Json.writeBytes(invoke(read(message.getPayload()))));
    }

    /** Runs one event: correlation id, work, one metric record; exceptions pass through to the runtime. */
    public final O invoke(I event) {
        long start = System.nanoTime();
        String outcome = "ok";
        MDC.put(CORRELATION_ID, correlationId(event));
        try {
            return handle(event);
        } catch (RuntimeException e) {
            outcome = e.getClass().getSimpleName();
            throw e;
        } finally {
            MDC.remove(CORRELATION_ID);
            telemetry.event(name, outcome, (System.nanoTime() - start) / 1_000_000.0);
        }
    }

    I read(byte[] payload) {
        try {
            I event = reader.readValue(payload);
            if (event == null) {
                throw new PermanentFailure("EmptyEvent", "the event is empty");
            }
            return event;
        } catch (JacksonException unreadable) {
            LOG.error(
                    "{} received an event it cannot read ({} at {})",
                    name,
                    unreadable.getClass().getSimpleName(),
                    unreadable.getLocation());
            throw new PermanentFailure("UnreadableEvent", "the event does not have the expected shape");
        }
    }

    /** The id that ties this invocation's log lines together: a message id, an execution name, a schedule time. */
    protected abstract String correlationId(I event);

    protected abstract O handle(I event);

    public String name() {
        return name;
    }
}

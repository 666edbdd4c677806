package app.devskyy.core.events;

import app.devskyy.core.Json;
import app.devskyy.core.observability.Telemetry;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * An SQS event source with {@code ReportBatchItemFailures}: each message's body is read into
 * {@code T} and handled on its own; only the ids of the messages that failed go back, so SQS
 * delivers those again (and, after the redrive limit, to the dead-letter queue) while the rest of
 * the batch is done. On a FIFO queue a failure holds back the rest of its message group in the
 * batch (they are reported too, unprocessed), so that the group's order survives; other groups go
 * on. Each message's log lines carry its message id as correlation id.
 *
 * <p>Powertools' batch module does this in other projects; it is not served to this build.
 */
public abstract class SqsBatchConsumer<T> extends EventFunction<SqsBatchConsumer.Batch, SqsBatchConsumer.Response> {

    /** The SQS event, as much of it as a consumer reads. */
    public record Batch(@JsonProperty("Records") List<Message> records) {}

    /** One SQS message. {@code attributes} holds {@code MessageGroupId} and {@code ApproximateReceiveCount}. */
    public record Message(String messageId, String body, Map<String, String> attributes, String eventSourceARN) {

        public String groupId() {
            return attributes == null ? null : attributes.get("MessageGroupId");
        }

        public int receiveCount() {
            String count = attributes == null ? null : attributes.get("ApproximateReceiveCount");
            return count == null || !count.matches("[0-9]{1,9}") ? 1 : Integer.parseInt(count);
        }
    }

    /** The partial batch response SQS reads. */
    public record Response(List<Failure> batchItemFailures) {}

    public record Failure(String itemIdentifier) {}

    private static final Logger LOG = LoggerFactory.getLogger(SqsBatchConsumer.class);

    private final Class<T> bodyType;

    protected SqsBatchConsumer(String name, Class<T> bodyType, Telemetry telemetry) {
        super(name, Batch.class, telemetry);
        this.bodyType = bodyType;
    }

    @Override
    protected String correlationId(Batch batch) {
        return batch.records() == null || batch.records().isEmpty()
                ? "empty-batch"
                : batch.records().getFirst().messageId();
    }

    @Override
    protected Response handle(Batch batch) {
        List<Failure> failures = new ArrayList<>();
        Set<String> stoppedGroups = new HashSet<>();
        for (Message message : batch.records() == null ? List.<Message>of() : batch.records()) {
            String group = message.groupId();
            if (group != null && stoppedGroups.contains(group)) {
                failures.add(new Failure(message.messageId()));
                continue;
            }
            MDC.put(CORRELATION_ID, message.messageId());
            try {
                accept(Json.MAPPER.readValue(message.body().getBytes(StandardCharsets.UTF_8), bodyType), message);
            } catch (RuntimeException failed) {
                // Type only: an exception's message may quote the body.
                LOG.warn(
                        "message failed ({}); SQS will deliver it again",
                        failed.getClass().getSimpleName());
                failures.add(new Failure(message.messageId()));
                if (group != null) {
                    stoppedGroups.add(group);
                }
            } finally {
                MDC.put(CORRELATION_ID, correlationId(batch));
            }
        }
        return new Response(failures);
    }

    /** Handles one message; any exception reports it as failed. */
    protected abstract void accept(T body, Message message);
}

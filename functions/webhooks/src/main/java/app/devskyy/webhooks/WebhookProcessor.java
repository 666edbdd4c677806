package app.devskyy.webhooks;

import app.devskyy.core.Json;
import app.devskyy.core.observability.Telemetry;
import com.amazonaws.services.lambda.runtime.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.function.adapter.aws.AWSLambdaUtils;
import org.springframework.cloud.function.context.FunctionRegistration;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.messaging.Message;
import tools.jackson.databind.JsonNode;

/**
 * Consumes the webhook queue (an SQS event source with {@code ReportBatchItemFailures}): applies
 * each event's effect and marks it processed; a message that fails is reported in
 * {@code batchItemFailures}, so that SQS retries it alone (and moves it to the dead-letter queue
 * after the redrive limit) while the rest of the batch is done. A message whose event was already
 * processed (SQS delivers at least once) is acknowledged without effect.
 *
 * <p>Powertools' batch module would do the reporting; it is not in the registries this project
 * builds from, and the response is three lines.
 */
final class WebhookProcessor implements Function<Message<byte[]>, Map<String, Object>> {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookProcessor.class);

    private final EventLedger ledger;
    private final BillingEffects effects;
    private final Telemetry telemetry;

    WebhookProcessor(EventLedger ledger, BillingEffects effects, Telemetry telemetry) {
        this.ledger = ledger;
        this.effects = effects;
        this.telemetry = telemetry;
    }

    void registerAs(String name, GenericApplicationContext context) {
        context.registerBean(name, FunctionRegistration.class,
                () -> new FunctionRegistration<>(this, name).type(WebhookProcessor.class));
    }

    @Override
    public Map<String, Object> apply(Message<byte[]> message) {
        Context context = message.getHeaders().get(AWSLambdaUtils.AWS_CONTEXT, Context.class);
        return telemetry.invocation(context, () -> process(Json.tree(message.getPayload())));
    }

    Map<String, Object> process(JsonNode sqsEvent) {
        List<Map<String, String>> failures = new ArrayList<>();
        for (JsonNode record : sqsEvent.path("Records")) {
            String messageId = record.path("messageId").asString();
            try {
                InboundEvent event = Json.convert(Json.tree(record.path("body").asString().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        InboundEvent.class);
                if (event.dedupeKeys().isEmpty() || ledger.processed(event)) {
                    continue;
                }
                BillingEffects.Outcome outcome = effects.apply(event);
                ledger.markProcessed(event, outcome.name().toLowerCase(java.util.Locale.ROOT));
                LOG.info("{} {} {}: {}", event.provider(), event.type(), event.id(), outcome);
            } catch (RuntimeException failed) {
                // Type only: the message may quote the payload.
                LOG.warn("message {} failed ({}); SQS will retry it", messageId, failed.getClass().getSimpleName());
                failures.add(Map.of("itemIdentifier", messageId));
            }
        }
        return Map.of("batchItemFailures", failures);
    }
}

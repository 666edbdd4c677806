package app.devskyy.webhooks;

import app.devskyy.core.events.SqsBatchConsumer;
import app.devskyy.core.observability.Telemetry;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the webhook queue: applies each event's effect and marks it processed. A message that
 * fails is reported alone, so SQS retries it (and moves it to the dead-letter queue after the
 * redrive limit) while the rest of the batch is done. A message whose event was already processed
 * (SQS delivers at least once) is acknowledged without effect.
 */
final class WebhookProcessor extends SqsBatchConsumer<InboundEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookProcessor.class);

    private final EventLedger ledger;
    private final BillingEffects effects;

    WebhookProcessor(String name, EventLedger ledger, BillingEffects effects, Telemetry telemetry) {
        super(name, InboundEvent.class, telemetry);
        this.ledger = ledger;
        this.effects = effects;
    }

    @Override
    protected void accept(InboundEvent event, Message message) {
        if (event.dedupeKeys() == null || event.dedupeKeys().isEmpty() || ledger.processed(event)) {
            return;
        }
        BillingEffects.Outcome outcome = effects.apply(event);
        ledger.markProcessed(event, outcome.name().toLowerCase(Locale.ROOT));
        LOG.info("{} {}: {}", event.provider(), event.type(), outcome);
    }
}

package app.devskyy.maintenance;

import app.devskyy.core.notify.Notifier;
import app.devskyy.core.observability.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Dead letters (hourly): how many messages wait in each dead-letter queue of the template (the
 * webhook events that failed processing five times), and since when the queue has held any (the
 * finding's first sighting; the template's alarm on {@code ApproximateAgeOfOldestMessage} tells
 * the age of the oldest message itself). A queue holding any is a finding, published
 * to operations when new, and resolved once the queue is empty again; a platform admin moves the
 * messages back to their source queue ({@code POST /dead-letters/{queue}/redrive}, SQS's message
 * move) once the cause is fixed.
 */
final class DeadLetterJob extends MaintenanceJob {

    static final String NAME = "deadLetterJob";
    static final String DEAD_LETTERS = "dead-letters";

    private final Map<String, String> queues;
    private final Function<String, Long> depth;
    private final Notifier notifier;

    /**
     * @param queues the dead-letter queues by the name the routes use ({@code webhooks}) to their URL
     * @param depth  how many messages a queue (by URL) holds, visible or in flight
     */
    DeadLetterJob(
            FindingStore findings,
            RunStore runs,
            Map<String, String> queues,
            Function<String, Long> depth,
            Notifier notifier,
            Telemetry telemetry,
            Duration budget,
            Clock clock) {
        super(NAME, findings, runs, telemetry, budget, clock);
        this.queues = Map.copyOf(queues);
        this.depth = depth;
        this.notifier = notifier;
    }

    @Override
    protected Set<String> rules() {
        return Set.of(DEAD_LETTERS);
    }

    @Override
    protected String page(Instant slot, String cursor, Tally tally) {
        queues.forEach((name, url) -> {
            tally.seen++;
            long messages = depth.apply(url);
            if (messages > 0) {
                // How long the queue has held messages: since the open finding about it was first seen.
                long since = findings.find(MaintenanceItems.findingId(DEAD_LETTERS, name))
                        .filter(f -> !f.state().equals(FindingStore.RESOLVED))
                        .map(MaintenanceItems.Finding::firstSeenAt)
                        .orElse(slot.toEpochMilli());
                long hours = Duration.ofMillis(slot.toEpochMilli() - since).toHours();
                String summary = messages + " message(s) wait in the " + name + " dead-letter queue"
                        + (hours > 0 ? ", which has held messages for " + hours + " hour(s)." : ".");
                if (tally.found(findings.record(DEAD_LETTERS, "high", name, summary, slot.toEpochMilli()))) {
                    notifier.operations("Dead letters: " + name, summary);
                }
            }
        });
        return null;
    }
}

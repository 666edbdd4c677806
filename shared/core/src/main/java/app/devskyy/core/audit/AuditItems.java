package app.devskyy.core.audit;

import app.devskyy.core.aws.RecordSchema;
import java.util.UUID;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;

/**
 * The items of the audit table ({@code pk}, {@code sk}): events of an account under
 * {@code USER#<id>}, of a workspace under {@code WS#<id>}, of neither under {@code SYSTEM#<scope>};
 * the sort key is the time (13 digits of epoch milliseconds) and a random id, so a partition reads
 * oldest first.
 */
final class AuditItems {

    private AuditItems() {}

    static String account(String userId) {
        return "USER#" + userId;
    }

    static String workspace(String workspaceId) {
        return "WS#" + workspaceId;
    }

    static String system(String scope) {
        return "SYSTEM#" + scope;
    }

    /** Time first, so a partition reads oldest first; a random id, so events of one millisecond never collide. */
    static String eventSortKey(long epochMillis) {
        return timeBound(epochMillis) + "#" + UUID.randomUUID();
    }

    /** Where a time falls among the sort keys: the bound of a range of events by time. */
    static String timeBound(long epochMillis) {
        return String.format("%013d", epochMillis);
    }

    record Event(
            String pk,
            String sk,
            String action,
            String outcome,
            String actorId,
            String targetId,
            String ipCipher,
            String agentCipher,
            long at,
            long expiresAt) {

        static final TableSchema<Event> SCHEMA = RecordSchema.of(
                        Event.class,
                        f -> new Event(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("action"),
                                f.string("outcome"),
                                f.string("actorId"),
                                f.string("targetId"),
                                f.string("ipCipher"),
                                f.string("agentCipher"),
                                f.number("at", 0),
                                f.number("expiresAt", 0)))
                .partitionKey("pk", Event::pk)
                .sortKey("sk", Event::sk)
                .string("action", Event::action)
                .string("outcome", Event::outcome)
                .string("actorId", Event::actorId)
                .string("targetId", Event::targetId)
                .string("ipCipher", Event::ipCipher)
                .string("agentCipher", Event::agentCipher)
                .number("at", Event::at)
                .number("expiresAt", Event::expiresAt)
                .build();
    }
}

package app.devskyy.webhooks;

import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.RecordSchema;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;

/** The items of the idempotency table ({@code pk} only): one per deduplication key of a delivery. */
final class IdempotencyItems {

    static final String QUEUED = "queued";
    static final String PROCESSED = "processed";

    private IdempotencyItems() {}

    /** A deduplication key, such as {@code stripe#evt_1Q...}, as its item's key. */
    static ItemKey claim(String dedupeKey) {
        return ItemKey.of(dedupeKey);
    }

    /** One claimed key: who sent it, when, and (on an event's first key) what processing made of it. */
    record Claim(
            String pk,
            String provider,
            String eventId,
            String status,
            long receivedAt,
            long expiresAt,
            String outcome,
            Long processedAt) {

        static final TableSchema<Claim> SCHEMA = RecordSchema.of(
                        Claim.class,
                        f -> new Claim(
                                f.string("pk"),
                                f.string("provider"),
                                f.string("eventId"),
                                f.string("status"),
                                f.number("receivedAt", 0),
                                f.number("expiresAt", 0),
                                f.string("outcome"),
                                f.number("processedAt")))
                .partitionKey("pk", Claim::pk)
                .string("provider", Claim::provider)
                .string("eventId", Claim::eventId)
                .string("status", Claim::status)
                .number("receivedAt", Claim::receivedAt)
                .number("expiresAt", Claim::expiresAt)
                .string("outcome", Claim::outcome)
                .number("processedAt", Claim::processedAt)
                .build();
    }
}

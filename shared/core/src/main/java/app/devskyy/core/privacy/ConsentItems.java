package app.devskyy.core.privacy;

import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.RecordSchema;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;

/**
 * The consent items of the GDPR table ({@code pk}, {@code sk}), written by the GDPR family and read
 * by every family through {@link Consents}; docs/data-model.md lists their access patterns. Per
 * person: the current decision per purpose, and every decision ever made (the proof of consent,
 * Art. 7(1)), with the notice version it was made under.
 */
public final class ConsentItems {

    private ConsentItems() {}

    public static String person(String userId) {
        return "USER#" + userId;
    }

    /** The current decision of a person for a purpose. */
    public static ItemKey current(String userId, String purpose) {
        return ItemKey.of(person(userId), CURRENT + purpose);
    }

    public static final String CURRENT = "CONSENT#";

    /** One decision, in the person's history: newest last by time, then purpose. */
    public static ItemKey record(String userId, long decidedAt, String purpose) {
        return ItemKey.of(person(userId), RECORDS + String.format("%013d", decidedAt) + "#" + purpose);
    }

    public static final String RECORDS = "CONSENTLOG#";

    /** Whether a person's processing is restricted (Art. 18) or objected to (Art. 21). */
    public static ItemKey flags(String userId) {
        return ItemKey.of(person(userId), FLAGS);
    }

    public static final String FLAGS = "PRIVACY";

    /**
     * {@code USER#<id>/PRIVACY}: set by a privacy admin's approval of a restriction or an
     * objection request: a restricted person's data is stored, not processed (no model call, no
     * agent run); an objection ends every processing not needed for the service or the law.
     */
    public record Flags(String pk, String sk, boolean restricted, boolean objected, long updatedAt) {

        public static final TableSchema<Flags> SCHEMA = RecordSchema.of(
                        Flags.class,
                        f -> new Flags(
                                f.string("pk"),
                                f.string("sk"),
                                f.bool("restricted"),
                                f.bool("objected"),
                                f.number("updatedAt", 0)))
                .partitionKey("pk", Flags::pk)
                .sortKey("sk", Flags::sk)
                .bool("restricted", Flags::restricted)
                .bool("objected", Flags::objected)
                .number("updatedAt", Flags::updatedAt)
                .build();
    }

    /** {@code USER#<id>/CONSENT#<purpose>}: whether the person consents now, and under which notice. */
    public record Current(
            String pk,
            String sk,
            String purpose,
            boolean granted,
            String noticeVersion,
            String method,
            long decidedAt) {

        public static final TableSchema<Current> SCHEMA = RecordSchema.of(
                        Current.class,
                        f -> new Current(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("purpose"),
                                f.bool("granted"),
                                f.string("noticeVersion"),
                                f.string("method"),
                                f.number("decidedAt", 0)))
                .partitionKey("pk", Current::pk)
                .sortKey("sk", Current::sk)
                .string("purpose", Current::purpose)
                .bool("granted", Current::granted)
                .string("noticeVersion", Current::noticeVersion)
                .string("method", Current::method)
                .number("decidedAt", Current::decidedAt)
                .build();
    }

    /**
     * {@code USER#<id>/CONSENTLOG#<ms>#<purpose>}: one decision as made: purpose, notice version,
     * granted or withdrawn, how (banner, settings, api), when, and keyed hashes of the IP address
     * and user agent it came from (never the values).
     */
    public record Record(
            String pk,
            String sk,
            String purpose,
            boolean granted,
            String noticeVersion,
            String method,
            long decidedAt,
            String ipHash,
            String userAgentHash) {

        public static final TableSchema<Record> SCHEMA = RecordSchema.of(
                        Record.class,
                        f -> new Record(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("purpose"),
                                f.bool("granted"),
                                f.string("noticeVersion"),
                                f.string("method"),
                                f.number("decidedAt", 0),
                                f.string("ipHash"),
                                f.string("userAgentHash")))
                .partitionKey("pk", Record::pk)
                .sortKey("sk", Record::sk)
                .string("purpose", Record::purpose)
                .bool("granted", Record::granted)
                .string("noticeVersion", Record::noticeVersion)
                .string("method", Record::method)
                .number("decidedAt", Record::decidedAt)
                .string("ipHash", Record::ipHash)
                .string("userAgentHash", Record::userAgentHash)
                .build();
    }
}

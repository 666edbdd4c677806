package app.devskyy.gdpr;

import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.RecordSchema;
import app.devskyy.core.privacy.OpenRequests;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;

/**
 * The GDPR family's own items of the GDPR table (consent items, which every family reads, are
 * {@code ConsentItems} in the core): data subject requests. docs/data-model.md lists their access
 * patterns.
 */
final class GdprItems {

    private GdprItems() {}

    /** A person's requests, newest last ({@code gsi1pk}, {@code gsi1sk}: the registry finds a person by it). */
    static final String BY_PERSON = "gsi1";

    /** Open requests by due date ({@code queue}, {@code queueKey}); a closed request leaves it. */
    static final String OPEN_REQUESTS = OpenRequests.INDEX;

    static final String OPEN = OpenRequests.OPEN;

    static ItemKey request(String requestId) {
        return ItemKey.of("REQ#" + requestId, "REQUEST");
    }

    static String person(String userId) {
        return "USER#" + userId;
    }

    static final String REQUESTS = "REQUEST#";

    static String personSk(long receivedAt, String requestId) {
        return REQUESTS + String.format("%013d", receivedAt) + "#" + requestId;
    }

    static String queueKey(long dueAt, String requestId) {
        return OpenRequests.key(dueAt, requestId);
    }

    /**
     * {@code REQ#<id>/NOTIFY}: where an erasure's completion is emailed, taken before the account
     * (and its address) is erased, encrypted under the service's key rather than the person's,
     * which the erasure destroys; deleted once the email is sent, or by TTL after a week.
     */
    static ItemKey heldAddress(String requestId) {
        return ItemKey.of("REQ#" + requestId, "NOTIFY");
    }

    static String heldAddressContext(String requestId) {
        return "request:" + requestId + ":notify";
    }

    /** A request's email confirmation, by the SHA-256 of its token (the token itself is only in the email). */
    static ItemKey confirmation(String tokenHash) {
        return ItemKey.of("CONFIRM#" + tokenHash, "CONFIRM");
    }

    /** {@code CONFIRM#<token hash>/CONFIRM}: which request a confirmation link verifies; expires (TTL) after a day. */
    record Confirmation(String pk, String sk, String requestId, long expiresAt) {

        static final TableSchema<Confirmation> SCHEMA = RecordSchema.of(
                        Confirmation.class,
                        f -> new Confirmation(
                                f.string("pk"), f.string("sk"), f.string("requestId"), f.number("expiresAt", 0)))
                .partitionKey("pk", Confirmation::pk)
                .sortKey("sk", Confirmation::sk)
                .string("requestId", Confirmation::requestId)
                .number("expiresAt", Confirmation::expiresAt)
                .build();
    }

    /**
     * {@code REQ#<id>/REQUEST}: one data subject request. Times in epoch milliseconds;
     * {@code dueAt} is one month after receipt, {@code extendedTo} the later date an extension set
     * (0 when none); {@code details} are encrypted ({@code request:<id>:details}). An access or
     * portability request's archive can be downloaded until {@code archiveExpiresAt} (0: none); a
     * request in error says why in {@code errorReason} (the failed task's error name).
     */
    record Request(
            String pk,
            String sk,
            String requestId,
            String userId,
            String type,
            String status,
            long receivedAt,
            long dueAt,
            long extendedTo,
            String extensionReason,
            String denialReason,
            String detailsCipher,
            String verifiedVia,
            long updatedAt,
            long archiveExpiresAt,
            String errorReason,
            String gsi1pk,
            String gsi1sk,
            String queue,
            String queueKey) {

        static final TableSchema<Request> SCHEMA = RecordSchema.of(
                        Request.class,
                        f -> new Request(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("requestId"),
                                f.string("userId"),
                                f.string("type"),
                                f.string("status"),
                                f.number("receivedAt", 0),
                                f.number("dueAt", 0),
                                f.number("extendedTo", 0),
                                f.string("extensionReason"),
                                f.string("denialReason"),
                                f.string("detailsCipher"),
                                f.string("verifiedVia"),
                                f.number("updatedAt", 0),
                                f.number("archiveExpiresAt", 0),
                                f.string("errorReason"),
                                f.string("gsi1pk"),
                                f.string("gsi1sk"),
                                f.string("queue"),
                                f.string("queueKey")))
                .partitionKey("pk", Request::pk)
                .sortKey("sk", Request::sk)
                .string("requestId", Request::requestId)
                .string("userId", Request::userId)
                .string("type", Request::type)
                .string("status", Request::status)
                .number("receivedAt", Request::receivedAt)
                .number("dueAt", Request::dueAt)
                .number("extendedTo", Request::extendedTo)
                .string("extensionReason", Request::extensionReason)
                .string("denialReason", Request::denialReason)
                .string("detailsCipher", Request::detailsCipher)
                .string("verifiedVia", Request::verifiedVia)
                .number("updatedAt", Request::updatedAt)
                .number("archiveExpiresAt", Request::archiveExpiresAt)
                .string("errorReason", Request::errorReason)
                .string("gsi1pk", Request::gsi1pk, StaticAttributeTags.secondaryPartitionKey(BY_PERSON))
                .string("gsi1sk", Request::gsi1sk, StaticAttributeTags.secondarySortKey(BY_PERSON))
                .string("queue", Request::queue, StaticAttributeTags.secondaryPartitionKey(OPEN_REQUESTS))
                .string("queueKey", Request::queueKey, StaticAttributeTags.secondarySortKey(OPEN_REQUESTS))
                .build();

        /** When the request must be answered: the extended date if there is one. */
        long deadline() {
            return extendedTo > 0 ? extendedTo : dueAt;
        }
    }
}

package app.devskyy.gdpr;

import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.ItemUpdate;
import app.devskyy.core.aws.Values;
import app.devskyy.core.aws.Writes;
import app.devskyy.core.http.Paging;
import app.devskyy.core.privacy.ConsentItems;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Data subject requests in the GDPR table ({@link GdprItems.Request}). A status changes only from
 * the statuses the caller names (a conditional update), so two admins, or an admin and the
 * person, cannot both move one request; a closed request leaves the open queue.
 */
final class RequestStore {

    record Page(List<GdprItems.Request> requests, String nextCursor) {}

    private final DynamoDbClient dynamoDb;
    private final DynamoDbTable<GdprItems.Request> requests;
    private final DynamoDbTable<GdprItems.Confirmation> confirmations;
    private final String table;

    RequestStore(DynamoDbClient dynamoDb, DynamoTables tables, String table) {
        this.dynamoDb = dynamoDb;
        this.requests = tables.table(table, GdprItems.Request.SCHEMA);
        this.confirmations = tables.table(table, GdprItems.Confirmation.SCHEMA);
        this.table = table;
    }

    void create(GdprItems.Request request) {
        Writes.putIfAbsent(requests, request);
    }

    void putConfirmation(String tokenHash, String requestId, long expiresAtSeconds) {
        var key = GdprItems.confirmation(tokenHash);
        Writes.putIfAbsent(confirmations, new GdprItems.Confirmation(key.pk(), key.sk(), requestId, expiresAtSeconds));
    }

    /** Uses a confirmation up: the request it verifies, once, if it has not expired. */
    Optional<String> takeConfirmation(String tokenHash, long nowSeconds) {
        return Writes.ifHolds(() -> confirmations.deleteItem(r -> r.key(
                                GdprItems.confirmation(tokenHash).key())
                        .conditionExpression(Writes.condition(
                                "attribute_exists(pk) AND expiresAt > :now", ":now", Values.number(nowSeconds)))))
                .map(GdprItems.Confirmation::requestId);
    }

    Optional<GdprItems.Request> request(String requestId) {
        return Optional.ofNullable(
                requests.getItem(r -> r.key(GdprItems.request(requestId).key()).consistentRead(true)));
    }

    /** A page of the person's requests, newest first. */
    Page ofPerson(String userId, int limit, Optional<String> after) {
        return page(
                GdprItems.BY_PERSON,
                "gsi1pk",
                GdprItems.person(userId),
                "gsi1sk",
                false,
                limit,
                after,
                sk -> GdprItems.request(sk.substring(sk.lastIndexOf('#') + 1)));
    }

    /** A page of the open requests, the soonest due first. */
    Page open(int limit, Optional<String> after) {
        return page(
                GdprItems.OPEN_REQUESTS,
                "queue",
                GdprItems.OPEN,
                "queueKey",
                true,
                limit,
                after,
                key -> GdprItems.request(key.substring(key.indexOf('#') + 1)));
    }

    private Page page(
            String index,
            String partitionName,
            String partition,
            String sortName,
            boolean ascending,
            int limit,
            Optional<String> after,
            Function<String, ItemKey> keyOf) {
        var page = requests.index(index)
                .query(r -> {
                    r.queryConditional(QueryConditional.keyEqualTo(
                                    Key.builder().partitionValue(partition).build()))
                            .scanIndexForward(ascending)
                            .limit(limit);
                    after.ifPresent(sort -> {
                        Map<String, AttributeValue> start =
                                new HashMap<>(keyOf.apply(sort).attributes());
                        start.put(partitionName, AttributeValue.fromS(partition));
                        start.put(sortName, AttributeValue.fromS(sort));
                        r.exclusiveStartKey(start);
                    });
                })
                .iterator()
                .next();
        return new Page(
                new ArrayList<>(page.items()), Paging.nextCursor(Values.string(page.lastEvaluatedKey(), sortName)));
    }

    /**
     * Moves the request to {@code to} if its status is one of {@code from}, setting {@code values}
     * too; a closing status takes it out of the open queue. False when the status was another.
     */
    boolean transition(String requestId, Set<String> from, String to, Map<String, String> values, long now) {
        ItemUpdate update = ItemUpdate.of(table, GdprItems.request(requestId))
                .set("status", to)
                .set("updatedAt", now);
        values.forEach(update::set);
        if (RequestStatus.CLOSED.contains(to)) {
            update.remove("queue").remove("queueKey");
        }
        List<String> names = new ArrayList<>(from);
        Map<String, AttributeValue> allowed = new HashMap<>();
        List<String> placeholders = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            placeholders.add(":from" + i);
            allowed.put(":from" + i, AttributeValue.fromS(names.get(i)));
        }
        return update.condition(
                        "attribute_exists(#pk) AND #status IN (" + String.join(", ", placeholders) + ")", allowed)
                .applyIf(dynamoDb);
    }

    /** Sets a person's restriction or objection ({@code restricted}, {@code objected}), which {@code Consents} reads. */
    void setFlag(String userId, String flag, boolean on, long now) {
        ItemUpdate.of(table, ConsentItems.flags(userId))
                .set(flag, AttributeValue.fromBool(on))
                .set("updatedAt", now)
                .apply(dynamoDb);
    }

    /** Sets the later deadline of an extension: once, on an open request, before its first deadline. */
    boolean extend(String requestId, long extendedTo, String reason, long now) {
        return ItemUpdate.of(table, GdprItems.request(requestId))
                .set("extendedTo", extendedTo)
                .set("extensionReason", reason)
                .set("queueKey", GdprItems.queueKey(extendedTo, requestId))
                .set("updatedAt", now)
                .condition(
                        "attribute_exists(#queue) AND #extendedTo = :none AND #dueAt > :now",
                        Map.of(":none", Values.number(0), ":now", Values.number(now)))
                .applyIf(dynamoDb);
    }

    /** Holds where an erasure's completion goes (already encrypted), until it is sent or a week passes. */
    void holdAddress(String requestId, String emailCipher, long expiresAtSeconds) {
        ItemUpdate.of(table, GdprItems.heldAddress(requestId))
                .set("emailCipher", emailCipher)
                .set("expiresAt", expiresAtSeconds)
                .apply(dynamoDb);
    }

    Optional<String> heldAddress(String requestId) {
        return Optional.ofNullable(Values.string(
                dynamoDb.getItem(r -> r.tableName(table)
                                .key(GdprItems.heldAddress(requestId).attributes())
                                .consistentRead(true))
                        .item(),
                "emailCipher"));
    }

    void forgetAddress(String requestId) {
        dynamoDb.deleteItem(
                r -> r.tableName(table).key(GdprItems.heldAddress(requestId).attributes()));
    }

    /** Completes a processed request; an access or portability request's archive lasts until {@code archiveExpiresAt} (0: none). */
    boolean complete(String requestId, long archiveExpiresAt, long now) {
        ItemUpdate update = ItemUpdate.of(table, GdprItems.request(requestId))
                .set("status", RequestStatus.COMPLETE)
                .set("updatedAt", now)
                .remove("queue")
                .remove("queueKey");
        if (archiveExpiresAt > 0) {
            update.set("archiveExpiresAt", archiveExpiresAt);
        }
        return update.condition(
                        "#status = :processing",
                        Map.of(":processing", AttributeValue.fromS(RequestStatus.IN_PROCESSING)))
                .applyIf(dynamoDb);
    }
}

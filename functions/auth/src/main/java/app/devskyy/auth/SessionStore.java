package app.devskyy.auth;

import app.devskyy.auth.AuthItems.Refresh;
import app.devskyy.core.auth.CredentialItems;
import app.devskyy.core.auth.CredentialItems.Session;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.aws.ItemUpdate;
import app.devskyy.core.aws.Writes;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactUpdateItemEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Sessions and their refresh tokens. */
final class SessionStore {

    private static final Expression CURRENT = Expression.builder()
            .expression("attribute_exists(pk) AND attribute_not_exists(rotatedAt)")
            .build();

    private final DynamoDbClient dynamoDb;
    private final DynamoTables tables;
    private final String table;
    private final DynamoDbTable<Session> sessions;
    private final DynamoDbTable<Refresh> refreshes;

    SessionStore(DynamoDbClient dynamoDb, DynamoTables tables, String table) {
        this.dynamoDb = dynamoDb;
        this.tables = tables;
        this.table = table;
        this.sessions = tables.table(table, Session.SCHEMA);
        this.refreshes = tables.table(table, Refresh.SCHEMA);
    }

    /** Opens a session with its first refresh token, both new. */
    void createSession(Session session, Refresh refresh) {
        Writes.transaction(
                tables,
                t -> t.addPutItem(
                                sessions,
                                TransactPutItemEnhancedRequest.builder(Session.class)
                                        .item(session)
                                        .conditionExpression(Writes.NEW_ITEM)
                                        .build())
                        .addPutItem(
                                refreshes,
                                TransactPutItemEnhancedRequest.builder(Refresh.class)
                                        .item(refresh)
                                        .conditionExpression(Writes.NEW_ITEM)
                                        .build()));
    }

    Optional<Session> session(String sessionId) {
        return Optional.ofNullable(sessions.getItem(
                r -> r.key(CredentialItems.session(sessionId).key()).consistentRead(true)));
    }

    List<Session> sessionsOf(String userId) {
        return sessions
                .index(AuthItems.GSI1)
                .query(r -> r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                        .partitionValue(CredentialItems.user(userId))
                        .sortValue(CredentialItems.SESSIONS)
                        .build())))
                .stream()
                .flatMap(page -> page.items().stream())
                .toList();
    }

    /** Marks a session revoked, once; later calls keep the first revocation time. */
    void revokeSession(String sessionId, long nowMillis) {
        ItemUpdate.of(table, CredentialItems.session(sessionId))
                .set("revokedAt", nowMillis)
                .condition("attribute_exists(#pk) AND attribute_not_exists(#revokedAt)")
                .applyIf(dynamoDb);
    }

    /** Revokes every session of a user, except {@code keep} (null: all of them). */
    void revokeSessionsOf(String userId, String keep, long nowMillis) {
        for (Session session : sessionsOf(userId)) {
            if (!session.sessionId().equals(keep)) {
                revokeSession(session.sessionId(), nowMillis);
            }
        }
    }

    void touchSession(String sessionId, long nowMillis) {
        ItemUpdate.of(table, CredentialItems.session(sessionId))
                .set("lastUsedAt", nowMillis)
                .condition("attribute_exists(#pk)")
                .apply(dynamoDb);
    }

    Optional<Refresh> refresh(String tokenHash) {
        return Optional.ofNullable(
                refreshes.getItem(r -> r.key(AuthItems.refresh(tokenHash).key()).consistentRead(true)));
    }

    /**
     * Rotates a current refresh token into its successor, atomically: the parent must still be
     * current and the child new. False when another request rotated it first.
     */
    boolean rotate(Refresh parent, Refresh child, long nowMillis) {
        return Writes.transaction(
                        tables,
                        t -> t.addUpdateItem(
                                        refreshes,
                                        TransactUpdateItemEnhancedRequest.builder(Refresh.class)
                                                .item(parent.rotated(nowMillis))
                                                .conditionExpression(CURRENT)
                                                .build())
                                .addPutItem(
                                        refreshes,
                                        TransactPutItemEnhancedRequest.builder(Refresh.class)
                                                .item(child)
                                                .conditionExpression(Writes.NEW_ITEM)
                                                .build()))
                .isEmpty();
    }
}

package app.devskyy.auth;

import app.devskyy.auth.AuthItems.Email;
import app.devskyy.auth.AuthItems.Lockout;
import app.devskyy.auth.AuthItems.Member;
import app.devskyy.auth.AuthItems.Refresh;
import app.devskyy.auth.AuthItems.Session;
import app.devskyy.auth.AuthItems.User;
import app.devskyy.auth.AuthItems.Workspace;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactUpdateItemEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** The auth table: every read and write of the auth family, each one access pattern. */
final class AuthStore {

    private static final Expression NEW_ITEM = Expression.builder().expression("attribute_not_exists(pk)").build();

    private final DynamoDbClient dynamoDb;
    private final DynamoDbEnhancedClient enhanced;
    private final String tableName;
    private final DynamoDbTable<User> users;
    private final DynamoDbTable<Email> emails;
    private final DynamoDbTable<Lockout> lockouts;
    private final DynamoDbTable<Session> sessions;
    private final DynamoDbTable<Refresh> refreshes;
    private final DynamoDbTable<Workspace> workspaces;
    private final DynamoDbTable<Member> members;

    AuthStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(dynamoDb).build();
        this.tableName = tableName;
        this.users = enhanced.table(tableName, User.SCHEMA);
        this.emails = enhanced.table(tableName, Email.SCHEMA);
        this.lockouts = enhanced.table(tableName, Lockout.SCHEMA);
        this.sessions = enhanced.table(tableName, Session.SCHEMA);
        this.refreshes = enhanced.table(tableName, Refresh.SCHEMA);
        this.workspaces = enhanced.table(tableName, Workspace.SCHEMA);
        this.members = enhanced.table(tableName, Member.SCHEMA);
    }

    private static Key key(String pk, String sk) {
        return Key.builder().partitionValue(pk).sortValue(sk).build();
    }

    // Accounts

    /** Creates user, email claim, personal workspace and membership at once; false when the email is taken. */
    boolean createAccount(User user, Workspace workspace, Member owner) {
        try {
            enhanced.transactWriteItems(t -> t
                    .addPutItem(emails, TransactPutItemEnhancedRequest.builder(Email.class)
                            .item(Email.of(user.emailIndex(), user.userId())).conditionExpression(NEW_ITEM).build())
                    .addPutItem(users, TransactPutItemEnhancedRequest.builder(User.class).item(user)
                            .conditionExpression(NEW_ITEM).build())
                    .addPutItem(workspaces, workspace)
                    .addPutItem(members, owner));
            return true;
        } catch (TransactionCanceledException e) {
            if (e.cancellationReasons().getFirst().code().equals("ConditionalCheckFailed")) {
                return false;
            }
            throw e;
        }
    }

    Optional<User> userByEmailIndex(String emailIndex) {
        return Optional.ofNullable(emails.getItem(key("EMAIL#" + emailIndex, "EMAIL"))).flatMap(e -> user(e.userId()));
    }

    Optional<User> user(String userId) {
        return Optional.ofNullable(users.getItem(r -> r.key(key("USER#" + userId, "PROFILE")).consistentRead(true)));
    }

    void saveUser(User user) {
        users.putItem(user);
    }

    // Lockout

    Optional<Lockout> lockout(String emailIndex) {
        return Optional.ofNullable(lockouts.getItem(r -> r.key(key("LOCKOUT#" + emailIndex, "LOCKOUT")).consistentRead(true)));
    }

    /** Counts one more consecutive failure, atomically; returns the count. */
    long recordFailure(String emailIndex, long expiresAtEpochSeconds) {
        return Long.parseLong(dynamoDb.updateItem(r -> r.tableName(tableName)
                .key(Map.of("pk", AttributeValue.fromS("LOCKOUT#" + emailIndex), "sk", AttributeValue.fromS("LOCKOUT")))
                .updateExpression("ADD failures :one SET expiresAt = :expires")
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"),
                        ":expires", AttributeValue.fromN(Long.toString(expiresAtEpochSeconds))))
                .returnValues(ReturnValue.UPDATED_NEW)).attributes().get("failures").n());
    }

    void lockUntil(String emailIndex, long lockedUntilMillis) {
        dynamoDb.updateItem(r -> r.tableName(tableName)
                .key(Map.of("pk", AttributeValue.fromS("LOCKOUT#" + emailIndex), "sk", AttributeValue.fromS("LOCKOUT")))
                .updateExpression("SET lockedUntil = :until")
                .expressionAttributeValues(Map.of(":until", AttributeValue.fromN(Long.toString(lockedUntilMillis)))));
    }

    void clearLockout(String emailIndex) {
        lockouts.deleteItem(key("LOCKOUT#" + emailIndex, "LOCKOUT"));
    }

    // Sessions and refresh tokens

    void createSession(Session session, Refresh refresh) {
        enhanced.transactWriteItems(t -> t
                .addPutItem(sessions, TransactPutItemEnhancedRequest.builder(Session.class).item(session)
                        .conditionExpression(NEW_ITEM).build())
                .addPutItem(refreshes, TransactPutItemEnhancedRequest.builder(Refresh.class).item(refresh)
                        .conditionExpression(NEW_ITEM).build()));
    }

    Optional<Session> session(String sessionId) {
        return Optional.ofNullable(sessions.getItem(r -> r.key(key("SESSION#" + sessionId, "SESSION")).consistentRead(true)));
    }

    List<Session> sessionsOf(String userId) {
        return sessions.index(AuthItems.GSI1).query(r -> r.queryConditional(QueryConditional.sortBeginsWith(
                        Key.builder().partitionValue("USER#" + userId).sortValue("SESSION#").build())))
                .stream().flatMap(page -> page.items().stream()).toList();
    }

    /** Marks a session revoked, once; later calls keep the first revocation time. */
    void revokeSession(String sessionId, long nowMillis) {
        try {
            dynamoDb.updateItem(r -> r.tableName(tableName)
                    .key(Map.of("pk", AttributeValue.fromS("SESSION#" + sessionId), "sk", AttributeValue.fromS("SESSION")))
                    .updateExpression("SET revokedAt = :now")
                    .conditionExpression("attribute_exists(pk) AND attribute_not_exists(revokedAt)")
                    .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(nowMillis)))));
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException alreadyRevoked) {
            // Revoking twice is revoking once.
        }
    }

    void touchSession(String sessionId, long nowMillis) {
        dynamoDb.updateItem(r -> r.tableName(tableName)
                .key(Map.of("pk", AttributeValue.fromS("SESSION#" + sessionId), "sk", AttributeValue.fromS("SESSION")))
                .updateExpression("SET lastUsedAt = :now")
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(nowMillis)))));
    }

    Optional<Refresh> refresh(String tokenHash) {
        return Optional.ofNullable(refreshes.getItem(r -> r.key(key("REFRESH#" + tokenHash, "REFRESH")).consistentRead(true)));
    }

    /**
     * Rotates a current refresh token into its successor, atomically: the parent must still be
     * current and the child new. False when another request rotated it first.
     */
    boolean rotate(Refresh parent, Refresh child, long nowMillis) {
        Refresh rotated = new Refresh(parent.pk(), parent.sk(), parent.sessionId(), parent.userId(), nowMillis,
                parent.expiresAt());
        try {
            enhanced.transactWriteItems(t -> t
                    .addUpdateItem(refreshes, TransactUpdateItemEnhancedRequest.builder(Refresh.class).item(rotated)
                            .conditionExpression(Expression.builder()
                                    .expression("attribute_exists(pk) AND attribute_not_exists(rotatedAt)").build())
                            .build())
                    .addPutItem(refreshes, TransactPutItemEnhancedRequest.builder(Refresh.class).item(child)
                            .conditionExpression(NEW_ITEM).build()));
            return true;
        } catch (TransactionCanceledException raced) {
            return false;
        }
    }

    // Workspaces

    List<Member> membershipsOf(String userId) {
        return members.index(AuthItems.GSI1).query(r -> r.queryConditional(QueryConditional.sortBeginsWith(
                        Key.builder().partitionValue("USER#" + userId).sortValue("WS#").build())))
                .stream().flatMap(page -> page.items().stream()).toList();
    }
}

package app.devskyy.auth;

import app.devskyy.auth.AuthItems.Challenge;
import app.devskyy.auth.AuthItems.Email;
import app.devskyy.auth.AuthItems.Lockout;
import app.devskyy.auth.AuthItems.Member;
import app.devskyy.auth.AuthItems.MfaFactor;
import app.devskyy.auth.AuthItems.RecoveryCode;
import app.devskyy.auth.AuthItems.Refresh;
import app.devskyy.auth.AuthItems.Session;
import app.devskyy.auth.AuthItems.User;
import app.devskyy.auth.AuthItems.Workspace;
import app.devskyy.core.aws.DynamoTables;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactUpdateItemEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** The auth table: every read and write of the auth family, each one access pattern. */
final class AuthStore {

    private static final Expression NEW_ITEM =
            Expression.builder().expression("attribute_not_exists(pk)").build();

    private final DynamoDbClient dynamoDb;
    private final DynamoTables tables;
    private final String tableName;
    private final DynamoDbTable<User> users;
    private final DynamoDbTable<Email> emails;
    private final DynamoDbTable<Lockout> lockouts;
    private final DynamoDbTable<Session> sessions;
    private final DynamoDbTable<Refresh> refreshes;
    private final DynamoDbTable<Workspace> workspaces;
    private final DynamoDbTable<Member> members;
    private final DynamoDbTable<MfaFactor> factors;
    private final DynamoDbTable<RecoveryCode> recoveryCodes;
    private final DynamoDbTable<Challenge> challenges;
    private final DynamoDbTable<AuthItems.ApiKey> apiKeys;
    private final DynamoDbTable<AuthItems.EmailToken> emailTokens;

    AuthStore(DynamoDbClient dynamoDb, DynamoTables tables, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tables = tables;
        this.tableName = tableName;
        this.users = tables.table(tableName, User.SCHEMA);
        this.emails = tables.table(tableName, Email.SCHEMA);
        this.lockouts = tables.table(tableName, Lockout.SCHEMA);
        this.sessions = tables.table(tableName, Session.SCHEMA);
        this.refreshes = tables.table(tableName, Refresh.SCHEMA);
        this.workspaces = tables.table(tableName, Workspace.SCHEMA);
        this.members = tables.table(tableName, Member.SCHEMA);
        this.factors = tables.table(tableName, MfaFactor.SCHEMA);
        this.recoveryCodes = tables.table(tableName, RecoveryCode.SCHEMA);
        this.challenges = tables.table(tableName, Challenge.SCHEMA);
        this.apiKeys = tables.table(tableName, AuthItems.ApiKey.SCHEMA);
        this.emailTokens = tables.table(tableName, AuthItems.EmailToken.SCHEMA);
    }

    // Email tokens

    void saveEmailToken(AuthItems.EmailToken token) {
        emailTokens.putItem(token);
    }

    /** Takes a token out, once: the one request that deletes it gets it, later ones get nothing. */
    Optional<AuthItems.EmailToken> consumeEmailToken(String hash) {
        try {
            var old = dynamoDb.deleteItem(r -> r.tableName(tableName)
                            .key(Map.of(
                                    "pk",
                                    AttributeValue.fromS("EMAILTOKEN#" + hash),
                                    "sk",
                                    AttributeValue.fromS("EMAILTOKEN")))
                            .conditionExpression("attribute_exists(pk)")
                            .returnValues(ReturnValue.ALL_OLD))
                    .attributes();
            return Optional.of(AuthItems.EmailToken.SCHEMA.mapToItem(old));
        } catch (ConditionalCheckFailedException unknown) {
            return Optional.empty();
        }
    }

    // API keys

    void createApiKey(AuthItems.ApiKey key) {
        apiKeys.putItem(r -> r.item(key).conditionExpression(NEW_ITEM));
    }

    List<AuthItems.ApiKey> apiKeysOf(String workspaceId) {
        return apiKeys
                .index(AuthItems.GSI1)
                .query(r -> r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                        .partitionValue("WS#" + workspaceId)
                        .sortValue("APIKEY#")
                        .build())))
                .stream()
                .flatMap(page -> page.items().stream())
                .toList();
    }

    void revokeApiKey(AuthItems.ApiKey key, long nowMillis) {
        try {
            dynamoDb.updateItem(r -> r.tableName(tableName)
                    .key(Map.of("pk", AttributeValue.fromS(key.pk()), "sk", AttributeValue.fromS(key.sk())))
                    .updateExpression("SET revokedAt = :now")
                    .conditionExpression("attribute_exists(pk) AND attribute_not_exists(revokedAt)")
                    .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(nowMillis)))));
        } catch (ConditionalCheckFailedException alreadyRevoked) {
            // Revoking twice is revoking once.
        }
    }

    private static Key key(String pk, String sk) {
        return Key.builder().partitionValue(pk).sortValue(sk).build();
    }

    // Accounts

    /** Creates user, email claim, personal workspace and membership at once; false when the email is taken. */
    boolean createAccount(User user, Workspace workspace, Member owner) {
        try {
            tables.transact(t -> t.addPutItem(
                            emails,
                            TransactPutItemEnhancedRequest.builder(Email.class)
                                    .item(Email.of(user.emailIndex(), user.userId()))
                                    .conditionExpression(NEW_ITEM)
                                    .build())
                    .addPutItem(
                            users,
                            TransactPutItemEnhancedRequest.builder(User.class)
                                    .item(user)
                                    .conditionExpression(NEW_ITEM)
                                    .build())
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
        return Optional.ofNullable(emails.getItem(key("EMAIL#" + emailIndex, "EMAIL")))
                .flatMap(e -> user(e.userId()));
    }

    Optional<User> user(String userId) {
        return Optional.ofNullable(
                users.getItem(r -> r.key(key("USER#" + userId, "PROFILE")).consistentRead(true)));
    }

    void saveUser(User user) {
        users.putItem(user);
    }

    /** Writes a new password hash only over the one the caller verified; false when another change won. */
    boolean replacePasswordHash(User user, String newHash) {
        try {
            users.putItem(r -> r.item(user.withPasswordHash(newHash))
                    .conditionExpression(Expression.builder()
                            .expression("passwordHash = :verified")
                            .putExpressionValue(":verified", AttributeValue.fromS(user.passwordHash()))
                            .build()));
            return true;
        } catch (ConditionalCheckFailedException changed) {
            return false;
        }
    }

    /** A page of users, oldest first; {@code after} is the index sort key of the previous page's last user. */
    record UserPage(List<User> users, String next) {}

    UserPage users(int limit, String after) {
        var page = users.index(AuthItems.GSI1)
                .query(r -> {
                    r.queryConditional(QueryConditional.keyEqualTo(
                                    Key.builder().partitionValue("USERS").build()))
                            .limit(limit);
                    if (after != null) {
                        String userId = after.substring(after.indexOf('#') + 1);
                        r.exclusiveStartKey(Map.of(
                                "gsi1pk",
                                AttributeValue.fromS("USERS"),
                                "gsi1sk",
                                AttributeValue.fromS(after),
                                "pk",
                                AttributeValue.fromS("USER#" + userId),
                                "sk",
                                AttributeValue.fromS("PROFILE")));
                    }
                })
                .iterator()
                .next();
        String next = page.lastEvaluatedKey() == null
                ? null
                : page.lastEvaluatedKey().get("gsi1sk").s();
        return new UserPage(page.items(), next);
    }

    // Lockout

    Optional<Lockout> lockout(String emailIndex) {
        return Optional.ofNullable(lockouts.getItem(
                r -> r.key(key("LOCKOUT#" + emailIndex, "LOCKOUT")).consistentRead(true)));
    }

    /** Counts one more consecutive failure, atomically; returns the count. */
    long recordFailure(String emailIndex, long expiresAtEpochSeconds) {
        return Long.parseLong(dynamoDb.updateItem(r -> r.tableName(tableName)
                        .key(Map.of(
                                "pk",
                                AttributeValue.fromS("LOCKOUT#" + emailIndex),
                                "sk",
                                AttributeValue.fromS("LOCKOUT")))
                        .updateExpression("ADD failures :one SET expiresAt = :expires")
                        .expressionAttributeValues(Map.of(
                                ":one",
                                AttributeValue.fromN("1"),
                                ":expires",
                                AttributeValue.fromN(Long.toString(expiresAtEpochSeconds))))
                        .returnValues(ReturnValue.UPDATED_NEW))
                .attributes()
                .get("failures")
                .n());
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
        tables.transact(t -> t.addPutItem(
                        sessions,
                        TransactPutItemEnhancedRequest.builder(Session.class)
                                .item(session)
                                .conditionExpression(NEW_ITEM)
                                .build())
                .addPutItem(
                        refreshes,
                        TransactPutItemEnhancedRequest.builder(Refresh.class)
                                .item(refresh)
                                .conditionExpression(NEW_ITEM)
                                .build()));
    }

    Optional<Session> session(String sessionId) {
        return Optional.ofNullable(sessions.getItem(
                r -> r.key(key("SESSION#" + sessionId, "SESSION")).consistentRead(true)));
    }

    List<Session> sessionsOf(String userId) {
        return sessions
                .index(AuthItems.GSI1)
                .query(r -> r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                        .partitionValue("USER#" + userId)
                        .sortValue("SESSION#")
                        .build())))
                .stream()
                .flatMap(page -> page.items().stream())
                .toList();
    }

    /** Marks a session revoked, once; later calls keep the first revocation time. */
    void revokeSession(String sessionId, long nowMillis) {
        try {
            dynamoDb.updateItem(r -> r.tableName(tableName)
                    .key(Map.of(
                            "pk", AttributeValue.fromS("SESSION#" + sessionId), "sk", AttributeValue.fromS("SESSION")))
                    .updateExpression("SET revokedAt = :now")
                    .conditionExpression("attribute_exists(pk) AND attribute_not_exists(revokedAt)")
                    .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(nowMillis)))));
        } catch (ConditionalCheckFailedException alreadyRevoked) {
            // Revoking twice is revoking once.
        }
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
        dynamoDb.updateItem(r -> r.tableName(tableName)
                .key(Map.of("pk", AttributeValue.fromS("SESSION#" + sessionId), "sk", AttributeValue.fromS("SESSION")))
                .updateExpression("SET lastUsedAt = :now")
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(nowMillis)))));
    }

    Optional<Refresh> refresh(String tokenHash) {
        return Optional.ofNullable(refreshes.getItem(
                r -> r.key(key("REFRESH#" + tokenHash, "REFRESH")).consistentRead(true)));
    }

    /**
     * Rotates a current refresh token into its successor, atomically: the parent must still be
     * current and the child new. False when another request rotated it first.
     */
    boolean rotate(Refresh parent, Refresh child, long nowMillis) {
        Refresh rotated = new Refresh(
                parent.pk(), parent.sk(), parent.sessionId(), parent.userId(), nowMillis, parent.expiresAt());
        try {
            tables.transact(t -> t.addUpdateItem(
                            refreshes,
                            TransactUpdateItemEnhancedRequest.builder(Refresh.class)
                                    .item(rotated)
                                    .conditionExpression(Expression.builder()
                                            .expression("attribute_exists(pk) AND attribute_not_exists(rotatedAt)")
                                            .build())
                                    .build())
                    .addPutItem(
                            refreshes,
                            TransactPutItemEnhancedRequest.builder(Refresh.class)
                                    .item(child)
                                    .conditionExpression(NEW_ITEM)
                                    .build()));
            return true;
        } catch (TransactionCanceledException raced) {
            return false;
        }
    }

    // Second factors

    List<MfaFactor> factorsOf(String userId) {
        return factors
                .query(r -> r.consistentRead(true)
                        .queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                                .partitionValue("USER#" + userId)
                                .sortValue("MFA#")
                                .build())))
                .items()
                .stream()
                .toList();
    }

    void saveFactor(MfaFactor factor) {
        factors.putItem(factor);
    }

    void deleteFactor(MfaFactor factor) {
        factors.deleteItem(key(factor.pk(), factor.sk()));
    }

    /**
     * Accepts a code's time step once: succeeds only when the step is later than every step
     * accepted before, so a replayed code (or an older one) fails even under concurrency.
     */
    boolean acceptStep(MfaFactor factor, long step, boolean markVerified) {
        try {
            dynamoDb.updateItem(r -> r.tableName(tableName)
                    .key(Map.of("pk", AttributeValue.fromS(factor.pk()), "sk", AttributeValue.fromS(factor.sk())))
                    .updateExpression(markVerified ? "SET lastStep = :step, verified = :true" : "SET lastStep = :step")
                    .conditionExpression(
                            "attribute_exists(pk) AND (attribute_not_exists(lastStep) OR lastStep < :step)")
                    .expressionAttributeValues(
                            markVerified
                                    ? Map.of(
                                            ":step",
                                            AttributeValue.fromN(Long.toString(step)),
                                            ":true",
                                            AttributeValue.fromBool(true))
                                    : Map.of(":step", AttributeValue.fromN(Long.toString(step)))));
            return true;
        } catch (ConditionalCheckFailedException replayed) {
            return false;
        }
    }

    /** Replaces a user's recovery codes with new ones (given as hashes). */
    void replaceRecoveryCodes(String userId, List<String> hashes) {
        recoveryCodes
                .query(r -> r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                        .partitionValue("USER#" + userId)
                        .sortValue("RECOVERY#")
                        .build())))
                .items()
                .forEach(code -> recoveryCodes.deleteItem(code));
        for (String hash : hashes) {
            recoveryCodes.putItem(new RecoveryCode("USER#" + userId, "RECOVERY#" + hash));
        }
    }

    /** Uses up a recovery code: true once per code, even under concurrency. */
    boolean useRecoveryCode(String userId, String hash) {
        try {
            dynamoDb.deleteItem(r -> r.tableName(tableName)
                    .key(Map.of(
                            "pk",
                            AttributeValue.fromS("USER#" + userId),
                            "sk",
                            AttributeValue.fromS("RECOVERY#" + hash)))
                    .conditionExpression("attribute_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException unknown) {
            return false;
        }
    }

    void saveChallenge(Challenge challenge) {
        challenges.putItem(challenge);
    }

    Optional<Challenge> challenge(String challengeId) {
        return Optional.ofNullable(challenges.getItem(
                r -> r.key(key("CHALLENGE#" + challengeId, "CHALLENGE")).consistentRead(true)));
    }

    /** Ends a challenge; true only for the one request that ends it. */
    boolean consumeChallenge(Challenge challenge) {
        try {
            dynamoDb.deleteItem(r -> r.tableName(tableName)
                    .key(Map.of("pk", AttributeValue.fromS(challenge.pk()), "sk", AttributeValue.fromS(challenge.sk())))
                    .conditionExpression("attribute_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException gone) {
            return false;
        }
    }

    // Workspaces

    /** Creates a workspace with its creator as first admin. */
    void createWorkspace(Workspace workspace, Member creator) {
        tables.transact(t -> t.addPutItem(
                        workspaces,
                        TransactPutItemEnhancedRequest.builder(Workspace.class)
                                .item(workspace)
                                .conditionExpression(NEW_ITEM)
                                .build())
                .addPutItem(members, creator));
    }

    Optional<Workspace> workspace(String workspaceId) {
        return Optional.ofNullable(
                workspaces.getItem(r -> r.key(key("WS#" + workspaceId, "META")).consistentRead(true)));
    }

    void renameWorkspace(String workspaceId, String name) {
        dynamoDb.updateItem(r -> r.tableName(tableName)
                .key(workspaceKey(workspaceId))
                .updateExpression("SET #name = :name")
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeNames(Map.of("#name", "name"))
                .expressionAttributeValues(Map.of(":name", AttributeValue.fromS(name))));
    }

    Optional<Member> member(String workspaceId, String userId) {
        return Optional.ofNullable(members.getItem(
                r -> r.key(key("WS#" + workspaceId, "MEMBER#" + userId)).consistentRead(true)));
    }

    List<Member> membersOf(String workspaceId) {
        return members
                .query(r -> r.consistentRead(true)
                        .queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                                .partitionValue("WS#" + workspaceId)
                                .sortValue("MEMBER#")
                                .build())))
                .items()
                .stream()
                .toList();
    }

    /** Outcome of a membership change. */
    enum Change {
        DONE,
        CONFLICT,
        LAST_ADMIN
    }

    /** Adds a member; the workspace's admin count follows. CONFLICT when already a member. */
    Change addMember(Member member) {
        return membership(List.of(
                put(member, "attribute_not_exists(pk)"),
                adminCount(member.workspaceId(), member.role().equals("admin") ? 1 : 0, false)));
    }

    /** Changes a member's role; LAST_ADMIN when it would leave the workspace without an admin. */
    Change changeRole(Member current, String role) {
        int delta = (role.equals("admin") ? 1 : 0) - (current.role().equals("admin") ? 1 : 0);
        Member changed = new Member(
                current.pk(),
                current.sk(),
                current.workspaceId(),
                current.userId(),
                role,
                current.joinedAt(),
                current.gsi1pk(),
                current.gsi1sk());
        return membership(List.of(
                put(changed, "#role = :expected", Map.of(":expected", AttributeValue.fromS(current.role()))),
                adminCount(current.workspaceId(), delta, delta < 0)));
    }

    /** Removes a member; LAST_ADMIN when it is the last admin. */
    Change removeMember(Member current) {
        int delta = current.role().equals("admin") ? -1 : 0;
        var delete = TransactWriteItem.builder()
                .delete(d -> d.tableName(tableName)
                        .key(Map.of("pk", AttributeValue.fromS(current.pk()), "sk", AttributeValue.fromS(current.sk())))
                        .conditionExpression("#role = :expected")
                        .expressionAttributeNames(Map.of("#role", "role"))
                        .expressionAttributeValues(Map.of(":expected", AttributeValue.fromS(current.role()))))
                .build();
        return membership(List.of(delete, adminCount(current.workspaceId(), delta, delta < 0)));
    }

    private TransactWriteItem put(Member member, String condition) {
        return put(member, condition, Map.of());
    }

    private TransactWriteItem put(Member member, String condition, Map<String, AttributeValue> values) {
        Map<String, String> names = condition.contains("#role") ? Map.of("#role", "role") : null;
        return TransactWriteItem.builder()
                .put(p -> p.tableName(tableName)
                        .item(Member.SCHEMA.itemToMap(member, true))
                        .conditionExpression(condition)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values.isEmpty() ? null : values))
                .build();
    }

    /** Adjusts the admin count; when it decreases, only while another admin remains. */
    private TransactWriteItem adminCount(String workspaceId, int delta, boolean keepOne) {
        return TransactWriteItem.builder()
                .update(u -> u.tableName(tableName)
                        .key(workspaceKey(workspaceId))
                        .updateExpression("ADD admins :delta")
                        .conditionExpression(
                                keepOne ? "attribute_exists(pk) AND admins > :one" : "attribute_exists(pk)")
                        .expressionAttributeValues(
                                keepOne
                                        ? Map.of(
                                                ":delta",
                                                AttributeValue.fromN(Integer.toString(delta)),
                                                ":one",
                                                AttributeValue.fromN("1"))
                                        : Map.of(":delta", AttributeValue.fromN(Integer.toString(delta)))))
                .build();
    }

    private Change membership(List<TransactWriteItem> items) {
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(items));
            return Change.DONE;
        } catch (TransactionCanceledException e) {
            // Reasons are in item order: the membership first, the admin count second.
            return "ConditionalCheckFailed"
                            .equals(e.cancellationReasons().get(1).code())
                    ? Change.LAST_ADMIN
                    : Change.CONFLICT;
        }
    }

    private static Map<String, AttributeValue> workspaceKey(String workspaceId) {
        return Map.of("pk", AttributeValue.fromS("WS#" + workspaceId), "sk", AttributeValue.fromS("META"));
    }

    List<Member> membershipsOf(String userId) {
        return members
                .index(AuthItems.GSI1)
                .query(r -> r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                        .partitionValue("USER#" + userId)
                        .sortValue("WS#")
                        .build())))
                .stream()
                .flatMap(page -> page.items().stream())
                .toList();
    }
}

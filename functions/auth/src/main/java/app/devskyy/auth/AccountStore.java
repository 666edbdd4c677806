package app.devskyy.auth;

import app.devskyy.auth.AuthItems.Email;
import app.devskyy.auth.AuthItems.EmailToken;
import app.devskyy.auth.AuthItems.Lockout;
import app.devskyy.auth.AuthItems.Member;
import app.devskyy.auth.AuthItems.User;
import app.devskyy.auth.AuthItems.Workspace;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.aws.ItemUpdate;
import app.devskyy.core.aws.Values;
import app.devskyy.core.aws.Writes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Accounts: users, the email claims that make addresses unique, login lockouts and emailed tokens. */
final class AccountStore {

    private final DynamoDbClient dynamoDb;
    private final DynamoTables tables;
    private final String table;
    private final DynamoDbTable<User> users;
    private final DynamoDbTable<Email> emails;
    private final DynamoDbTable<Lockout> lockouts;
    private final DynamoDbTable<EmailToken> emailTokens;
    private final DynamoDbTable<Workspace> workspaces;
    private final DynamoDbTable<Member> members;
    private final DynamoDbTable<AuthItems.Bootstrap> bootstraps;

    AccountStore(DynamoDbClient dynamoDb, DynamoTables tables, String table) {
        this.dynamoDb = dynamoDb;
        this.tables = tables;
        this.table = table;
        this.users = tables.table(table, User.SCHEMA);
        this.emails = tables.table(table, Email.SCHEMA);
        this.lockouts = tables.table(table, Lockout.SCHEMA);
        this.emailTokens = tables.table(table, EmailToken.SCHEMA);
        this.workspaces = tables.table(table, Workspace.SCHEMA);
        this.members = tables.table(table, Member.SCHEMA);
        this.bootstraps = tables.table(table, AuthItems.Bootstrap.SCHEMA);
    }

    /** Creates user, email claim, personal workspace and membership at once; false when the email is taken. */
    boolean createAccount(User user, Workspace workspace, Member owner) {
        return Writes.transaction(
                        tables,
                        t -> t.addPutItem(
                                        emails,
                                        TransactPutItemEnhancedRequest.builder(Email.class)
                                                .item(Email.of(user.emailIndex(), user.userId()))
                                                .conditionExpression(Writes.NEW_ITEM)
                                                .build())
                                .addPutItem(
                                        users,
                                        TransactPutItemEnhancedRequest.builder(User.class)
                                                .item(user)
                                                .conditionExpression(Writes.NEW_ITEM)
                                                .build())
                                .addPutItem(workspaces, workspace)
                                .addPutItem(members, owner))
                .isEmpty();
    }

    /** Makes {@code promoted} the first super admin, once: false when the bootstrap happened before. */
    boolean bootstrapSuperAdmin(User promoted, long now) {
        return Writes.transaction(
                        tables,
                        t -> t.addPutItem(
                                        bootstraps,
                                        TransactPutItemEnhancedRequest.builder(AuthItems.Bootstrap.class)
                                                .item(AuthItems.Bootstrap.at(now))
                                                .conditionExpression(Writes.NEW_ITEM)
                                                .build())
                                .addPutItem(
                                        users,
                                        TransactPutItemEnhancedRequest.builder(User.class)
                                                .item(promoted)
                                                .conditionExpression(Writes.EXISTING_ITEM)
                                                .build()))
                .isEmpty();
    }

    Optional<User> userByEmailIndex(String emailIndex) {
        return Optional.ofNullable(emails.getItem(AuthItems.email(emailIndex).key()))
                .flatMap(e -> user(e.userId()));
    }

    Optional<User> user(String userId) {
        return Optional.ofNullable(
                users.getItem(r -> r.key(AuthItems.user(userId).key()).consistentRead(true)));
    }

    void saveUser(User user) {
        users.putItem(user);
    }

    /** Writes a new password hash only over the one the caller verified; false when another change won. */
    boolean replacePasswordHash(User user, String newHash) {
        return Writes.ifHolds(() -> users.putItem(r -> r.item(user.withPasswordHash(newHash))
                .conditionExpression(Writes.condition(
                        "passwordHash = :verified", ":verified", AttributeValue.fromS(user.passwordHash())))));
    }

    /** A page of users, oldest first; {@code after} is the index sort key of the previous page's last user. */
    record UserPage(List<User> users, String next) {}

    UserPage users(int limit, String after) {
        var page = users.index(AuthItems.GSI1)
                .query(r -> {
                    r.queryConditional(QueryConditional.keyEqualTo(Key.builder()
                                    .partitionValue(AuthItems.USERS)
                                    .build()))
                            .limit(limit);
                    if (after != null) {
                        String userId = after.substring(after.indexOf('#') + 1);
                        Map<String, AttributeValue> start =
                                new HashMap<>(AuthItems.user(userId).attributes());
                        start.put("gsi1pk", AttributeValue.fromS(AuthItems.USERS));
                        start.put("gsi1sk", AttributeValue.fromS(after));
                        r.exclusiveStartKey(start);
                    }
                })
                .iterator()
                .next();
        return new UserPage(page.items(), Values.string(page.lastEvaluatedKey(), "gsi1sk"));
    }

    // Lockouts

    Optional<Lockout> lockout(String emailIndex) {
        return Optional.ofNullable(
                lockouts.getItem(r -> r.key(AuthItems.lockout(emailIndex).key()).consistentRead(true)));
    }

    /** Counts one more consecutive failure, atomically; returns the count. */
    long recordFailure(String emailIndex, long expiresAtEpochSeconds) {
        Map<String, AttributeValue> counted = ItemUpdate.of(table, AuthItems.lockout(emailIndex))
                .add("failures", 1)
                .set("expiresAt", expiresAtEpochSeconds)
                .apply(dynamoDb);
        return Values.number(counted, "failures", 1);
    }

    void lockUntil(String emailIndex, long lockedUntilMillis) {
        ItemUpdate.of(table, AuthItems.lockout(emailIndex))
                .set("lockedUntil", lockedUntilMillis)
                .apply(dynamoDb);
    }

    void clearLockout(String emailIndex) {
        lockouts.deleteItem(AuthItems.lockout(emailIndex).key());
    }

    // Email tokens

    void saveEmailToken(EmailToken token) {
        emailTokens.putItem(token);
    }

    /** Takes a token out, once: the one request that deletes it gets it, later ones get nothing. */
    Optional<EmailToken> consumeEmailToken(String hash) {
        return Writes.ifHolds(() -> emailTokens.deleteItem(
                r -> r.key(AuthItems.emailToken(hash).key()).conditionExpression(Writes.EXISTING_ITEM)));
    }
}

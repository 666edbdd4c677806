package app.devskyy.core.auth;

import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.ItemUpdate;
import app.devskyy.core.aws.Values;
import app.devskyy.core.billing.Entitlements;
import app.devskyy.core.config.Config;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Reads session state from the auth table ({@code AUTH_TABLE}, item {@code SESSION#<id>/SESSION})
 * for every function: the contract between the auth family, which writes sessions, and the
 * {@link Authenticator} of the others.
 */
public final class SessionTable {

    /** How often a busy API key's last use is written. */
    private static final Duration LAST_USED_EVERY = Duration.ofMinutes(5);

    private SessionTable() {}

    /** Revoked when the session is gone, revoked or past its expiry; a consistent read each time. */
    public static SessionRevocations revocations(DynamoTables tables, String table, Clock clock) {
        DynamoDbTable<CredentialItems.Session> sessions = tables.table(table, CredentialItems.Session.SCHEMA);
        return sessionId -> {
            CredentialItems.Session session = sessions.getItem(
                    r -> r.key(CredentialItems.session(sessionId).key()).consistentRead(true));
            return session == null || !session.active(clock.millis());
        };
    }

    /**
     * API keys as the auth family stores them ({@link CredentialItems.ApiKey}): active unless
     * revoked or expired. On a look-up the key's {@code lastUsedAt} is refreshed, at most every
     * five minutes (a conditional write), so that busy keys do not write on every call. A live key
     * beyond the plan's {@code apiKeys} (the newest first, after a downgrade) resolves with the role
     * {@link Role#FROZEN}: it is kept, and it works again once the plan allows it.
     */
    public static ApiKeys apiKeys(
            DynamoDbClient dynamoDb, DynamoTables tables, String table, Entitlements entitlements, Clock clock) {
        DynamoDbTable<CredentialItems.ApiKey> keys = tables.table(table, CredentialItems.ApiKey.SCHEMA);
        return presented -> {
            ItemKey itemKey = CredentialItems.apiKey(ApiKeys.hash(presented));
            CredentialItems.ApiKey key = keys.getItem(r -> r.key(itemKey.key()).consistentRead(true));
            long now = clock.millis();
            if (key == null || !key.isLive(now)) {
                return Optional.empty();
            }
            // False when recorded less than five minutes ago: nothing to do.
            ItemUpdate.of(table, itemKey)
                    .set("lastUsedAt", now)
                    .condition(
                            "attribute_exists(#pk) AND (attribute_not_exists(#lastUsedAt) OR #lastUsedAt < :stale)",
                            Map.of(":stale", Values.number(now - LAST_USED_EVERY.toMillis())))
                    .applyIf(dynamoDb);
            Optional<Role> platformRole =
                    key.platformRole() == null ? Optional.empty() : Role.fromWire(key.platformRole());
            return Role.fromWire(key.role())
                    .map(role -> isFrozen(keys, key, entitlements, now) ? Role.FROZEN : role)
                    .map(role -> new Principal(
                            "key:" + key.keyId(), "key:" + key.keyId(), Map.of(key.workspaceId(), role), platformRole));
        };
    }

    /** Whether the key's place among the workspace's live keys, oldest first, is beyond the plan's. */
    private static boolean isFrozen(
            DynamoDbTable<CredentialItems.ApiKey> keys,
            CredentialItems.ApiKey key,
            Entitlements entitlements,
            long now) {
        if (entitlements.of(key.workspaceId()).limit(Entitlements.API_KEYS).isEmpty()) {
            return false;
        }
        List<String> live = CredentialItems.ApiKey.liveBySeniority(
                keys
                        .index(CredentialItems.GSI1)
                        .query(r -> r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                                .partitionValue(CredentialItems.workspace(key.workspaceId()))
                                .sortValue(CredentialItems.API_KEYS)
                                .build())))
                        .stream()
                        .flatMap(page -> page.items().stream())
                        .toList(),
                now);
        return entitlements.isFrozen(key.workspaceId(), Entitlements.API_KEYS, Math.max(0, live.indexOf(key.keyId())));
    }

    /** When a session began (its login), for what asks for a fresh login; empty for an unknown session. */
    public static Function<String, Optional<Instant>> sessionStarts(DynamoTables tables, String table) {
        DynamoDbTable<CredentialItems.Session> sessions = tables.table(table, CredentialItems.Session.SCHEMA);
        return sessionId -> Optional.ofNullable(sessions.getItem(
                        r -> r.key(CredentialItems.session(sessionId).key()).consistentRead(true)))
                .map(session -> Instant.ofEpochMilli(session.createdAt()));
    }

    /**
     * The Authenticator of a function other than auth: the keys published in the auth table
     * ({@link PublishedKeys}), and revocations and API keys read from it, each answer reused for up
     * to a minute.
     */
    public static Authenticator authenticator(Config config, DynamoDbClient dynamoDb, DynamoTables tables) {
        String table = config.required("AUTH_TABLE", "AuthTable");
        Clock clock = Clock.systemUTC();
        return new Authenticator(
                new PublishedKeys(tables, table, clock).source(),
                TokenSettings.from(config),
                SessionRevocations.cached(revocations(tables, table, clock), clock),
                ApiKeys.cached(
                        apiKeys(dynamoDb, tables, table, Entitlements.fromConfig(config, tables, clock), clock),
                        clock));
    }
}

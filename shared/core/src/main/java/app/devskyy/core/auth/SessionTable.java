package app.devskyy.core.auth;

import app.devskyy.core.config.Config;
import com.nimbusds.jose.jwk.JWKSet;
import java.text.ParseException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Reads session state from the auth table ({@code AUTH_TABLE}, item {@code SESSION#<id>/SESSION})
 * for every function: the contract between the auth family, which writes sessions, and the
 * {@link Authenticator} of the others.
 */
public final class SessionTable {

    private SessionTable() {}

    /** Revoked when the session is gone, revoked or past its expiry; a consistent read each time. */
    public static SessionRevocations revocations(DynamoDbClient dynamoDb, String table, Clock clock) {
        return sessionId -> {
            Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(table)
                            .consistentRead(true)
                            .key(Map.of(
                                    "pk",
                                    AttributeValue.fromS("SESSION#" + sessionId),
                                    "sk",
                                    AttributeValue.fromS("SESSION"))))
                    .item();
            return item == null
                    || item.isEmpty()
                    || item.containsKey("revokedAt")
                    || Long.parseLong(item.get("expiresAt").n()) * 1000 <= clock.millis();
        };
    }

    /**
     * API keys as the auth family stores them ({@code APIKEY#<hash>/APIKEY}): active unless revoked
     * or expired. On a look-up the key's {@code lastUsedAt} is refreshed, at most every five
     * minutes (a conditional write), so that busy keys do not write on every call.
     */
    public static ApiKeys apiKeys(DynamoDbClient dynamoDb, String table, Clock clock) {
        return presented -> {
            Map<String, AttributeValue> key = Map.of(
                    "pk",
                    AttributeValue.fromS("APIKEY#" + ApiKeys.hash(presented)),
                    "sk",
                    AttributeValue.fromS("APIKEY"));
            Map<String, AttributeValue> item = dynamoDb.getItem(
                            r -> r.tableName(table).consistentRead(true).key(key))
                    .item();
            long now = clock.millis();
            if (item == null
                    || item.isEmpty()
                    || item.containsKey("revokedAt")
                    || (item.containsKey("expiresAt")
                            && Long.parseLong(item.get("expiresAt").n()) * 1000 <= now)) {
                return Optional.empty();
            }
            try {
                dynamoDb.updateItem(r -> r.tableName(table)
                        .key(key)
                        .updateExpression("SET lastUsedAt = :now")
                        .conditionExpression(
                                "attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :stale)")
                        .expressionAttributeValues(Map.of(
                                ":now",
                                AttributeValue.fromN(Long.toString(now)),
                                ":stale",
                                AttributeValue.fromN(Long.toString(now - 300_000)))));
            } catch (ConditionalCheckFailedException recent) {
                // Recorded less than five minutes ago.
            }
            String keyId = item.get("keyId").s();
            Optional<Role> platformRole = item.containsKey("platformRole")
                    ? Role.fromWire(item.get("platformRole").s())
                    : Optional.empty();
            return Role.fromWire(item.get("role").s())
                    .map(role -> new Principal(
                            "key:" + keyId,
                            "key:" + keyId,
                            Map.of(item.get("workspaceId").s(), role),
                            platformRole));
        };
    }

    /**
     * The Authenticator of a function other than auth: public keys from {@code AUTH_JWKS}, and
     * revocations and API keys read from the auth table, each answer reused for up to a minute.
     */
    public static Authenticator authenticator(Config config, DynamoDbClient dynamoDb) {
        JWKSet keys;
        try {
            keys = JWKSet.parse(config.required("AUTH_JWKS"));
        } catch (ParseException e) {
            throw new Config.InvalidSettingException("AUTH_JWKS");
        }
        String table = config.required("AUTH_TABLE", "AuthTable");
        return new Authenticator(
                keys,
                TokenSettings.from(config),
                SessionRevocations.cached(revocations(dynamoDb, table, Clock.systemUTC()), Clock.systemUTC()),
                ApiKeys.cached(apiKeys(dynamoDb, table, Clock.systemUTC()), Clock.systemUTC()));
    }
}

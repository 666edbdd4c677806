package app.devskyy.core.auth;

import app.devskyy.core.config.Config;
import com.nimbusds.jose.jwk.JWKSet;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads session state from the auth table ({@code AUTH_TABLE}, item {@code SESSION#<id>/SESSION})
 * for every function: the contract between the auth family, which writes sessions, and the
 * {@link Authenticator} of the others.
 */
public final class SessionTable {

    private SessionTable() {
    }

    /** Revoked when the session is gone, revoked or past its expiry; a consistent read each time. */
    public static SessionRevocations revocations(DynamoDbClient dynamoDb, String table, Clock clock) {
        return sessionId -> {
            Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(table).consistentRead(true)
                    .key(Map.of("pk", AttributeValue.fromS("SESSION#" + sessionId), "sk", AttributeValue.fromS("SESSION"))))
                    .item();
            return item == null || item.isEmpty() || item.containsKey("revokedAt")
                    || Long.parseLong(item.get("expiresAt").n()) * 1000 <= clock.millis();
        };
    }

    /**
     * The Authenticator of a function other than auth: public keys from {@code AUTH_JWKS}, and
     * revocations read from the auth table, each answer reused for up to a minute.
     */
    public static Authenticator authenticator(Config config, DynamoDbClient dynamoDb) {
        JWKSet keys;
        try {
            keys = JWKSet.parse(config.required("AUTH_JWKS"));
        } catch (java.text.ParseException e) {
            throw new Config.InvalidSettingException("AUTH_JWKS");
        }
        return new Authenticator(keys, TokenSettings.from(config), SessionRevocations.cached(
                revocations(dynamoDb, config.required("AUTH_TABLE", "AuthTable"), Clock.systemUTC()), Clock.systemUTC()));
    }
}

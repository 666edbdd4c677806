package app.devskyy.core.auth;

import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.RecordSchema;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;

/**
 * The items of the auth table that every function reads: sessions (is this token's session still
 * open?) and API keys (whose is this key?). The auth family writes them; this is the contract
 * between it and every other family's {@link Authenticator}, so it lives in the core.
 */
public final class CredentialItems {

    /** The auth table's one index: a user's sessions and workspaces, a workspace's keys, all users. */
    public static final String GSI1 = "gsi1";

    public static final String SESSIONS = "SESSION#";
    public static final String API_KEYS = "APIKEY#";
    /** Every user id begins so; API keys, providers and the system are other actors. */
    public static final String USER_ID_PREFIX = "usr_";
    /** A workspace's member items: {@code WS#<id>/MEMBER#<user>}. */
    public static final String MEMBERS = "MEMBER#";
    /** The index sort key prefix of a user's memberships ({@code gsi1pk = USER#<id>}). */
    public static final String MEMBERSHIPS = "WS#";
    /** The index partition under which every profile is listed ({@code gsi1pk = USERS}). */
    public static final String USERS = "USERS";
    /** A person's second factors: {@code USER#<id>/MFA#<factor>}, with {@code verified}. */
    public static final String FACTORS = "MFA#";
    /** A workspace's own item: {@code WS#<id>/META}, with {@code personal} and {@code admins}. */
    public static final String WORKSPACE_META = "META";

    private CredentialItems() {}

    public static String user(String userId) {
        return "USER#" + userId;
    }

    public static String workspace(String workspaceId) {
        return "WS#" + workspaceId;
    }

    public static ItemKey session(String sessionId) {
        return ItemKey.of(SESSIONS + sessionId, "SESSION");
    }

    /** A new API key's item: found by its hash when presented, listed under its workspace. */
    public static ApiKey newApiKey(
            String keyHash,
            String keyId,
            String workspaceId,
            String name,
            String role,
            String platformRole,
            String prefix,
            String createdBy,
            long createdAt,
            Long expiresAt) {
        ItemKey key = apiKey(keyHash);
        return new ApiKey(
                key.pk(),
                key.sk(),
                keyId,
                workspaceId,
                name,
                role,
                platformRole,
                prefix,
                createdBy,
                createdAt,
                expiresAt,
                null,
                null,
                workspace(workspaceId),
                API_KEYS + keyId);
    }

    /** An API key's item, found by the SHA-256 of the key as presented. */
    /** A person's profile ({@code USER#<id>/PROFILE}), which the auth family writes. */
    public static ItemKey profile(String userId) {
        return ItemKey.of(user(userId), "PROFILE");
    }

    /** Which account an email address is ({@code EMAIL#<blind index>/EMAIL}), written by the auth family. */
    public static ItemKey emailClaim(String emailIndex) {
        return ItemKey.of("EMAIL#" + emailIndex, "EMAIL");
    }

    /** An email address as its blind index is taken of it: trimmed, lower case. */
    public static String normalizeEmail(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    /** What other families read of an email claim: whose the address is. */
    public record EmailOwner(String pk, String sk, String userId) {

        public static final TableSchema<EmailOwner> SCHEMA = RecordSchema.of(
                        EmailOwner.class, f -> new EmailOwner(f.string("pk"), f.string("sk"), f.string("userId")))
                .partitionKey("pk", EmailOwner::pk)
                .sortKey("sk", EmailOwner::sk)
                .string("userId", EmailOwner::userId)
                .build();
    }

    /** The encryption context of a person's email address in their profile. */
    public static String emailContext(String userId) {
        return "user:" + userId + ":email";
    }

    /**
     * What other families read of a profile: how to reach the person. The email address is
     * encrypted ({@link #emailContext}); the item has more attributes, which this record leaves out.
     */
    public record Contact(String pk, String sk, String emailCipher) {

        public static final TableSchema<Contact> SCHEMA = RecordSchema.of(
                        Contact.class, f -> new Contact(f.string("pk"), f.string("sk"), f.string("emailCipher")))
                .partitionKey("pk", Contact::pk)
                .sortKey("sk", Contact::sk)
                .string("emailCipher", Contact::emailCipher)
                .build();
    }

    /** The partition of the published token verification keys, one item per key. */
    public static final String PUBLISHED_KEYS = "JWKS";

    /** A published public signing key ({@code JWKS/KEY#<kid>}), which every function verifies tokens with. */
    public static ItemKey publishedKey(String keyId) {
        return ItemKey.of(PUBLISHED_KEYS, "KEY#" + keyId);
    }

    /** A published key: its public JWK as JSON, and when it was published. */
    public record PublishedKey(String pk, String sk, String jwk, long publishedAt) {

        public static final TableSchema<PublishedKey> SCHEMA = RecordSchema.of(
                        PublishedKey.class,
                        f -> new PublishedKey(
                                f.string("pk"), f.string("sk"), f.string("jwk"), f.number("publishedAt", 0)))
                .partitionKey("pk", PublishedKey::pk)
                .sortKey("sk", PublishedKey::sk)
                .string("jwk", PublishedKey::jwk)
                .number("publishedAt", PublishedKey::publishedAt)
                .build();
    }

    public static ItemKey apiKey(String keyHash) {
        return ItemKey.of(API_KEYS + keyHash, "APIKEY");
    }

    /**
     * {@code SESSION#<id>/SESSION}; a user's sessions under {@code gsi1pk = USER#<id>}. {@code aal}
     * is how the session was signed in: {@code aal1} (password) or {@code aal2} (second factor).
     */
    public record Session(
            String pk,
            String sk,
            String sessionId,
            String userId,
            long createdAt,
            long lastUsedAt,
            String ipCipher,
            String agentCipher,
            Long revokedAt,
            long expiresAt,
            String aal,
            String gsi1pk,
            String gsi1sk) {

        public static Session of(
                String sessionId,
                String userId,
                long now,
                String ipCipher,
                String agentCipher,
                long expiresAt,
                String aal) {
            return new Session(
                    session(sessionId).pk(),
                    session(sessionId).sk(),
                    sessionId,
                    userId,
                    now,
                    now,
                    ipCipher,
                    agentCipher,
                    null,
                    expiresAt,
                    aal,
                    user(userId),
                    SESSIONS + now + "#" + sessionId);
        }

        public boolean active(long nowMillis) {
            return revokedAt == null && expiresAt * 1000 > nowMillis;
        }

        public static final TableSchema<Session> SCHEMA = RecordSchema.of(
                        Session.class,
                        f -> new Session(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("sessionId"),
                                f.string("userId"),
                                f.number("createdAt", 0),
                                f.number("lastUsedAt", 0),
                                f.string("ipCipher"),
                                f.string("agentCipher"),
                                f.number("revokedAt"),
                                f.number("expiresAt", 0),
                                f.string("aal") == null ? "aal1" : f.string("aal"),
                                f.string("gsi1pk"),
                                f.string("gsi1sk")))
                .partitionKey("pk", Session::pk)
                .sortKey("sk", Session::sk)
                .string("sessionId", Session::sessionId)
                .string("userId", Session::userId)
                .number("createdAt", Session::createdAt)
                .number("lastUsedAt", Session::lastUsedAt)
                .string("ipCipher", Session::ipCipher)
                .string("agentCipher", Session::agentCipher)
                .number("revokedAt", Session::revokedAt)
                .number("expiresAt", Session::expiresAt)
                .string("aal", Session::aal)
                .string("gsi1pk", Session::gsi1pk, StaticAttributeTags.secondaryPartitionKey(GSI1))
                .string("gsi1sk", Session::gsi1sk, StaticAttributeTags.secondarySortKey(GSI1))
                .build();
    }

    /**
     * {@code APIKEY#<SHA-256 of the key>/APIKEY}: a machine client's key, found by its hash when
     * presented; a workspace's keys under {@code gsi1pk = WS#<id>}. The key itself is never stored.
     */
    public record ApiKey(
            String pk,
            String sk,
            String keyId,
            String workspaceId,
            String name,
            String role,
            String platformRole,
            String prefix,
            String createdBy,
            long createdAt,
            Long expiresAt,
            Long revokedAt,
            Long lastUsedAt,
            String gsi1pk,
            String gsi1sk) {

        /** Neither revoked nor expired at {@code nowMillis}. */
        public boolean isLive(long nowMillis) {
            return revokedAt == null && (expiresAt == null || expiresAt * 1000 > nowMillis);
        }

        /**
         * The ids of the live keys, oldest first: the order in which a plan's limit on keys seats
         * them (those beyond it are frozen).
         */
        public static List<String> liveBySeniority(List<ApiKey> keys, long nowMillis) {
            return keys.stream()
                    .filter(k -> k.isLive(nowMillis))
                    .sorted(Comparator.comparingLong(ApiKey::createdAt).thenComparing(ApiKey::keyId))
                    .map(ApiKey::keyId)
                    .toList();
        }

        public static final TableSchema<ApiKey> SCHEMA = RecordSchema.of(
                        ApiKey.class,
                        f -> new ApiKey(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("keyId"),
                                f.string("workspaceId"),
                                f.string("name"),
                                f.string("role"),
                                f.string("platformRole"),
                                f.string("prefix"),
                                f.string("createdBy"),
                                f.number("createdAt", 0),
                                f.number("expiresAt"),
                                f.number("revokedAt"),
                                f.number("lastUsedAt"),
                                f.string("gsi1pk"),
                                f.string("gsi1sk")))
                .partitionKey("pk", ApiKey::pk)
                .sortKey("sk", ApiKey::sk)
                .string("keyId", ApiKey::keyId)
                .string("workspaceId", ApiKey::workspaceId)
                .string("name", ApiKey::name)
                .string("role", ApiKey::role)
                .string("platformRole", ApiKey::platformRole)
                .string("prefix", ApiKey::prefix)
                .string("createdBy", ApiKey::createdBy)
                .number("createdAt", ApiKey::createdAt)
                .number("expiresAt", ApiKey::expiresAt)
                .number("revokedAt", ApiKey::revokedAt)
                .number("lastUsedAt", ApiKey::lastUsedAt)
                .string("gsi1pk", ApiKey::gsi1pk, StaticAttributeTags.secondaryPartitionKey(GSI1))
                .string("gsi1sk", ApiKey::gsi1sk, StaticAttributeTags.secondarySortKey(GSI1))
                .build();
    }
}

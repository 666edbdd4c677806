package app.devskyy.auth;

import app.devskyy.core.auth.CredentialItems;
import app.devskyy.core.auth.CredentialItems.ApiKey;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.ItemUpdate;
import app.devskyy.core.aws.Writes;
import java.util.List;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** API keys: created once, listed by workspace, revoked once. */
final class ApiKeyStore {

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final DynamoDbTable<ApiKey> apiKeys;

    ApiKeyStore(DynamoDbClient dynamoDb, DynamoTables tables, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.apiKeys = tables.table(table, ApiKey.SCHEMA);
    }

    /** Stores a new key; its hash is 256 bits of randomness, so an existing item is never met. */
    void createApiKey(ApiKey key) {
        Writes.putIfAbsent(apiKeys, key);
    }

    List<ApiKey> apiKeysOf(String workspaceId) {
        return apiKeys
                .index(AuthItems.GSI1)
                .query(r -> r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                        .partitionValue(CredentialItems.workspace(workspaceId))
                        .sortValue(CredentialItems.API_KEYS)
                        .build())))
                .stream()
                .flatMap(page -> page.items().stream())
                .toList();
    }

    /** Revoking twice is revoking once: the first revocation time is kept. */
    void revokeApiKey(ApiKey key, long nowMillis) {
        ItemUpdate.of(table, ItemKey.of(key.pk(), key.sk()))
                .set("revokedAt", nowMillis)
                .condition("attribute_exists(#pk) AND attribute_not_exists(#revokedAt)")
                .applyIf(dynamoDb);
    }
}

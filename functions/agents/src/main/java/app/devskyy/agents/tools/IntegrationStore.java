package app.devskyy.agents.tools;

import app.devskyy.core.Json;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.crypto.PersonalDataCipher;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import tools.jackson.databind.JsonNode;

/**
 * A workspace's integrations (its WooCommerce shop, its WordPress site): the base URL in the clear,
 * the credentials encrypted (AES-GCM under the data key that KMS wraps, bound to the workspace and
 * the integration), with only the last four characters of the key kept as a hint. Credentials are
 * decrypted for a call and never logged, returned or put in an error.
 */
public final class IntegrationStore {

    public static final List<String> KINDS = List.of("woocommerce", "wordpress");

    /** What a workspace sees of an integration: never its credentials. */
    public record View(String kind, String baseUrl, String keyHint, Instant updatedAt) {}

    /** An integration ready for a call. */
    public record Connection(String baseUrl, JsonNode credentials) {}

    private final DynamoDbTable<IntegrationItems.Integration> items;
    private final PersonalDataCipher cipher;
    private final Clock clock;

    public IntegrationStore(DynamoTables tables, String table, PersonalDataCipher cipher, Clock clock) {
        this.items = tables.table(table, IntegrationItems.Integration.SCHEMA);
        this.cipher = cipher;
        this.clock = clock;
    }

    private static String context(String workspaceId, String kind) {
        return "integration:" + workspaceId + ":" + kind;
    }

    public View put(
            String workspaceId, String kind, String baseUrl, JsonNode credentials, String keyField, String actor) {
        ItemKey key = IntegrationItems.integration(workspaceId, kind);
        String keyValue = credentials.path(keyField).asString();
        IntegrationItems.Integration item = new IntegrationItems.Integration(
                key.pk(),
                key.sk(),
                kind,
                baseUrl,
                cipher.encrypt(Json.write(credentials), context(workspaceId, kind)),
                "…" + keyValue.substring(Math.max(0, keyValue.length() - 4)),
                actor,
                clock.millis());
        items.putItem(item);
        return view(item);
    }

    private static View view(IntegrationItems.Integration item) {
        return new View(item.kind(), item.baseUrl(), item.keyHint(), Instant.ofEpochMilli(item.updatedAt()));
    }

    public List<View> list(String workspaceId) {
        List<View> views = new ArrayList<>();
        items.query(r -> r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                        .partitionValue(IntegrationItems.workspace(workspaceId))
                        .sortValue(IntegrationItems.INTEGRATIONS)
                        .build())))
                .items()
                .forEach(item -> views.add(view(item)));
        return views;
    }

    public boolean delete(String workspaceId, String kind) {
        return items.deleteItem(r ->
                        r.key(IntegrationItems.integration(workspaceId, kind).key()))
                != null;
    }

    /** The integration a tool calls through, or the tool's failure when the workspace has none. */
    Connection required(String workspaceId, String kind) throws ToolFailure {
        Optional<Connection> connection = connection(workspaceId, kind);
        if (connection.isEmpty()) {
            throw new ToolFailure("not_configured", "the workspace has no " + kind + " integration", false);
        }
        return connection.get();
    }

    /** The integration with its credentials, for one call. */
    public Optional<Connection> connection(String workspaceId, String kind) {
        IntegrationItems.Integration item = items.getItem(
                r -> r.key(IntegrationItems.integration(workspaceId, kind).key()));
        if (item == null) {
            return Optional.empty();
        }
        String plain = cipher.decrypt(item.secret(), context(workspaceId, kind));
        return Optional.of(new Connection(item.baseUrl(), Json.tree(plain.getBytes(StandardCharsets.UTF_8))));
    }
}

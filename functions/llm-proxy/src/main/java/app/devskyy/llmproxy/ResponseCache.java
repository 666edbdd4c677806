package app.devskyy.llmproxy;

import app.devskyy.core.Json;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.crypto.Digests;
import app.devskyy.core.upstash.UpstashClient;
import app.devskyy.llm.ChatRequest;
import app.devskyy.llm.OpenAiWire;
import app.devskyy.llm.Target;
import app.devskyy.llm.metering.LlmItems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Exact-match response cache, on Upstash Redis (DynamoDB where none is configured). The key is a
 * hash of the whole normalised request (every parameter, provider-specific ones included, with
 * {@code max_tokens} and {@code max_completion_tokens} as one), the route's resolved targets and
 * the workspace: two requests share an entry only if any provider would see them identically, and
 * workspaces never share answers. A store that cannot be reached is a miss (fail open).
 */
final class ResponseCache {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseCache.class);
    private static final Set<String> EVERY_EXTRA = OpenAiWire.EXTRA_PARAMETERS;

    /** A stored answer: the OpenAI body and the target that produced it. */
    record Hit(ObjectNode body, Target target) {}

    private interface Store {
        Optional<String> get(String key) throws IOException;

        void put(String key, String value, Duration ttl) throws IOException;
    }

    private final Store store;
    private final Duration ttl;

    private ResponseCache(Store store, Duration ttl) {
        this.store = store;
        this.ttl = ttl;
    }

    static ResponseCache upstash(UpstashClient upstash, Duration ttl) {
        return new ResponseCache(
                new Store() {
                    @Override
                    public Optional<String> get(String key) throws IOException {
                        JsonNode value = upstash.command("GET", key);
                        return value.isNull() ? Optional.empty() : Optional.of(value.asString());
                    }

                    @Override
                    public void put(String key, String value, Duration ttl) throws IOException {
                        upstash.command("SET", key, value, "EX", Long.toString(ttl.toSeconds()));
                    }
                },
                ttl);
    }

    static ResponseCache dynamoDb(DynamoTables tables, String table, Duration ttl, Clock clock) {
        DynamoDbTable<LlmItems.Cached> entries = tables.table(table, LlmItems.Cached.SCHEMA);
        return new ResponseCache(
                new Store() {
                    @Override
                    public Optional<String> get(String key) throws IOException {
                        try {
                            LlmItems.Cached item =
                                    entries.getItem(LlmItems.cached(key).key());
                            // TTL deletion lags by up to days: expiry is checked on read.
                            return item == null
                                            || item.value() == null
                                            || item.expiresAt()
                                                    <= clock.instant().getEpochSecond()
                                    ? Optional.empty()
                                    : Optional.of(item.value());
                        } catch (SdkException e) {
                            throw new IOException(e);
                        }
                    }

                    @Override
                    public void put(String key, String value, Duration ttl) throws IOException {
                        var itemKey = LlmItems.cached(key);
                        try {
                            entries.putItem(new LlmItems.Cached(
                                    itemKey.pk(),
                                    itemKey.sk(),
                                    value,
                                    clock.instant().getEpochSecond() + ttl.toSeconds()));
                        } catch (SdkException e) {
                            throw new IOException(e);
                        }
                    }
                },
                ttl);
    }

    /** The cache key of a chat request on a route, in a workspace. */
    static String key(String workspaceId, List<Target> targets, ChatRequest request) {
        ObjectNode normalised = Json.MAPPER.createObjectNode();
        normalised.put("workspace", workspaceId);
        var ids = normalised.putArray("targets");
        targets.forEach(t -> ids.add(t.id()));
        normalised.set("request", OpenAiWire.writeChatRequest(request, "", "max_tokens", EVERY_EXTRA));
        return "llm:cache:" + Digests.sha256(Json.write(sorted(normalised)));
    }

    /** Key for embeddings: the inputs, dimensions and targets. */
    static String embeddingKey(String workspaceId, List<Target> targets, List<String> inputs, Integer dimensions) {
        ObjectNode normalised = Json.MAPPER.createObjectNode();
        normalised.put("workspace", workspaceId);
        var ids = normalised.putArray("targets");
        targets.forEach(t -> ids.add(t.id()));
        var texts = normalised.putArray("input");
        inputs.forEach(texts::add);
        if (dimensions != null) {
            normalised.put("dimensions", dimensions);
        }
        return "llm:cache:embed:" + Digests.sha256(Json.write(normalised));
    }

    /** Object members in name order, at every depth: equal requests, equal text. */
    static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            for (String name : new TreeSet<>(node.propertyNames())) {
                out.set(name, sorted(node.get(name)));
            }
            return out;
        }
        if (node.isArray()) {
            var out = Json.MAPPER.createArrayNode();
            node.forEach(item -> out.add(sorted(item)));
            return out;
        }
        return node;
    }

    Optional<Hit> get(String key) {
        try {
            return store.get(key).map(value -> {
                JsonNode stored = Json.tree(value.getBytes(StandardCharsets.UTF_8));
                return new Hit(
                        (ObjectNode) stored.get("body"),
                        Target.parse(stored.get("target").asString()));
            });
        } catch (IOException | RuntimeException unavailable) {
            LOG.warn(
                    "response cache unavailable ({}); treated as a miss",
                    unavailable.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    void put(String key, ObjectNode body, Target target) {
        ObjectNode stored = Json.MAPPER.createObjectNode().put("target", target.id());
        stored.set("body", body);
        try {
            store.put(key, Json.write(stored), ttl);
        } catch (IOException | RuntimeException unavailable) {
            LOG.warn(
                    "response cache unavailable ({}); answer not stored",
                    unavailable.getClass().getSimpleName());
        }
    }
}

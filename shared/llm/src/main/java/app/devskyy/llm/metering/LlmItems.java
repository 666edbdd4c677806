package app.devskyy.llm.metering;

import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.RecordSchema;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;

/**
 * The items of the LLM table ({@code pk}, {@code sk}); docs/data-model.md lists their access
 * patterns. Money is in micro-dollars. Per workspace: its budget settings, each API key's budget,
 * each month's spend (atomic counters), one record per request and per-day usage counters; and the
 * response cache when no Upstash is configured.
 */
public final class LlmItems {

    private LlmItems() {}

    public static String workspace(String workspaceId) {
        return "WS#" + workspaceId;
    }

    /** The sort key of a workspace's budget settings, and the prefix of its keys' budgets. */
    public static final String BUDGET = "BUDGET";

    public static ItemKey budget(String workspaceId) {
        return ItemKey.of(workspace(workspaceId), BUDGET);
    }

    public static final String KEY_BUDGETS = BUDGET + "#KEY#";

    public static ItemKey keyBudget(String workspaceId, String keyId) {
        return ItemKey.of(workspace(workspaceId), KEY_BUDGETS + keyId);
    }

    /** A month's spend, of the workspace or of one of its API keys. */
    public static ItemKey spend(String workspaceId, String month, String keyId) {
        return ItemKey.of(workspace(workspaceId), "SPEND#" + month + (keyId == null ? "" : "#KEY#" + keyId));
    }

    public static final String REQUESTS = "REQ#";

    public static ItemKey request(String workspaceId, long epochMillis, String requestId) {
        return ItemKey.of(workspace(workspaceId), String.format(REQUESTS + "%015d#%s", epochMillis, requestId));
    }

    public static final String USAGE = "USAGE#";

    public static ItemKey usage(String workspaceId, String day, String targetId, String callerId) {
        return ItemKey.of(workspace(workspaceId), USAGE + day + "#" + targetId + "#" + callerId);
    }

    /** The last usage sort key of a day: every target and caller sorts before it. */
    public static String usageDayEnd(String day) {
        return USAGE + day + "#\uffff";
    }

    public static ItemKey cached(String cacheKey) {
        return ItemKey.of(cacheKey, "CACHE");
    }

    /** {@code WS#<id>/BUDGET}: a workspace's monthly budget and rates; a null field is "no limit". */
    public record Budget(
            String pk, String sk, Long monthlyMicros, Long rpm, Long tpm, String updatedBy, long updatedAt) {

        public static final TableSchema<Budget> SCHEMA = RecordSchema.of(
                        Budget.class,
                        f -> new Budget(
                                f.string("pk"),
                                f.string("sk"),
                                f.number("monthlyMicros"),
                                f.number("rpm"),
                                f.number("tpm"),
                                f.string("updatedBy"),
                                f.number("updatedAt", 0)))
                .partitionKey("pk", Budget::pk)
                .sortKey("sk", Budget::sk)
                .number("monthlyMicros", Budget::monthlyMicros)
                .number("rpm", Budget::rpm)
                .number("tpm", Budget::tpm)
                .string("updatedBy", Budget::updatedBy)
                .number("updatedAt", Budget::updatedAt)
                .build();
    }

    /** {@code WS#<id>/BUDGET#KEY#<keyId>}: one API key's monthly budget. */
    public record KeyBudget(String pk, String sk, String keyId, long monthlyMicros, String updatedBy, long updatedAt) {

        public static final TableSchema<KeyBudget> SCHEMA = RecordSchema.of(
                        KeyBudget.class,
                        f -> new KeyBudget(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("keyId"),
                                f.number("monthlyMicros", 0),
                                f.string("updatedBy"),
                                f.number("updatedAt", 0)))
                .partitionKey("pk", KeyBudget::pk)
                .sortKey("sk", KeyBudget::sk)
                .string("keyId", KeyBudget::keyId)
                .number("monthlyMicros", KeyBudget::monthlyMicros)
                .string("updatedBy", KeyBudget::updatedBy)
                .number("updatedAt", KeyBudget::updatedAt)
                .build();
    }

    /** {@code WS#<id>/SPEND#<month>[#KEY#<keyId>]}: atomic counters, written only with {@code ADD}. */
    public record Spend(String pk, String sk, long held, long spent, long requests, long expiresAt) {

        public static final TableSchema<Spend> SCHEMA = RecordSchema.of(
                        Spend.class,
                        f -> new Spend(
                                f.string("pk"),
                                f.string("sk"),
                                f.number("held", 0),
                                f.number("spent", 0),
                                f.number("requests", 0),
                                f.number("expiresAt", 0)))
                .partitionKey("pk", Spend::pk)
                .sortKey("sk", Spend::sk)
                .number("held", Spend::held)
                .number("spent", Spend::spent)
                .number("requests", Spend::requests)
                .number("expiresAt", Spend::expiresAt)
                .build();
    }

    /** {@code WS#<id>/REQ#<epoch ms>#<request id>}: one call, kept 90 days. Never a prompt or completion. */
    public record Request(
            String pk,
            String sk,
            String caller,
            String operation,
            String alias,
            String provider,
            String model,
            long promptTokens,
            long cachedTokens,
            long completionTokens,
            long reasoningTokens,
            long costMicros,
            long latencyMillis,
            boolean cacheHit,
            String outcome,
            long expiresAt) {

        public static final TableSchema<Request> SCHEMA = RecordSchema.of(
                        Request.class,
                        f -> new Request(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("caller"),
                                f.string("operation"),
                                f.string("alias"),
                                f.string("provider"),
                                f.string("model"),
                                f.number("promptTokens", 0),
                                f.number("cachedTokens", 0),
                                f.number("completionTokens", 0),
                                f.number("reasoningTokens", 0),
                                f.number("costMicros", 0),
                                f.number("latencyMillis", 0),
                                f.bool("cacheHit"),
                                f.string("outcome"),
                                f.number("expiresAt", 0)))
                .partitionKey("pk", Request::pk)
                .sortKey("sk", Request::sk)
                .string("caller", Request::caller)
                .string("operation", Request::operation)
                .string("alias", Request::alias)
                .string("provider", Request::provider)
                .string("model", Request::model)
                .number("promptTokens", Request::promptTokens)
                .number("cachedTokens", Request::cachedTokens)
                .number("completionTokens", Request::completionTokens)
                .number("reasoningTokens", Request::reasoningTokens)
                .number("costMicros", Request::costMicros)
                .number("latencyMillis", Request::latencyMillis)
                .bool("cacheHit", Request::cacheHit)
                .string("outcome", Request::outcome)
                .number("expiresAt", Request::expiresAt)
                .build();
    }

    /** {@code WS#<id>/USAGE#<day>#<target>#<caller>}: per-day counters, written only with {@code ADD}. */
    public record Usage(
            String pk,
            String sk,
            String day,
            String provider,
            String model,
            String caller,
            long requests,
            long promptTokens,
            long cachedTokens,
            long completionTokens,
            long reasoningTokens,
            long costMicros,
            long cacheHits,
            long failures) {

        public static final TableSchema<Usage> SCHEMA = RecordSchema.of(
                        Usage.class,
                        f -> new Usage(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("day"),
                                f.string("provider"),
                                f.string("model"),
                                f.string("caller"),
                                f.number("requests", 0),
                                f.number("promptTokens", 0),
                                f.number("cachedTokens", 0),
                                f.number("completionTokens", 0),
                                f.number("reasoningTokens", 0),
                                f.number("costMicros", 0),
                                f.number("cacheHits", 0),
                                f.number("failures", 0)))
                .partitionKey("pk", Usage::pk)
                .sortKey("sk", Usage::sk)
                .string("day", Usage::day)
                .string("provider", Usage::provider)
                .string("model", Usage::model)
                .string("caller", Usage::caller)
                .number("requests", Usage::requests)
                .number("promptTokens", Usage::promptTokens)
                .number("cachedTokens", Usage::cachedTokens)
                .number("completionTokens", Usage::completionTokens)
                .number("reasoningTokens", Usage::reasoningTokens)
                .number("costMicros", Usage::costMicros)
                .number("cacheHits", Usage::cacheHits)
                .number("failures", Usage::failures)
                .build();
    }

    /** {@code <cache key>/CACHE}: a stored answer; expiry is checked on read (TTL deletion lags). */
    public record Cached(String pk, String sk, String value, long expiresAt) {

        public static final TableSchema<Cached> SCHEMA = RecordSchema.of(
                        Cached.class,
                        f -> new Cached(f.string("pk"), f.string("sk"), f.string("value"), f.number("expiresAt", 0)))
                .partitionKey("pk", Cached::pk)
                .sortKey("sk", Cached::sk)
                .string("value", Cached::value)
                .number("expiresAt", Cached::expiresAt)
                .build();
    }
}

package app.devskyy.local;

import static app.devskyy.local.ApiClient.unique;
import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.crypto.Digests;
import app.devskyy.core.testing.CfnYaml;
import app.devskyy.core.testing.Events;
import app.devskyy.local.ApiClient.Answer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The project's guard against 5xx on bad input, driven by the contract: every operation of
 * {@code infrastructure/openapi.yaml} is called with bounded hostile variants of its path, query
 * and header parameters and of its body (each property replaced by wrong types, out-of-range and
 * exponent numbers, long and odd strings, deep nesting; whole bodies that are not objects, not
 * JSON, not UTF-8, or sent as another media type), as an authenticated platform admin so that the
 * variants get past authorization to the code that reads them. Webhook variants are signed with the
 * local secrets, so that their content reaches the verifier's parsing. No answer may be a 5xx, and
 * an operation whose variants were all refused leaves the tables as they were.
 */
class HostileInputTest extends UsingLocalApi {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
    /** Counted on every request, failed or not: rate limits, the audit trail of refusals, login failure counters. */
    private static final Set<String> WRITTEN_BY_REFUSALS = Set.of("RateLimitTable", "AuditTable");

    private static final String DEEP = "[".repeat(200) + "]".repeat(200);
    private static final List<String> HOSTILE_VALUES = List.of(
            "null",
            "true",
            "\"\"",
            "0",
            "-1",
            "1.5",
            "1e19",
            "-1e19",
            "1e308",
            "1e400",
            "-1e400",
            "9223372036854775808",
            "2147483648",
            "3e9",
            "[]",
            "{}",
            DEEP,
            "\"" + "A".repeat(10_000) + "\"",
            "\"\\u0000\"",
            "\"" + "\uD83D\uDCA5".repeat(300) + "\"",
            "\"../../etc/passwd\"",
            "{\"$gt\":\"\"}",
            "[\"a\",1,null]",
            "\"2026-13-45T99:99:99Z\"");
    private static final List<String> HOSTILE_SEGMENTS = List.of(
            "x".repeat(2048),
            "m".repeat(1024),
            "%00",
            "..%2F..",
            "%C3%A9t%C3%A9",
            "a%20b",
            "'%3B--",
            "%F0%9F%92%A5",
            "-1",
            "1e19");
    private static final List<String> HOSTILE_QUERY = List.of(
            "x".repeat(7000),
            "1e19",
            "-1",
            "0",
            "abc",
            "%00",
            "2026-13-45",
            String.join(",", Collections.nCopies(800, "dup")),
            "%FF%FE");

    static JsonNode spec;
    static final String PASSWORD = "correct horse battery";
    static String email;
    static String token;
    static String workspaceId;
    static String userId;
    static String runId;
    /** Another account: what user-administration variants act on, so the campaign never disables its own caller. */
    static String victimId;

    static ApiClient client;
    static final List<String> failures = new ArrayList<>();

    @BeforeAll
    static void signIn() throws IOException {
        spec = CfnYaml.parse(Files.readString(Events.repositoryRoot().resolve("infrastructure/openapi.yaml")));
        client = new ApiClient(api.port());
        email = unique("hostile");
        Answer login = client.account(email, PASSWORD);
        userId = client.get("/api/v1/auth/me", login.field("access_token")).field("id");
        grantPlatformRole(userId, "super_admin");
        Answer victim = client.account(unique("victim"), PASSWORD);
        victimId = client.get("/api/v1/auth/me", victim.field("access_token")).field("id");
        workspaceId = client.post("/api/v1/auth/workspaces", "{\"name\":\"Hostile\"}", login.field("access_token"))
                .field("id");
        token = client.post(
                        "/api/v1/auth/refresh", "{\"refresh_token\":\"" + login.field("refresh_token") + "\"}", null)
                .field("access_token");
        // A run awaiting approval: what the runs' routes act on, so that their variants reach the handlers.
        runId = client.post(
                        "/api/v1/agents/workspaces/" + workspaceId + "/runs",
                        "{\"agent\":\"support\",\"goal\":\"Answer.\",\"options\":{\"approval\":\"before_emit\"}}",
                        token)
                .field("runId");
        // Its execution writes as it goes: the campaign starts once it waits, so that no write is misread.
        for (int i = 0; i < 600; i++) {
            String status = client.get("/api/v1/agents/workspaces/" + workspaceId + "/runs/" + runId, token)
                    .field("status");
            if (status.equals("awaiting_approval")) {
                break;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void signInAgain() throws IOException {
        // From another address: the campaign's own login variants have spent this one's login allowance.
        Answer login = new ApiClient(api.port())
                .post("/api/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}", null);
        assertThat(login.status()).as("signing in again").isEqualTo(200);
        token = login.field("access_token");
    }

    @Test
    void noOperationAnswersAnyHostileVariantWithA5xxOrAWrite() throws IOException {
        int sent = 0;
        for (var path : spec.path("paths").properties()) {
            for (var operation : path.getValue().properties()) {
                if (!METHODS.contains(operation.getKey())) {
                    continue;
                }
                String method = operation.getKey().toUpperCase(Locale.ROOT);
                Map<String, String> before = snapshot();
                List<Integer> statuses = new ArrayList<>();
                for (Variant variant : variants(method, path.getKey(), operation.getValue())) {
                    Answer answer = send(variant);
                    sent++;
                    statuses.add(answer.status());
                    if (answer.status() >= 500) {
                        failures.add(
                                answer.status() + " " + method + " " + path.getKey() + " <- " + variant.describe());
                    }
                }
                // Logout ends the caller's session whatever its body says; sign in again for the next operation.
                if (client.get("/api/v1/auth/me", token).status() != 200) {
                    signInAgain();
                }
                if (statuses.stream().allMatch(status -> status >= 400)) {
                    Map<String, String> after = snapshot();
                    if (!after.equals(before)) {
                        failures.add("write by refused requests: " + method + " " + path.getKey() + " "
                                + changed(before, after));
                    }
                }
            }
        }
        assertThat(failures)
                .as("hostile variants answered with a 5xx or that wrote (of %d sent)", sent)
                .isEmpty();
        assertThat(sent).isGreaterThan(2000);
        // The campaign ran as the admin throughout, so its variants reached the handlers' own checks.
        assertThat(client.get("/api/v1/auth/me", token).status()).isEqualTo(200);
    }

    record Variant(
            String method, String path, Map<String, String> headers, byte[] body, String contentType, String what) {
        String describe() {
            return what.length() > 160 ? what.substring(0, 160) + "..." : what;
        }
    }

    private List<Variant> variants(String method, String template, JsonNode operation) {
        List<Variant> out = new ArrayList<>();
        Map<String, String> validPath = new LinkedHashMap<>();
        List<String> query = new ArrayList<>();
        List<String> headers = new ArrayList<>();
        for (JsonNode parameter : operation.path("parameters")) {
            String name = parameter.path("name").asString();
            switch (parameter.path("in").asString()) {
                case "path" -> validPath.put(name, plausible(template, name));
                case "query" -> query.add(name);
                case "header" -> headers.add(name);
                default -> {}
            }
        }
        Map<String, String> baseHeaders = new TreeMap<>(Map.of("x-workspace-id", workspaceId));
        JsonNode valid = example(schemaOf(operation));
        byte[] validBody = valid == null ? null : Json.writeBytes(valid);
        // Destructive operations on the caller's own records stay out: path values are only hostile there.
        boolean destructive = method.equals("DELETE");
        String base = fill(template, validPath);
        if (!destructive) {
            out.add(new Variant(method, base, baseHeaders, validBody, "application/json", "plausible"));
        }
        for (String name : validPath.keySet()) {
            for (String hostile : HOSTILE_SEGMENTS) {
                Map<String, String> values = new LinkedHashMap<>(validPath);
                values.put(name, hostile);
                out.add(new Variant(
                        method,
                        fill(template, values),
                        baseHeaders,
                        validBody,
                        "application/json",
                        "path " + name + "=" + hostile));
            }
        }
        if (destructive) {
            return out;
        }
        for (String name : query) {
            for (String hostile : HOSTILE_QUERY) {
                out.add(new Variant(
                        method,
                        base + "?" + name + "=" + hostile + "&" + name + "=" + hostile,
                        baseHeaders,
                        validBody,
                        "application/json",
                        "query " + name + "=" + hostile));
            }
        }
        for (String name : List.of("x-workspace-id", "idempotency-key")) {
            for (String hostile : List.of("w".repeat(2048), "", "\t", "ws,ws,ws")) {
                Map<String, String> h = new TreeMap<>(baseHeaders);
                h.put(name, hostile);
                out.add(new Variant(method, base, h, validBody, "application/json", "header " + name + "=" + hostile));
            }
        }
        headers.forEach(name -> out.add(new Variant(
                method, base, Map.of(name, "z".repeat(4000)), validBody, "application/json", "header " + name)));
        if (template.startsWith("/api/v1/webhooks/")) {
            out.addAll(signedWebhooks(method));
        }
        if (!method.equals("POST") && !method.equals("PATCH") && !method.equals("PUT")) {
            return out;
        }
        for (String whole :
                List.of("[]", "null", "\"text\"", "1e400", "{}", "{\"a\":", DEEP, "[" + "{\"a\":".repeat(500))) {
            out.add(new Variant(
                    method,
                    base,
                    baseHeaders,
                    whole.getBytes(StandardCharsets.UTF_8),
                    "application/json",
                    "body " + whole));
        }
        out.add(new Variant(
                method,
                base,
                baseHeaders,
                new byte[] {(byte) 0xC3, (byte) 0x28, '{', '}'},
                "application/json",
                "body not UTF-8"));
        out.add(new Variant(
                method,
                base,
                baseHeaders,
                validBody == null ? new byte[0] : validBody,
                "text/plain",
                "body as text/plain"));
        if (valid instanceof ObjectNode object) {
            for (String property : object.propertyNames()) {
                for (String hostile : HOSTILE_VALUES) {
                    ObjectNode mutated = object.deepCopy();
                    mutated.set(property, Json.tree(hostile.getBytes(StandardCharsets.UTF_8)));
                    out.add(new Variant(
                            method,
                            base,
                            baseHeaders,
                            Json.writeBytes(mutated),
                            "application/json",
                            "body ." + property + "=" + hostile));
                }
            }
            ObjectNode extra = object.deepCopy();
            extra.put("__proto__", 1);
            out.add(new Variant(
                    method, base, baseHeaders, Json.writeBytes(extra), "application/json", "unknown property"));
        }
        return out;
    }

    /** A value the route would accept in form: the caller's own workspace and user where the names say so. */
    private static String plausible(String template, String name) {
        if (name.equals("userId")) {
            return victimId;
        }
        if (name.equals("workspaceId")) {
            return workspaceId;
        }
        if (name.equals("runId")) {
            return runId;
        }
        return switch (name) {
            case "provider" -> "stripe";
            case "model" -> "fast";
            default -> "abc123";
        };
    }

    private static String fill(String template, Map<String, String> values) {
        String path = template;
        for (var entry : values.entrySet()) {
            path = path.replace("{" + entry.getKey() + "}", entry.getValue());
        }
        return path;
    }

    private static JsonNode schemaOf(JsonNode operation) {
        JsonNode ref = operation.at("/requestBody/content/application~1json/schema/$ref");
        if (ref.isMissingNode()) {
            JsonNode inline = operation.at("/requestBody/content/application~1json/schema");
            return inline.isMissingNode() ? null : inline;
        }
        try {
            Path file = Events.repositoryRoot()
                    .resolve("infrastructure")
                    .resolve(ref.asString())
                    .normalize();
            return Json.tree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A small instance of a JSON Schema: required and optional properties with values of their type. */
    private static JsonNode example(JsonNode schema) {
        if (schema == null) {
            return null;
        }
        if (schema.has("enum")) {
            return schema.path("enum").get(0);
        }
        if (schema.has("const")) {
            return schema.path("const");
        }
        for (String choice : List.of("oneOf", "anyOf")) {
            if (schema.has(choice)) {
                return example(schema.path(choice).get(0));
            }
        }
        String type = schema.path("type").isArray()
                ? schema.path("type").get(0).asString()
                : schema.path("type").asString("object");
        return switch (type) {
            case "string" ->
                Json.MAPPER
                        .getNodeFactory()
                        .stringNode("x"
                                .repeat(Math.max(
                                        1, Math.min(24, schema.path("minLength").asInt(8)))));
            case "integer" ->
                Json.MAPPER.getNodeFactory().numberNode(schema.path("minimum").asLong(1));
            case "number" ->
                Json.MAPPER.getNodeFactory().numberNode(schema.path("minimum").asDouble(1));
            case "boolean" -> Json.MAPPER.getNodeFactory().booleanNode(true);
            case "array" -> {
                ArrayNode array = Json.MAPPER.createArrayNode();
                JsonNode item = example(schema.path("items").isMissingNode() ? null : schema.path("items"));
                if (item != null) {
                    array.add(item);
                }
                yield array;
            }
            default -> {
                ObjectNode object = Json.MAPPER.createObjectNode();
                schema.path("properties").properties().forEach(p -> {
                    JsonNode value = example(p.getValue());
                    if (value != null) {
                        object.set(p.getKey(), value);
                    }
                });
                yield object;
            }
        };
    }

    /** Deliveries that pass the signature check but carry content of unexpected types and sizes. */
    private static List<Variant> signedWebhooks(String method) {
        List<Variant> out = new ArrayList<>();
        long t = Instant.now().getEpochSecond();
        List<String> stripeBodies = new ArrayList<>(List.of(
                "{\"id\":\"evt_" + "a".repeat(3000) + "\",\"type\":\"invoice.paid\",\"created\":" + t
                        + ",\"data\":{\"object\":{}}}",
                "{\"id\":1e400,\"type\":[],\"created\":\"soon\",\"data\":[]}",
                "{\"id\":\"evt_h1\",\"type\":\"customer.subscription.updated\",\"created\":1e400,\"data\":{\"object\":"
                        + "{\"customer\":{},\"status\":7,\"current_period_end\":\"49.00\",\"items\":{\"data\":[{\"price\":[]}]}}}}",
                "{\"id\":\"evt_h2\",\"type\":\"checkout.session.completed\",\"created\":" + t + ",\"data\":{\"object\":"
                        + "{\"client_reference_id\":\"" + "w".repeat(2048) + "\",\"customer\":\"cus_" + "c".repeat(3000)
                        + "\"}}}",
                "{\"id\":\"evt_h3\",\"type\":\"invoice.paid\",\"created\":" + t
                        + ",\"data\":{\"object\":{\"amount_paid\":\"49.00\","
                        + "\"currency\":{},\"customer\":\"cus_1\",\"id\":[1]}}}"));
        for (String body : stripeBodies) {
            String signature = "t=" + t + ",v1=" + hex(hmac("whsec_devskyy_local_stripe", t + "." + body));
            out.add(new Variant(
                    method,
                    "/api/v1/webhooks/stripe",
                    Map.of("stripe-signature", signature),
                    body.getBytes(StandardCharsets.UTF_8),
                    "application/json",
                    "signed stripe " + body));
        }
        for (String amount : List.of("\"49.00\"", "{}", "1e400", "-1e19", "[]", "null")) {
            String inner = "{\"success\":true,\"code\":\"PAYMENT_SUCCESS\",\"data\":{\"merchantTransactionId\":\"MT"
                    + "t".repeat(3000) + "\",\"transactionId\":\"T1\",\"amount\":" + amount + "}}";
            String response = Base64.getEncoder().encodeToString(inner.getBytes(StandardCharsets.UTF_8));
            String body = "{\"response\":\"" + response + "\"}";
            out.add(new Variant(
                    method,
                    "/api/v1/webhooks/phonepe",
                    Map.of("x-verify", Digests.sha256Hex(response + "devskyy-local-phonepe-salt") + "###1"),
                    body.getBytes(StandardCharsets.UTF_8),
                    "application/json",
                    "signed phonepe callback amount " + amount));
            String webhook = "{\"event\":\"checkout.order.completed\",\"payload\":{\"orderId\":\"OMO" + "o".repeat(3000)
                    + "\",\"state\":\"COMPLETED\",\"amount\":" + amount + ",\"metaInfo\":{\"udf1\":" + amount
                    + "},\"paymentDetails\":[{\"timestamp\":" + amount + "}]}}";
            out.add(new Variant(
                    method,
                    "/api/v1/webhooks/phonepe",
                    Map.of("authorization", "SHA256 " + Digests.sha256Hex("devskyy:devskyy-local-phonepe")),
                    webhook.getBytes(StandardCharsets.UTF_8),
                    "application/json",
                    "signed phonepe webhook amount " + amount));
        }
        for (String body : List.of(
                "{\"id\":1e400,\"date_modified_gmt\":{},\"meta_data\":[{\"key\":\"workspace_id\",\"value\":[]}]}",
                "{\"id\":\"" + "9".repeat(3000) + "\",\"status\":7,\"total\":\"49.00\",\"meta_data\":{}}")) {
            out.add(new Variant(
                    method,
                    "/api/v1/webhooks/woocommerce",
                    Map.of(
                            "x-wc-webhook-signature",
                            Base64.getEncoder().encodeToString(hmac("devskyy-local-woocommerce", body)),
                            "x-wc-webhook-topic",
                            "order.updated",
                            "x-wc-webhook-delivery-id",
                            "1e400",
                            "x-wc-webhook-id",
                            "w".repeat(3000)),
                    body.getBytes(StandardCharsets.UTF_8),
                    "application/json",
                    "signed woocommerce " + body));
        }
        return out;
    }

    private Answer send(Variant variant) throws IOException {
        Map<String, String> headers = new TreeMap<>(variant.headers());
        headers.putIfAbsent("authorization", "Bearer " + token);
        return client.sendBytes(variant.method(), variant.path(), variant.body(), variant.contentType(), headers);
    }

    /** Every item of every table, by table and key, except those that refusals legitimately write. */
    private static Map<String, String> snapshot() {
        Map<String, String> items = new TreeMap<>();
        try (DynamoDbClient dynamoDb = dynamoDb()) {
            for (String table : dynamoDb.listTables().tableNames()) {
                if (WRITTEN_BY_REFUSALS.contains(table)) {
                    continue;
                }
                dynamoDb.scanPaginator(r -> r.tableName(table)).items().forEach(item -> {
                    String key = table + " " + item.get("pk").s()
                            + (item.containsKey("sk") ? " " + item.get("sk").s() : "");
                    // A refused login still counts in the email's lockout; that counter is the refusal working.
                    if (!key.contains(" LOCKOUT#")) {
                        items.put(key, item.toString());
                    }
                });
            }
        }
        return items;
    }

    private static String changed(Map<String, String> before, Map<String, String> after) {
        List<String> keys = new ArrayList<>();
        after.forEach((key, value) -> {
            if (!value.equals(before.get(key))) {
                keys.add(key.length() > 80 ? key.substring(0, 80) : key);
            }
        });
        before.keySet().stream().filter(key -> !after.containsKey(key)).forEach(key -> keys.add("-" + key));
        return keys.toString();
    }

    private static byte[] hmac(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}

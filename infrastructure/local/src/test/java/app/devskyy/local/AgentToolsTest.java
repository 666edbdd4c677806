package app.devskyy.local;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.testing.Events;
import app.devskyy.local.ApiClient.Answer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.databind.JsonNode;

/**
 * The agents' tools through the local API against a WooCommerce shop and a WordPress site played
 * by MockWebServer in their REST APIs' wire formats (WooCommerce's v3 objects and its
 * {@code {code, message, data: {status}}} errors; WordPress's v2 posts with rendered HTML): the
 * integrations, a commerce run that searches the knowledge base and creates the coupon a person
 * approved, and each tool's failure modes as an MCP client sees them.
 */
class AgentToolsTest {

    static final String KEY = "ck_0123456789abcdef";
    static final String SECRET = "cs_fedcba9876543210";
    static final String WP_USER = "editor";
    static final String WP_PASSWORD = "abcd EFGH ijkl MNOP qrst";

    @TempDir
    static Path dataDir;

    static final MockWebServer shop = new MockWebServer();
    static final MockWebServer site = new MockWebServer();
    /** How the shop behaves: ok, down, unauthorised, slow, rate_limited. */
    static final AtomicReference<String> shopMode = new AtomicReference<>("ok");

    static final List<RecordedRequest> shopRequests = new CopyOnWriteArrayList<>();
    static final Map<String, JsonNode> coupons = new ConcurrentHashMap<>();
    static final List<JsonNode> drafts = new CopyOnWriteArrayList<>();

    static LocalApi api;
    static ApiClient client;
    static String token;
    static String workspace;

    @BeforeAll
    static void start() throws IOException {
        shop.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                shopRequests.add(request);
                return shop(request);
            }
        });
        shop.start();
        site.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return site(request);
            }
        });
        site.start();
        String allowed =
                String.join(",", shop.getHostName() + ":" + shop.getPort(), site.getHostName() + ":" + site.getPort());
        api = LocalApi.start(new LocalApi.Options(
                0,
                dataDir,
                Events.repositoryRoot().resolve("template.yaml"),
                Map.of(
                        LocalApi.RETRY_SCALE_SETTING,
                        "0.001",
                        "TOOLS_ALLOWED_PRIVATE_HOSTS",
                        allowed,
                        "TOOLS_HTTP_TIMEOUT_SECONDS",
                        "2",
                        "TOOLS_BACKOFF_MS",
                        "10")));
        PersonalWorkspace member = PersonalWorkspace.signUp(api, "tools", Duration.ofSeconds(30));
        client = member.client();
        token = member.token();
        workspace = member.workspaceId();
    }

    @AfterAll
    static void stop() {
        api.close();
        shop.close();
        site.close();
    }

    @BeforeEach
    void healthyShop() {
        shopMode.set("ok");
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static MockResponse json(int code, String body) {
        return new MockResponse.Builder()
                .code(code)
                .addHeader("content-type", "application/json; charset=UTF-8")
                .body(body)
                .build();
    }

    static MockResponse shop(RecordedRequest request) {
        switch (shopMode.get()) {
            case "down" -> {
                return new MockResponse.Builder()
                        .code(503)
                        .addHeader("content-type", "text/html")
                        .body("<h1>Service Unavailable</h1>")
                        .build();
            }
            case "rate_limited" -> {
                return json(
                        429, "{\"code\":\"too_many_requests\",\"message\":\"Slow down.\",\"data\":{\"status\":429}}");
            }
            case "slow" -> {
                return new MockResponse.Builder()
                        .addHeader("content-type", "application/json")
                        .body("[]")
                        .headersDelay(4, TimeUnit.SECONDS)
                        .build();
            }
            default -> {}
        }
        if (shopMode.get().equals("unauthorised")
                || !basic(KEY, SECRET).equals(request.getHeaders().get("authorization"))) {
            return json(
                    401,
                    "{\"code\":\"woocommerce_rest_cannot_view\",\"message\":\"Sorry, you cannot list resources.\","
                            + "\"data\":{\"status\":401}}");
        }
        String path = request.getUrl().encodedPath();
        if (request.getMethod().equals("GET") && path.equals("/wp-json/wc/v3/products")) {
            return json(
                    200,
                    "[{\"id\":794,\"name\":\"Merino travel blazer\",\"slug\":\"merino-travel-blazer\","
                            + "\"permalink\":\"https://shop.example/product/merino-travel-blazer/\",\"type\":\"simple\","
                            + "\"status\":\"publish\",\"sku\":\"NW-BLZ-204\",\"price\":\"420.00\",\"regular_price\":\"420.00\","
                            + "\"sale_price\":\"\",\"stock_status\":\"instock\",\"stock_quantity\":12,"
                            + "\"categories\":[{\"id\":9,\"name\":\"Jackets\",\"slug\":\"jackets\"}]}]");
        }
        if (request.getMethod().equals("GET") && path.equals("/wp-json/wc/v3/orders")) {
            return json(
                    200,
                    "[{\"id\":727,\"number\":\"727\",\"status\":\"processing\",\"currency\":\"EUR\",\"total\":\"555.00\","
                            + "\"date_created\":\"2026-11-20T10:04:00\",\"date_created_gmt\":\"2026-11-20T09:04:00\","
                            + "\"billing\":{\"first_name\":\"Ada\",\"last_name\":\"Lovelace\",\"email\":\"ada@example.com\","
                            + "\"phone\":\"+31 20 555 0100\",\"address_1\":\"Keizersgracht 1\"},"
                            + "\"shipping\":{\"first_name\":\"Ada\",\"address_1\":\"Keizersgracht 1\"},"
                            + "\"line_items\":[{\"id\":315,\"name\":\"Merino travel blazer\",\"sku\":\"NW-BLZ-204\","
                            + "\"quantity\":1,\"total\":\"420.00\"}]}]");
        }
        if (path.equals("/wp-json/wc/v3/coupons")) {
            if (request.getMethod().equals("GET")) {
                // WooCommerce keeps coupon codes in lower case and looks them up so.
                JsonNode found =
                        coupons.get(request.getUrl().queryParameter("code").toLowerCase());
                return json(200, found == null ? "[]" : "[" + Json.write(found) + "]");
            }
            JsonNode body = Json.tree(request.getBody().toByteArray());
            String code = body.path("code").asString().toLowerCase();
            if (coupons.containsKey(code)) {
                return json(
                        400,
                        "{\"code\":\"woocommerce_rest_coupon_code_already_exists\",\"message\":\"The coupon code already"
                                + " exists\",\"data\":{\"status\":400}}");
            }
            JsonNode coupon = Json.tree(("{\"id\":" + (720 + coupons.size()) + ",\"code\":\"" + code
                            + "\",\"amount\":\""
                            + body.path("amount").asString() + "\",\"discount_type\":\""
                            + body.path("discount_type").asString() + "\",\"date_expires\":null,\"usage_count\":0}")
                    .getBytes(StandardCharsets.UTF_8));
            coupons.put(code, coupon);
            return json(201, Json.write(coupon));
        }
        return json(404, "{\"code\":\"rest_no_route\",\"message\":\"No route was found.\",\"data\":{\"status\":404}}");
    }

    static MockResponse site(RecordedRequest request) {
        if (!basic(WP_USER, WP_PASSWORD).equals(request.getHeaders().get("authorization"))) {
            return json(
                    401,
                    "{\"code\":\"rest_not_logged_in\",\"message\":\"You are not currently logged in.\",\"data\":{\"status\":401}}");
        }
        if (request.getMethod().equals("GET")) {
            return json(
                    200,
                    "[{\"id\":41,\"date\":\"2026-11-02T09:00:00\",\"date_gmt\":\"2026-11-02T08:00:00\",\"status\":\"publish\","
                            + "\"link\":\"https://blog.example/autumn-edit/\",\"title\":{\"rendered\":\"The autumn &amp; winter edit\"},"
                            + "\"excerpt\":{\"rendered\":\"<p>Moss, bone and slate.</p>\\n\",\"protected\":false}}]");
        }
        JsonNode body = Json.tree(request.getBody().toByteArray());
        drafts.add(body);
        return json(
                201,
                "{\"id\":58,\"date\":\"2026-12-01T10:00:00\",\"date_gmt\":\"2026-12-01T09:00:00\",\"status\":\""
                        + body.path("status").asString() + "\",\"link\":\"https://blog.example/?p=58\","
                        + "\"title\":{\"rendered\":"
                        + Json.write(body.path("title").asString()) + "},"
                        + "\"excerpt\":{\"rendered\":\"\"}}");
    }

    static String base() {
        return "/api/v1/agents/workspaces/" + workspace;
    }

    static Answer connectShop() throws IOException {
        return client.send(
                "PUT",
                base() + "/integrations/woocommerce",
                "{\"baseUrl\":\"" + shop.url("/") + "\",\"consumerKey\":\"" + KEY + "\",\"consumerSecret\":\"" + SECRET
                        + "\"}",
                token,
                "application/json");
    }

    /** A tools/call through the MCP endpoint, as a JSON-RPC request; the tool's result. */
    static JsonNode mcpCall(String tool, String arguments) throws IOException {
        Answer answer = client.send(
                "POST",
                "/api/v1/mcp",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                        + "\",\"arguments\":" + arguments + "}}",
                token,
                "application/json",
                Map.of("accept", "application/json, text/event-stream", "mcp-protocol-version", "2025-11-25"));
        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        return answer.body().path("result");
    }

    @Test
    void integrationsKeepTheirCredentialsEncryptedAndNeverShowThem() throws IOException {
        Answer put = connectShop();
        assertThat(put.status()).as(put.raw()).isEqualTo(200);
        assertThat(put.raw()).doesNotContain(SECRET).doesNotContain(KEY);
        assertThat(put.body().path("keyHint").asString()).isEqualTo("…cdef");
        Answer listed = client.get(base() + "/integrations", token);
        assertThat(listed.body().path("integrations").findValuesAsString("kind"))
                .contains("woocommerce");
        assertThat(listed.raw()).doesNotContain(SECRET).doesNotContain(KEY);
        try (DynamoDbClient dynamoDb = UsingLocalApi.dynamoDb(api)) {
            Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName("AgentsTable")
                            .key(Map.of(
                                    "pk", AttributeValue.fromS("WS#" + workspace),
                                    "sk", AttributeValue.fromS("INTEGRATION#woocommerce"))))
                    .item();
            assertThat(item.get("secret").s()).doesNotContain(SECRET).doesNotContain(KEY);
        }
        for (String body : List.of(
                "{\"baseUrl\":\"http://169.254.169.254/\",\"consumerKey\":\"" + KEY + "\",\"consumerSecret\":\""
                        + SECRET + "\"}",
                "{\"baseUrl\":\"https://shop.example\",\"consumerKey\":\"" + KEY + "\"}",
                "{\"baseUrl\":\"https://shop.example\",\"consumerKey\":\"" + KEY + "\",\"consumerSecret\":\"" + SECRET
                        + "\",\"username\":\"x\"}",
                "{\"baseUrl\":\"https://shop.example\",\"consumerKey\":\"nope\",\"consumerSecret\":\"" + SECRET
                        + "\"}")) {
            Answer refused = client.send("PUT", base() + "/integrations/woocommerce", body, token, "application/json");
            assertThat(refused.status()).as(body).isEqualTo(422);
            assertThat(refused.raw()).doesNotContain(SECRET);
        }
        assertThat(client.send(
                                "PUT",
                                base() + "/integrations/shopify",
                                "{\"baseUrl\":\"https://x.example\"}",
                                token,
                                "application/json")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void aCommerceRunSearchesTheKnowledgeBaseAndCreatesTheCouponAPersonApproved() throws Exception {
        assertThat(connectShop().status()).isEqualTo(200);
        Answer doc = client.post(
                base() + "/knowledge/documents",
                "{\"title\":\"Promotion rules\",\"content\":\"Seasonal coupons give members 15 percent off, never more,"
                        + " and run for two weeks.\",\"tags\":[\"policy\"]}",
                token);
        assertThat(doc.status()).as(doc.raw()).isIn(200, 201);
        String plan = "[{\"title\":\"Check the promotion rules\",\"instruction\":\"Find the coupon rules.\","
                + "\"tool\":\"knowledge.search\"},"
                + "{\"title\":\"Create the coupon\",\"instruction\":\"Create the autumn coupon.\",\"dependsOn\":[1],"
                + "\"tool\":\"woocommerce.coupon.create\",\"arguments\":{\"code\":\"AUTUMN15\",\"discountType\":\"percent\","
                + "\"amount\":15,\"description\":\"Members' autumn coupon\"}}]";
        Answer started = client.post(
                base() + "/runs",
                "{\"agent\":\"commerce\",\"goal\":\"Seasonal coupon rules for members\",\"plan\":" + plan + "}",
                token);
        assertThat(started.status()).as(started.raw()).isEqualTo(202);
        String runId = started.field("runId");
        JsonNode waiting = awaitStatus(runId, Set.of("awaiting_approval"));
        // The coupon tool asks for approval whatever the run's policy; nothing reached the shop yet.
        assertThat(waiting.path("approval").path("stepId").asString()).isEqualTo("s002");
        assertThat(waiting.path("plan").get(1).path("approval").asBoolean()).isTrue();
        assertThat(waiting.path("plan").get(1).path("arguments").path("code").asString())
                .isEqualTo("AUTUMN15");
        assertThat(coupons).doesNotContainKey("autumn15");
        JsonNode first = waiting.path("steps").get(0);
        assertThat(first.path("toolCalls").get(0).path("tool").asString()).isEqualTo("knowledge.search");
        assertThat(first.path("toolCalls").get(0).path("status").asString()).isEqualTo("ok");
        assertThat(waiting.path("sources").findValuesAsString("title")).contains("Promotion rules");

        Answer approved = client.post(base() + "/runs/" + runId + "/approval", "{\"decision\":\"approve\"}", token);
        assertThat(approved.status()).as(approved.raw()).isEqualTo(200);
        JsonNode done = awaitStatus(runId, Set.of("succeeded", "failed", "cancelled"));
        assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("succeeded");
        assertThat(coupons).containsKey("autumn15");
        RecordedRequest created = shopRequests.stream()
                .filter(r -> r.getMethod().equals("POST"))
                .reduce((a, b) -> b)
                .orElseThrow();
        JsonNode sent = Json.tree(created.getBody().toByteArray());
        assertThat(sent.path("code").asString()).isEqualTo("AUTUMN15");
        assertThat(sent.path("discount_type").asString()).isEqualTo("percent");
        assertThat(sent.path("amount").asString()).isEqualTo("15");
        JsonNode call = done.path("steps").get(1).path("toolCalls").get(0);
        assertThat(call.path("tool").asString()).isEqualTo("woocommerce.coupon.create");
        assertThat(call.path("status").asString()).isEqualTo("ok");
        assertThat(call.path("attempts").asInt()).isEqualTo(1);
        assertThat(done.path("citations").findValuesAsString("title")).contains("Promotion rules");

        JsonNode audit = client.get("/api/v1/auth/workspaces/" + workspace + "/audit", token)
                .body();
        assertThat(audit.toString())
                .contains("agent.tool.woocommerce.coupon.create")
                .contains("agent.tool.knowledge.search")
                .doesNotContain(SECRET);

        // The same coupon in a second run: the shop refuses the duplicate code, the tool finds the first.
        String again = client.post(
                        base() + "/runs",
                        "{\"agent\":\"commerce\",\"goal\":\"Again\",\"plan\":[{\"title\":\"Create the coupon\","
                                + "\"instruction\":\"Create it.\",\"tool\":\"woocommerce.coupon.create\",\"arguments\":"
                                + "{\"code\":\"AUTUMN15\",\"discountType\":\"percent\",\"amount\":15}}]}",
                        token)
                .field("runId");
        JsonNode second = approveWhenAsked(again);
        assertThat(firstCall(second).path("status").asString()).isEqualTo("ok");
        assertThat(second.path("steps").get(0).path("output").asString()).contains("alreadyExisted");
        assertThat(coupons).hasSize(1);
    }

    @Test
    void shopToolsReportEachFailureAndStopCallingAShopThatKeepsFailing() throws IOException {
        JsonNode noShop = mcpCall("woocommerce.products", "{\"search\":\"blazer\"}");
        if (!noShop.path("isError").asBoolean()) {
            // Another test connected the shop first.
            assertThat(noShop.path("structuredContent").path("products")).isNotEmpty();
        }
        assertThat(connectShop().status()).isEqualTo(200);

        JsonNode products = mcpCall("woocommerce.products", "{\"search\":\"blazer\",\"perPage\":5}");
        assertThat(products.path("isError").asBoolean()).as(products.toString()).isFalse();
        JsonNode product = products.path("structuredContent").path("products").get(0);
        assertThat(product.path("sku").asString()).isEqualTo("NW-BLZ-204");
        assertThat(product.path("categories").get(0).asString()).isEqualTo("Jackets");
        RecordedRequest listed = shopRequests.getLast();
        assertThat(listed.getUrl().queryParameter("per_page")).isEqualTo("5");
        assertThat(listed.getUrl().queryParameter("search")).isEqualTo("blazer");

        JsonNode orders = mcpCall("woocommerce.orders", "{\"status\":\"processing\"}");
        assertThat(orders.path("structuredContent")
                        .path("orders")
                        .get(0)
                        .path("total")
                        .asString())
                .isEqualTo("555.00");
        assertThat(orders.toString())
                .doesNotContain("ada@example.com")
                .doesNotContain("Lovelace")
                .doesNotContain("Keizersgracht");

        JsonNode invalid = mcpCall("woocommerce.products", "{\"perPage\":500}");
        assertThat(invalid.path("isError").asBoolean()).isTrue();

        shopMode.set("unauthorised");
        int before = shopRequests.size();
        JsonNode refused = mcpCall("woocommerce.products", "{}");
        assertThat(refused.path("isError").asBoolean()).isTrue();
        assertThat(refused.toString()).contains("not_authorised").doesNotContain(SECRET);
        assertThat(shopRequests.size() - before).as("a refusal is not retried").isEqualTo(1);

        shopMode.set("rate_limited");
        before = shopRequests.size();
        assertThat(mcpCall("woocommerce.products", "{}").toString()).contains("rate_limited");
        assertThat(shopRequests.size() - before).as("a read is retried").isEqualTo(3);

        shopMode.set("slow");
        Instant started = Instant.now();
        assertThat(mcpCall("woocommerce.products", "{}").toString()).contains("timeout");
        assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(30));

        // Five failures in a minute open the breaker: the next call does not reach the shop.
        shopMode.set("down");
        before = shopRequests.size();
        JsonNode paused = mcpCall("woocommerce.products", "{}");
        assertThat(paused.toString()).contains("circuit_open");
        assertThat(shopRequests.size() - before).isLessThanOrEqualTo(1);
    }

    @Test
    void wordPressPostsAreListedAsTextAndNeedTheSitesCredentials() throws Exception {
        JsonNode missing = mcpCall("wordpress.posts", "{}");
        assertThat(missing.path("isError").asBoolean()).isTrue();
        assertThat(missing.toString()).contains("not_configured");
        Answer put = client.send(
                "PUT",
                base() + "/integrations/wordpress",
                "{\"baseUrl\":\"" + site.url("/") + "\",\"username\":\"" + WP_USER + "\",\"applicationPassword\":\""
                        + WP_PASSWORD + "\"}",
                token,
                "application/json");
        assertThat(put.status()).as(put.raw()).isEqualTo(200);
        JsonNode posts = mcpCall("wordpress.posts", "{\"search\":\"autumn\"}");
        JsonNode post = posts.path("structuredContent").path("posts").get(0);
        assertThat(post.path("title").asString()).isEqualTo("The autumn & winter edit");
        assertThat(post.path("excerpt").asString()).isEqualTo("Moss, bone and slate.");

        // A draft, created only after its approval, never published.
        String runId = client.post(
                        base() + "/runs",
                        "{\"agent\":\"marketing\",\"goal\":\"Draft the autumn post\",\"plan\":[{\"title\":\"Draft it\","
                                + "\"instruction\":\"Create the draft.\",\"tool\":\"wordpress.draft.create\",\"arguments\":"
                                + "{\"title\":\"The autumn edit\",\"content\":\"<p>Moss and bone.</p>\"}}]}",
                        token)
                .field("runId");
        JsonNode run = approveWhenAsked(runId);
        assertThat(firstCall(run).path("status").asString()).isEqualTo("ok");
        assertThat(drafts).hasSize(1);
        assertThat(drafts.getFirst().path("status").asString()).isEqualTo("draft");
        assertThat(drafts.getFirst().path("title").asString()).isEqualTo("The autumn edit");

        Answer removed = client.send("DELETE", base() + "/integrations/wordpress", null, token, null);
        assertThat(removed.status()).isEqualTo(204);
        assertThat(mcpCall("wordpress.posts", "{}").toString()).contains("not_configured");
    }

    @Test
    void analyticsAnswersTheWorkspacesOwnUsageAndBilling() throws IOException {
        JsonNode usage = mcpCall("analytics.usage", "{}");
        assertThat(usage.path("isError").asBoolean()).as(usage.toString()).isFalse();
        JsonNode content = usage.path("structuredContent");
        assertThat(content.path("llmUsage").path("workspaceId").asString()).isEqualTo(workspace);
        assertThat(content.path("llmUsage").path("totals").has("requests")).isTrue();
        assertThat(content.path("payments").isArray()).isTrue();
        JsonNode tooLong = mcpCall("analytics.usage", "{\"from\":\"2026-01-01\",\"to\":\"2026-06-30\"}");
        assertThat(tooLong.path("isError").asBoolean()).isTrue();
        assertThat(tooLong.toString()).contains("invalid_arguments");
        JsonNode otherWorkspace =
                mcpCall("analytics.usage", "{\"workspaceId\":\"ws_00000000000000000000000000000000\"}");
        assertThat(otherWorkspace.path("isError").asBoolean()).isTrue();
    }

    /** Waits for the run's approval (nothing of the step has happened then), approves, waits for its end. */
    static JsonNode approveWhenAsked(String runId) throws Exception {
        JsonNode waiting = awaitStatus(runId, Set.of("awaiting_approval"));
        assertThat(waiting.path("steps"))
                .as("the side-effecting step waits before it runs")
                .isEmpty();
        Answer approved = client.post(base() + "/runs/" + runId + "/approval", "{\"decision\":\"approve\"}", token);
        assertThat(approved.status()).as(approved.raw()).isEqualTo(200);
        return awaitStatus(runId, Set.of("succeeded", "failed", "cancelled"));
    }

    /** The first tool call of the run's first step. */
    static JsonNode firstCall(JsonNode run) {
        return run.path("steps").get(0).path("toolCalls").get(0);
    }

    static JsonNode awaitStatus(String runId, Set<String> statuses) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            JsonNode run = client.get(base() + "/runs/" + runId, token).body();
            if (statuses.contains(run.path("status").asString())) {
                return run;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the run did not reach " + statuses);
    }
}

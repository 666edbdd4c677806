package app.devskyy.local;

import static app.devskyy.local.ApiClient.unique;
import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.billing.BillingItems;
import app.devskyy.core.crypto.Digests;
import app.devskyy.core.testing.Events;
import app.devskyy.local.ApiClient.Answer;
import com.stripe.net.Webhook;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.databind.JsonNode;

/**
 * Purchases end to end through the local API, against one MockWebServer answering as Stripe's API
 * and PhonePe's gateway in their wire formats: a checkout is created, the signed webhook arrives,
 * the plan changes and its limits hold; a refund is recorded once though its webhook follows; a
 * PhonePe order is applied once by whichever of the status check and the callback comes first.
 */
class BillingFlowsTest {

    private static final String STRIPE_SECRET = "whsec_billing_flows";
    private static final String PHONEPE_USER = "pp";
    private static final String PHONEPE_PASSWORD = "pp_secret";

    @TempDir
    static Path dataDir;

    static final MockWebServer providers = new MockWebServer();
    static final List<RecordedRequest> calls = new CopyOnWriteArrayList<>();
    static LocalApi api;
    static DynamoDbClient dynamoDb;

    @BeforeAll
    static void start() throws IOException {
        providers.setDispatcher(new ProviderAnswers());
        providers.start();
        String base = providers.url("/").toString().replaceAll("/$", "");
        api = LocalApi.start(new LocalApi.Options(
                0,
                dataDir,
                Events.repositoryRoot().resolve("template.yaml"),
                Map.ofEntries(
                        Map.entry("STRIPE_SECRET_KEY", "sk_test_billing_flows"),
                        Map.entry("STRIPE_API_BASE", base),
                        Map.entry("STRIPE_WEBHOOK_SECRET", STRIPE_SECRET),
                        Map.entry("PHONEPE_CLIENT_ID", "DEVSKYYUAT"),
                        Map.entry("PHONEPE_CLIENT_SECRET", "phonepe-client-secret"),
                        Map.entry("PHONEPE_API_BASE", base + "/apis/pg-sandbox"),
                        Map.entry("PHONEPE_TOKEN_URL", base + "/apis/pg-sandbox/v1/oauth/token"),
                        Map.entry("PHONEPE_WEBHOOK_USERNAME", PHONEPE_USER),
                        Map.entry("PHONEPE_WEBHOOK_PASSWORD", PHONEPE_PASSWORD),
                        Map.entry("BILLING_ENTITLEMENTS_CACHE_SECONDS", "0"),
                        Map.entry(LocalApi.VISIBILITY_SETTING, "100"))));
        dynamoDb = UsingLocalApi.dynamoDb(api);
    }

    @AfterAll
    static void stop() {
        dynamoDb.close();
        api.close();
        providers.close();
    }

    /** Stripe's API and PhonePe's gateway, answering what this backend calls in their shapes. */
    static final class ProviderAnswers extends Dispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            calls.add(request);
            String path = request.getUrl().encodedPath();
            Map<String, String> form = form(request);
            long now = System.currentTimeMillis() / 1000;
            if (path.equals("/v1/checkout/sessions")) {
                String id = "cs_test_"
                        + Digests.sha256(request.getHeaders().get("Idempotency-Key"))
                                .substring(0, 24);
                return json("{\"id\":\"" + id + "\",\"object\":\"checkout.session\",\"mode\":\"subscription\","
                        + "\"client_reference_id\":\"" + form.get("client_reference_id") + "\",\"expires_at\":"
                        + (now + 86_400) + ",\"url\":\"https://checkout.stripe.com/c/pay/" + id + "\"}");
            }
            if (path.equals("/v1/billing_portal/sessions")) {
                return json("{\"id\":\"bps_1\",\"object\":\"billing_portal.session\",\"customer\":\""
                        + form.get("customer") + "\",\"return_url\":\"" + form.get("return_url")
                        + "\",\"url\":\"https://billing.stripe.com/p/session/test_1\"}");
            }
            if (path.equals("/v1/invoices")) {
                return json(
                        "{\"object\":\"list\",\"url\":\"/v1/invoices\",\"has_more\":false,\"data\":[{\"id\":\"in_flows\","
                                + "\"object\":\"invoice\",\"number\":\"DSK-0001\",\"status\":\"paid\",\"currency\":\"usd\",\"amount_due\":2900,"
                                + "\"amount_paid\":2900,\"created\":" + now + ",\"customer\":\""
                                + request.getUrl().queryParameter("customer")
                                + "\",\"hosted_invoice_url\":\"https://invoice.stripe.com/i/test\",\"invoice_pdf\":\"https://pay.stripe.com/invoice/test/pdf\"}]}");
            }
            if (path.equals("/v1/refunds")) {
                String id = "re_"
                        + Digests.sha256(request.getHeaders().get("Idempotency-Key"))
                                .substring(0, 24);
                return json("{\"id\":\"" + id + "\",\"object\":\"refund\",\"amount\":"
                        + form.getOrDefault("amount", "2900")
                        + ",\"currency\":\"usd\",\"status\":\"succeeded\",\"created\":1790000000,"
                        + "\"payment_intent\":\"" + form.get("payment_intent") + "\",\"metadata\":{\"workspace_id\":\""
                        + form.get("metadata[workspace_id]") + "\",\"payment_id\":\"" + form.get("metadata[payment_id]")
                        + "\"}}");
            }
            if (path.startsWith("/v1/subscriptions/")) {
                String id = path.substring("/v1/subscriptions/".length());
                return json(subscription(
                        id.substring("sub_".length()), Boolean.parseBoolean(form.get("cancel_at_period_end"))));
            }
            if (path.endsWith("/v1/oauth/token")) {
                return json(
                        "{\"access_token\":\"eyJ.flows\",\"encrypted_access_token\":\"eyJ.enc\",\"issued_at\":" + now
                                + ",\"expires_at\":" + (now + 3600) + ",\"session_expires_at\":" + (now + 3600)
                                + ",\"token_type\":\"O-Bearer\"}");
            }
            if (path.endsWith("/checkout/v2/pay")) {
                JsonNode body = Json.tree(request.getBody().toByteArray());
                String order = body.path("merchantOrderId").asString();
                return json("{\"orderId\":\"OMO" + order + "\",\"state\":\"PENDING\",\"expireAt\":"
                        + (now + 1200) * 1000
                        + ",\"redirectUrl\":\"https://mercury-uat.phonepe.com/transact/uat_v2?token=" + order + "\"}");
            }
            if (path.contains("/checkout/v2/order/")) {
                String order = path.split("/")[path.split("/").length - 2];
                return json(phonePeOrder(order, "COMPLETED"));
            }
            return new MockResponse.Builder()
                    .code(404)
                    .body("{\"error\":{\"type\":\"invalid_request_error\"}}")
                    .build();
        }
    }

    private static MockResponse json(String body) {
        return new MockResponse.Builder()
                .addHeader("content-type", "application/json")
                .body(body)
                .build();
    }

    private static Map<String, String> form(RecordedRequest request) {
        if (request.getBody() == null || !"POST".equals(request.getMethod())) {
            return Map.of();
        }
        HttpUrl parsed = HttpUrl.get("http://form/?" + request.getBody().utf8());
        Map<String, String> fields = new HashMap<>();
        parsed.queryParameterNames().forEach(name -> fields.put(name, parsed.queryParameter(name)));
        return fields;
    }

    private static List<RecordedRequest> calls(String path) {
        return calls.stream().filter(c -> c.getUrl().encodedPath().equals(path)).toList();
    }

    static String subscription(String workspace, boolean cancelAtPeriodEnd) {
        return "{\"id\":\"sub_" + workspace + "\",\"object\":\"subscription\",\"customer\":\"cus_" + workspace
                + "\",\"status\":\"active\",\"cancel_at_period_end\":" + cancelAtPeriodEnd
                + ",\"metadata\":{\"workspace_id\":\"" + workspace + "\",\"plan\":\"pro\"},"
                + "\"items\":{\"data\":[{\"current_period_end\":" + (System.currentTimeMillis() / 1000 + 30 * 86_400)
                + ",\"price\":{\"id\":\"price_inline\",\"lookup_key\":null,\"recurring\":{\"interval\":\"month\"}}}]}}";
    }

    static String phonePeOrder(String order, String state) {
        return "{\"orderId\":\"OMO" + order + "\",\"state\":\"" + state
                + "\",\"amount\":239900,\"expireAt\":1895342811000,"
                + "\"metaInfo\":{\"udf1\":\"\",\"udf2\":\"pro\"},\"paymentDetails\":[{\"paymentMode\":\"UPI_QR\","
                + "\"transactionId\":\"OM" + order + "\",\"timestamp\":1795342811000,\"amount\":239900,\"state\":\""
                + state + "\"}]}";
    }

    private static Answer stripeWebhook(ApiClient client, String id, String type, String object) throws Exception {
        long t = System.currentTimeMillis() / 1000;
        String event = "{\"id\":\"" + id + "\",\"object\":\"event\",\"api_version\":\"2025-03-31.basil\",\"created\":"
                + t + ",\"livemode\":false,\"type\":\"" + type + "\",\"data\":{\"object\":" + object + "}}";
        return client.send(
                "POST",
                "/api/v1/webhooks/stripe",
                event,
                null,
                "application/json",
                Map.of("stripe-signature", Webhook.Signature.generateSignatureHeader(event, STRIPE_SECRET, t)));
    }

    private static String path(LlmWorkspace ws, String route) {
        return "/api/v1/billing/workspaces/" + ws.workspaceId() + route;
    }

    private static Answer post(LlmWorkspace ws, String route, String json, String token, String key)
            throws IOException {
        return ws.client()
                .send(
                        "POST",
                        path(ws, route),
                        json,
                        token,
                        "application/json",
                        key == null ? Map.of() : Map.of("idempotency-key", key));
    }

    private static void eventually(Callable<Boolean> condition) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (condition.call()) {
                return;
            }
            Thread.sleep(50);
        }
        assertThat(condition.call()).as("the processor's effect").isTrue();
    }

    private static int apiKeyStatus(LlmWorkspace ws) throws IOException {
        return ws.client()
                .post(
                        "/api/v1/auth/workspaces/" + ws.workspaceId() + "/api-keys",
                        "{\"name\":\"ci\",\"role\":\"api_user\"}",
                        ws.adminToken())
                .status();
    }

    private static JsonNode subscriptionOf(LlmWorkspace ws) throws IOException {
        return ws.client().get(path(ws, "/subscription"), ws.adminToken()).body();
    }

    private static String operatorToken() throws IOException {
        ApiClient client = new ApiClient(api.port());
        String email = unique("billing-operator");
        Answer login = client.account(email, LlmWorkspace.PASSWORD);
        String userId =
                client.get("/api/v1/auth/me", login.field("access_token")).field("id");
        UsingLocalApi.grantPlatformRole(api, userId, "super_admin");
        return client.post("/api/v1/auth/refresh", "{\"refresh_token\":\"" + login.field("refresh_token") + "\"}", null)
                .field("access_token");
    }

    private static List<String> auditActions(LlmWorkspace ws) throws IOException {
        return ws.client()
                .get("/api/v1/auth/workspaces/" + ws.workspaceId() + "/audit?limit=100", ws.adminToken())
                .body()
                .path("events")
                .valueStream()
                .map(e -> e.path("action").asString())
                .toList();
    }

    @Test
    void aStripePurchaseRunsEndToEndAndTheNewLimitsHold() throws Exception {
        LlmWorkspace ws = LlmWorkspace.create(api);
        String workspace = ws.workspaceId();
        assertThat(apiKeyStatus(ws)).isEqualTo(201);
        assertThat(apiKeyStatus(ws)).isEqualTo(201);
        assertThat(apiKeyStatus(ws)).as("the free plan's two keys").isEqualTo(403);

        Answer checkout = post(ws, "/checkout", "{\"plan\":\"pro\"}", ws.adminToken(), "buy-pro-1");
        assertThat(checkout.status()).as(checkout.raw()).isEqualTo(201);
        assertThat(checkout.field("provider")).isEqualTo("stripe");
        assertThat(checkout.field("url")).startsWith("https://checkout.stripe.com/c/pay/cs_test_");
        Answer again = post(ws, "/checkout", "{\"plan\":\"pro\"}", ws.adminToken(), "buy-pro-1");
        assertThat(again.field("id")).as("the same key is the same session").isEqualTo(checkout.field("id"));
        List<RecordedRequest> sessions = calls("/v1/checkout/sessions").stream()
                .filter(c -> workspace.equals(form(c).get("client_reference_id")))
                .toList();
        assertThat(sessions).hasSize(2);
        assertThat(sessions.get(1).getHeaders().get("Idempotency-Key"))
                .isEqualTo(sessions.get(0).getHeaders().get("Idempotency-Key"));
        assertThat(form(sessions.get(0)))
                .containsEntry("mode", "subscription")
                .containsEntry("metadata[workspace_id]", workspace)
                .containsEntry("subscription_data[metadata][plan]", "pro")
                .containsEntry("line_items[0][price_data][unit_amount]", "2900");
        assertThat(sessions.get(0).getHeaders().get("Authorization")).isEqualTo("Bearer sk_test_billing_flows");
        assertThat(post(ws, "/checkout", "{\"plan\":\"pro\"}", ws.adminToken(), null)
                        .status())
                .as("a checkout before the first completes is another session")
                .isEqualTo(201);

        ApiClient stripe = new ApiClient(api.port());
        assertThat(stripeWebhook(
                                stripe,
                                "evt_cs_" + workspace,
                                "checkout.session.completed",
                                "{\"id\":\"" + checkout.field("id")
                                        + "\",\"object\":\"checkout.session\",\"mode\":\"subscription\","
                                        + "\"client_reference_id\":\"" + workspace + "\",\"customer\":\"cus_"
                                        + workspace
                                        + "\",\"subscription\":\"sub_" + workspace + "\",\"payment_status\":\"paid\"}")
                        .status())
                .isEqualTo(200);
        stripeWebhook(stripe, "evt_sc_" + workspace, "customer.subscription.created", subscription(workspace, false));
        eventually(() -> "pro".equals(subscriptionOf(ws).path("plan").asString()));
        JsonNode bought = subscriptionOf(ws);
        assertThat(bought.path("provider").asString()).isEqualTo("stripe");
        assertThat(bought.at("/entitlements/apiKeys").asLong()).isEqualTo(20);
        assertThat(apiKeyStatus(ws)).as("the pro plan's keys").isEqualTo(201);

        Answer second = post(ws, "/checkout", "{\"plan\":\"team\"}", ws.adminToken(), null);
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.body().path("type").asString()).endsWith("/subscription-exists");

        Answer portal = post(ws, "/portal", null, ws.adminToken(), null);
        assertThat(portal.status()).as(portal.raw()).isEqualTo(201);
        assertThat(portal.field("url")).startsWith("https://billing.stripe.com/");
        assertThat(form(calls("/v1/billing_portal/sessions").getLast())).containsEntry("customer", "cus_" + workspace);

        Answer invoices = ws.client().get(path(ws, "/invoices"), ws.adminToken());
        assertThat(invoices.status()).isEqualTo(200);
        assertThat(invoices.body().at("/invoices/0/number").asString()).isEqualTo("DSK-0001");
        assertThat(invoices.body().at("/invoices/0/amountPaid").asLong()).isEqualTo(2900);
        assertThat(invoices.body().path("nextCursor").isNull()).isTrue();

        Answer cancelled = post(ws, "/subscription/cancel", null, ws.adminToken(), null);
        assertThat(cancelled.status()).as(cancelled.raw()).isEqualTo(200);
        assertThat(cancelled.body().path("cancelAtPeriodEnd").asBoolean()).isTrue();
        assertThat(cancelled.body().path("plan").asString())
                .as("kept to the period's end")
                .isEqualTo("pro");
        assertThat(form(calls("/v1/subscriptions/sub_" + workspace).getLast()))
                .containsEntry("cancel_at_period_end", "true");
        Answer resumed = post(ws, "/subscription/resume", null, ws.adminToken(), null);
        assertThat(resumed.body().path("cancelAtPeriodEnd").asBoolean()).isFalse();
        assertThat(auditActions(ws))
                .contains(
                        "billing.checkout.started",
                        "billing.checkout.completed",
                        "billing.portal.opened",
                        "billing.subscription.cancel_requested",
                        "billing.subscription.resumed");
    }

    @Test
    void anEventParkedForACustomerLinkedSinceIsAppliedByTheReconciliationJob() throws Exception {
        LlmWorkspace ws = LlmWorkspace.create(api);
        String customer = "cus_parked_" + ws.workspaceId();
        // A subscription's update for a customer no workspace is linked to yet: parked.
        String object = "{\"id\":\"sub_parked_" + ws.workspaceId() + "\",\"object\":\"subscription\",\"customer\":\""
                + customer + "\",\"status\":\"active\",\"cancel_at_period_end\":false,\"items\":{\"data\":[{"
                + "\"current_period_end\":" + (System.currentTimeMillis() / 1000 + 30 * 86_400)
                + ",\"price\":{\"id\":\"price_inline\",\"lookup_key\":\"pro\"}}]}}";
        assertThat(stripeWebhook(
                                new ApiClient(api.port()),
                                "evt_parked_" + ws.workspaceId(),
                                "customer.subscription.updated",
                                object)
                        .status())
                .isEqualTo(200);
        eventually(() -> !parkedFor(customer).isEmpty());
        assertThat(subscriptionOf(ws).path("plan").asString()).isNotEqualTo("pro");

        // The checkout's link landed while that event was being parked: arranged in the table.
        try (DynamoDbClient dynamoDb = UsingLocalApi.dynamoDb(api)) {
            Map<String, AttributeValue> link =
                    new HashMap<>(BillingItems.customerLink("stripe", customer).attributes());
            link.put("workspaceId", AttributeValue.fromS(ws.workspaceId()));
            dynamoDb.putItem(r -> r.tableName("BillingTable").item(link));
        }
        String event = "{\"scheduledTime\":\"2027-08-01T06:00:00Z\",\"executionId\":\"e-parked\","
                + "\"scheduleArn\":\"arn:aws:scheduler:us-east-1:000000000000:schedule/default/reconciliation\"}";
        JsonNode report =
                Json.tree(api.invoke("BillingReconciliationJobFunction", event.getBytes(StandardCharsets.UTF_8)));
        assertThat(report.path("changed").asLong()).as(report.toString()).isEqualTo(1);
        assertThat(parkedFor(customer)).isEmpty();
        // The webhooks processor applied it from the queue, as any event.
        eventually(() -> subscriptionOf(ws).path("plan").asString().equals("pro"));
    }

    private static List<Map<String, AttributeValue>> parkedFor(String customer) {
        try (DynamoDbClient dynamoDb = UsingLocalApi.dynamoDb(api)) {
            return dynamoDb.query(r -> r.tableName("BillingTable")
                            .keyConditionExpression("pk = :unmatched AND begins_with(sk, :customer)")
                            .expressionAttributeValues(Map.of(
                                    ":unmatched", AttributeValue.fromS(BillingItems.UNMATCHED),
                                    ":customer", AttributeValue.fromS(BillingItems.parkedPrefix("stripe", customer)))))
                    .items();
        }
    }

    @Test
    void aRefundIsMadeByPlatformAdminsOnlyAndRecordedOnceThoughItsWebhookFollows() throws Exception {
        LlmWorkspace ws = LlmWorkspace.create(api);
        String workspace = ws.workspaceId();
        String invoice = "in_" + workspace.substring(3);
        ApiClient stripe = new ApiClient(api.port());
        stripeWebhook(
                stripe,
                "evt_ip_" + workspace,
                "invoice.paid",
                "{\"id\":\"" + invoice + "\",\"object\":\"invoice\",\"customer\":\"cus_r" + workspace
                        + "\",\"amount_paid\":2900,\"currency\":\"usd\",\"created\":1790000000,\"payment_intent\":\"pi_"
                        + workspace + "\",\"metadata\":{\"workspace_id\":\"" + workspace + "\"}}");
        eventually(() -> ws.client()
                        .get(path(ws, "/payments"), ws.adminToken())
                        .body()
                        .path("payments")
                        .size()
                == 1);

        String body = "{\"provider\":\"stripe\",\"paymentId\":\"" + invoice + "\"}";
        assertThat(post(ws, "/refunds", body, ws.adminToken(), "refund-1").status())
                .as("a workspace admin does not refund")
                .isEqualTo(403);
        String operator = operatorToken();
        assertThat(post(ws, "/refunds", body, operator, null).status())
                .as("no Idempotency-Key")
                .isEqualTo(400);
        assertThat(post(ws, "/refunds", "{\"provider\":\"stripe\",\"paymentId\":\"in_unknown\"}", operator, "refund-0")
                        .status())
                .isEqualTo(404);
        assertThat(post(
                                ws,
                                "/refunds",
                                "{\"provider\":\"stripe\",\"paymentId\":\"" + invoice + "\",\"amount\":9999}",
                                operator,
                                "refund-9")
                        .status())
                .as("more than the payment")
                .isEqualTo(422);
        Answer refund = post(ws, "/refunds", body, operator, "refund-1");
        assertThat(refund.status()).as(refund.raw()).isEqualTo(201);
        assertThat(refund.field("id")).startsWith("re_");
        assertThat(refund.field("status")).isEqualTo("succeeded");
        assertThat(refund.body().path("amount").asLong()).isEqualTo(2900);
        Answer repeated = post(ws, "/refunds", body, operator, "refund-1");
        assertThat(repeated.status()).isEqualTo(200);
        assertThat(repeated.headers()).containsEntry("idempotent-replayed", "true");
        assertThat(repeated.field("id")).isEqualTo(refund.field("id"));
        List<RecordedRequest> refunds = calls("/v1/refunds").stream()
                .filter(c -> workspace.equals(form(c).get("metadata[workspace_id]")))
                .toList();
        assertThat(refunds).hasSize(2);
        assertThat(form(refunds.getFirst())).containsEntry("payment_intent", "pi_" + workspace);
        assertThat(refunds.get(1).getHeaders().get("Idempotency-Key"))
                .isEqualTo(refunds.get(0).getHeaders().get("Idempotency-Key"));

        String refundObject = "{\"id\":\"" + refund.field("id")
                + "\",\"object\":\"refund\",\"amount\":2900,\"currency\":\"usd\","
                + "\"status\":\"succeeded\",\"created\":1790000000,\"payment_intent\":\"pi_" + workspace
                + "\",\"metadata\":{\"workspace_id\":\"" + workspace + "\",\"payment_id\":\"" + invoice + "\"}}";
        stripeWebhook(stripe, "evt_rf_" + workspace, "refund.created", refundObject);
        eventually(() -> "older_ignored".equals(outcome("stripe#evt_rf_" + workspace)));
        JsonNode history =
                ws.client().get(path(ws, "/payments"), ws.adminToken()).body();
        assertThat(history.path("payments")
                        .valueStream()
                        .map(p -> p.path("kind").asString()))
                .containsExactlyInAnyOrder("payment", "refund");
        assertThat(auditActions(ws).stream().filter(a -> a.startsWith("billing.refund.")))
                .containsExactly("billing.refund.requested");
    }

    private static String outcome(String key) {
        Map<String, AttributeValue> item = dynamoDb.getItem(
                        r -> r.tableName("IdempotencyTable").key(Map.of("pk", AttributeValue.fromS(key))))
                .item();
        return item.containsKey("outcome") ? item.get("outcome").s() : null;
    }

    @Test
    void aPhonePeOrderIsAppliedOnceByTheStatusCheckOrTheCallbackWhicheverComesFirst() throws Exception {
        LlmWorkspace ws = LlmWorkspace.create(api);
        Answer checkout = post(ws, "/checkout", "{\"plan\":\"pro\",\"provider\":\"phonepe\"}", ws.adminToken(), "pp-1");
        assertThat(checkout.status()).as(checkout.raw()).isEqualTo(201);
        assertThat(checkout.field("url")).startsWith("https://mercury-uat.phonepe.com/");
        String order = checkout.field("id");
        Answer repeated = post(ws, "/checkout", "{\"plan\":\"pro\",\"provider\":\"phonepe\"}", ws.adminToken(), "pp-1");
        assertThat(repeated.field("id")).isEqualTo(order);
        assertThat(repeated.field("url")).isEqualTo(checkout.field("url"));
        RecordedRequest pay = calls.stream()
                .filter(c -> c.getUrl().encodedPath().endsWith("/checkout/v2/pay"))
                .filter(c -> Json.tree(c.getBody().toByteArray())
                        .path("merchantOrderId")
                        .asString()
                        .equals(order))
                .findFirst()
                .orElseThrow();
        assertThat(calls.stream()
                        .filter(c -> c.getUrl().encodedPath().endsWith("/checkout/v2/pay"))
                        .filter(c -> Json.tree(c.getBody().toByteArray())
                                .path("merchantOrderId")
                                .asString()
                                .equals(order)))
                .as("a repeated checkout does not ask PhonePe for a second order")
                .hasSize(1);
        assertThat(pay.getHeaders().get("Authorization")).isEqualTo("O-Bearer eyJ.flows");
        assertThat(Json.tree(pay.getBody().toByteArray()).path("amount").asLong())
                .isEqualTo(239900);

        Answer status = ws.client().get(path(ws, "/orders/" + order + "/status"), ws.adminToken());
        assertThat(status.status()).as(status.raw()).isEqualTo(200);
        assertThat(status.field("state")).isEqualTo("COMPLETED");
        assertThat(status.body().path("applied").asBoolean()).isTrue();
        JsonNode bought = subscriptionOf(ws);
        assertThat(bought.path("plan").asString()).isEqualTo("pro");
        assertThat(bought.path("provider").asString()).isEqualTo("phonepe");
        assertThat(ws.client()
                        .get(path(ws, "/orders/" + order + "/status"), ws.adminToken())
                        .body()
                        .path("applied")
                        .asBoolean())
                .isFalse();

        String callback = "{\"event\":\"checkout.order.completed\",\"payload\":"
                + phonePeOrder(order, "COMPLETED").replaceFirst("\\{", "{\"merchantOrderId\":\"" + order + "\",") + "}";
        Answer delivered = new ApiClient(api.port())
                .send(
                        "POST",
                        "/api/v1/webhooks/phonepe",
                        callback,
                        null,
                        "application/json",
                        Map.of("authorization", Digests.sha256Hex(PHONEPE_USER + ":" + PHONEPE_PASSWORD)));
        assertThat(delivered.status()).isEqualTo(200);
        assertThat(delivered.body().path("duplicate").asBoolean())
                .as("already applied by the status check")
                .isTrue();
        assertThat(ws.client()
                        .get(path(ws, "/payments"), ws.adminToken())
                        .body()
                        .path("payments")
                        .size())
                .isEqualTo(1);
        assertThat(auditActions(ws).stream().filter(a -> a.equals("billing.plan.purchased")))
                .hasSize(1);

        assertThat(ws.client()
                        .get(path(ws, "/orders/ord_0000000000000000000000000000000/status"), ws.adminToken())
                        .status())
                .isEqualTo(404);
        Answer resume = post(ws, "/subscription/resume", null, ws.adminToken(), null);
        assertThat(resume.status()).isEqualTo(409);
        assertThat(resume.body().path("type").asString()).endsWith("/does-not-renew");
    }
}

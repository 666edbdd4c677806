package app.devskyy.local;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.testing.Events;
import app.devskyy.local.ApiClient.Answer;
import com.stripe.net.Webhook;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import tools.jackson.databind.JsonNode;

/**
 * The webhooks family through the local API: receiver, queue (SQS-compatible, with redrive) and
 * processor, as deployed. Stripe deliveries are signed with stripe-java's own helper; WooCommerce's
 * and PhonePe's with their published algorithms.
 */
class WebhooksTest {

    private static final String STRIPE_NEW = "whsec_test_new";
    private static final String STRIPE_OLD = "whsec_test_old";

    @TempDir
    static Path dataDir;

    static LocalApi api;
    static DynamoDbClient dynamoDb;

    @BeforeAll
    static void start() throws IOException {
        api = LocalApi.start(new LocalApi.Options(
                0,
                dataDir,
                Events.repositoryRoot().resolve("template.yaml"),
                Map.of(
                        "STRIPE_WEBHOOK_SECRET",
                        STRIPE_NEW + "," + STRIPE_OLD,
                        "WOOCOMMERCE_WEBHOOK_SECRET",
                        "woo_test",
                        "PHONEPE_SALT_KEY",
                        "salt_test",
                        "PHONEPE_SALT_INDEX",
                        "2",
                        "PHONEPE_WEBHOOK_USERNAME",
                        "pp",
                        "PHONEPE_WEBHOOK_PASSWORD",
                        "pp_secret",
                        LocalApi.VISIBILITY_SETTING,
                        "100")));
        dynamoDb = UsingLocalApi.dynamoDb(api);
    }

    @AfterAll
    static void stop() {
        dynamoDb.close();
        api.close();
    }

    // ---- helpers

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    static String stripeEvent(String id, String type, long created, String object) {
        return "{\"id\":\"" + id + "\",\"object\":\"event\",\"api_version\":\"2025-09-30.clover\",\"created\":"
                + created + ",\"livemode\":false,\"type\":\"" + type + "\",\"data\":{\"object\":" + object + "}}";
    }

    static String subscription(String workspace, String customer, boolean cancelAtPeriodEnd) {
        return "{\"id\":\"sub_" + customer + "\",\"object\":\"subscription\",\"customer\":\"" + customer
                + "\",\"status\":\"active\","
                + "\"cancel_at_period_end\":" + cancelAtPeriodEnd + ",\"metadata\":{\"workspace_id\":\"" + workspace
                + "\"},"
                + "\"items\":{\"data\":[{\"current_period_end\":1798000000,\"price\":{\"id\":\"price_1\",\"lookup_key\":\"pro_monthly\"}}]}}";
    }

    static String signStripe(String payload, String secret, long timestamp) throws Exception {
        return Webhook.Signature.generateSignatureHeader(payload, secret, timestamp);
    }

    private static Answer post(
            ApiClient client, String provider, String body, Map<String, String> headers, String contentType)
            throws IOException {
        return client.send("POST", "/api/v1/webhooks/" + provider, body, null, contentType, headers);
    }

    private static Answer stripe(ApiClient client, String body, String signature) throws IOException {
        return post(client, "stripe", body, Map.of("stripe-signature", signature), "application/json");
    }

    private static JsonNode billing(LlmWorkspace ws) throws IOException {
        return ws.client()
                .get("/api/v1/billing/workspaces/" + ws.workspaceId() + "/subscription", ws.adminToken())
                .body();
    }

    /** Waits for the processor, which runs after the receiver answered. */
    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 300 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as("the processor's effect").isTrue();
    }

    private static BooleanSupplier check(Callable<Boolean> condition) {
        return () -> {
            try {
                return condition.call();
            } catch (Exception e) {
                return false;
            }
        };
    }

    private static boolean recorded(String key) {
        return dynamoDb.getItem(r -> r.tableName("IdempotencyTable").key(Map.of("pk", AttributeValue.fromS(key))))
                .hasItem();
    }

    private static List<String> auditActions(LlmWorkspace ws) throws IOException {
        JsonNode audit = ws.client()
                .get("/api/v1/auth/workspaces/" + ws.workspaceId() + "/audit?limit=100", ws.adminToken())
                .body();
        return audit.path("events")
                .valueStream()
                .map(e -> e.path("action").asString())
                .toList();
    }

    static String hmacBase64(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    // ---- Stripe

    @Test
    void aSubscriptionsEventsApplyOnceAndInAnyOrder() throws Exception {
        LlmWorkspace ws = LlmWorkspace.create(api);
        ApiClient stripe = new ApiClient(api.port());
        String customer = "cus_" + System.nanoTime();
        long t = now();
        // The update (newer) arrives before the creation (older), and before the checkout links the customer.
        String updated = stripeEvent(
                "evt_u" + customer,
                "customer.subscription.updated",
                t - 10,
                subscription(ws.workspaceId(), customer, true));
        String created = stripeEvent(
                "evt_c" + customer,
                "customer.subscription.created",
                t - 20,
                subscription(ws.workspaceId(), customer, false));
        String invoice = stripeEvent(
                "evt_i" + customer,
                "invoice.paid",
                t - 5,
                "{\"id\":\"in_" + customer + "\",\"object\":\"invoice\"," + "\"customer\":\"" + customer
                        + "\",\"amount_paid\":4900,\"amount_due\":4900,\"currency\":\"usd\"}");
        String checkout = stripeEvent(
                "evt_k" + customer,
                "checkout.session.completed",
                t - 30,
                "{\"id\":\"cs_" + customer + "\","
                        + "\"object\":\"checkout.session\",\"client_reference_id\":\"" + ws.workspaceId()
                        + "\",\"customer\":\"" + customer
                        + "\",\"mode\":\"subscription\",\"payment_status\":\"paid\"}");
        assertThat(stripe(stripe, updated, signStripe(updated, STRIPE_NEW, t))
                        .body()
                        .path("duplicate")
                        .asBoolean())
                .isFalse();
        // Rotation: the old secret still signs.
        assertThat(stripe(stripe, created, signStripe(created, STRIPE_OLD, t)).status())
                .isEqualTo(200);
        assertThat(stripe(stripe, invoice, signStripe(invoice, STRIPE_NEW, t)).status())
                .isEqualTo(200);
        eventually(check(() -> billing(ws).path("status").asString().equals("active")));
        // The invoice names only the customer: parked until the checkout links it to the workspace.
        assertThat(billing(ws).path("payments")).isEmpty();
        assertThat(stripe(stripe, checkout, signStripe(checkout, STRIPE_NEW, t)).status())
                .isEqualTo(200);
        eventually(check(() -> billing(ws).path("payments").size() == 1));

        JsonNode state = billing(ws);
        assertThat(state.path("plan").asString()).isEqualTo("pro");
        assertThat(state.path("cancelAtPeriodEnd").asBoolean())
                .as("the newer update wins")
                .isTrue();
        assertThat(state.path("entitlements").path("monthlyLlmUsd").asLong()).isEqualTo(100);
        assertThat(state.at("/payments/0/amount").asLong()).isEqualTo(4900);
        assertThat(state.at("/payments/0/status").asString()).isEqualTo("paid");
        // A redelivery answers 200 and changes nothing.
        Answer again = stripe(stripe, updated, signStripe(updated, STRIPE_NEW, t));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("duplicate").asBoolean()).isTrue();
        assertThat(auditActions(ws))
                .contains("billing.customer.subscription.updated", "billing.payment.paid", "billing.checkout.completed")
                .doesNotContain("billing.customer.subscription.created");
    }

    @Test
    void deliveriesThatFailVerificationAreRefusedAndLeaveNoTrace() throws Exception {
        ApiClient forger = new ApiClient(api.port());
        long t = now();
        String event = stripeEvent(
                "evt_forged" + System.nanoTime(), "invoice.paid", t, "{\"id\":\"in_x\",\"customer\":\"cus_x\"}");
        String id = Json.tree(event.getBytes(StandardCharsets.UTF_8)).path("id").asString();
        String tampered = event.replace("in_x", "in_y");
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("wrong secret", signStripe(event, "whsec_someone_else", t));
        refused.put("stale", signStripe(event, STRIPE_NEW, t - 301));
        refused.put("future", signStripe(event, STRIPE_NEW, t + 301));
        refused.put("forged", "t=" + t + ",v1=" + "0".repeat(64));
        refused.put("v0 only", signStripe(event, STRIPE_NEW, t).replace("v1=", "v0="));
        refused.put("malformed", "v1=abc,t=yesterday");
        for (Map.Entry<String, String> attempt : refused.entrySet()) {
            Answer answer = stripe(forger, event, attempt.getValue());
            assertThat(answer.status()).as(attempt.getKey()).isEqualTo(401);
            assertThat(answer.body().path("detail").asString())
                    .as(attempt.getKey())
                    .isEqualTo("The webhook signature could not be verified.");
        }
        assertThat(stripe(forger, tampered, signStripe(event, STRIPE_NEW, t)).status())
                .as("tampered body")
                .isEqualTo(401);
        assertThat(post(forger, "stripe", event, Map.of(), "application/json").status())
                .as("no signature header")
                .isEqualTo(401);
        assertThat(recorded("stripe#" + id)).isFalse();
        // Bytes are checked as received: a base64-encoded delivery is decoded before the check.
        Answer binary = post(
                forger,
                "stripe",
                event,
                Map.of("stripe-signature", signStripe(event, STRIPE_NEW, t)),
                "application/octet-stream");
        assertThat(binary.status()).isEqualTo(200);
        assertThat(recorded("stripe#" + id)).isTrue();
        assertThat(post(forger, "paypal", event, Map.of(), "application/json").status())
                .isEqualTo(404);
        LlmWorkspace member = LlmWorkspace.create(api);
        assertThat(member.client()
                        .get("/api/v1/billing/workspaces/x.y/subscription", member.adminToken())
                        .status())
                .isEqualTo(404);
        assertThat(member.client()
                        .get("/api/v1/billing/workspaces/ws_not_mine/subscription", member.adminToken())
                        .status())
                .isEqualTo(404);
        assertThat(forger.get("/api/v1/billing/workspaces/" + member.workspaceId() + "/subscription", null)
                        .status())
                .isEqualTo(401);
        assertThat(member.client()
                        .get("/api/v1/billing/unmatched", member.adminToken())
                        .status())
                .as("platform admins only")
                .isEqualTo(403);
        String notJson = "{\"id\":";
        assertThat(stripe(forger, notJson, signStripe(notJson, STRIPE_NEW, t)).status())
                .isEqualTo(400);
    }

    @Test
    void aHundredConcurrentDeliveriesOfOneEventAreProcessedOnce() throws Exception {
        LlmWorkspace ws = LlmWorkspace.create(api);
        long t = now();
        String charge = "re_" + System.nanoTime();
        String event = stripeEvent(
                "evt_r" + charge,
                "refund.updated",
                t,
                "{\"id\":\"" + charge + "\",\"object\":\"refund\",\"status\":\"succeeded\","
                        + "\"created\":" + t + ",\"metadata\":{\"workspace_id\":\"" + ws.workspaceId()
                        + "\"},\"amount\":1500,\"payment_intent\":\"pi_1\",\"currency\":\"usd\"}");
        String signature = signStripe(event, STRIPE_NEW, t);
        List<Callable<Answer>> deliveries = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ApiClient client = new ApiClient(api.port());
            deliveries.add(() -> stripe(client, event, signature));
        }
        List<Answer> answers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<Answer> answer : threads.invokeAll(deliveries)) {
                answers.add(answer.get());
            }
        }
        assertThat(answers).allSatisfy(a -> assertThat(a.status()).isEqualTo(200));
        assertThat(answers.stream().filter(a -> !a.body().path("duplicate").asBoolean()))
                .hasSize(1);
        eventually(check(() -> billing(ws).path("payments").size() == 1));
        eventually(check(() -> "processed"
                .equals(dynamoDb.getItem(r -> r.tableName("IdempotencyTable")
                                .key(Map.of("pk", AttributeValue.fromS("stripe#evt_r" + charge))))
                        .item()
                        .get("status")
                        .s())));
        assertThat(billing(ws).at("/payments/0/kind").asString()).isEqualTo("refund");
        assertThat(auditActions(ws).stream().filter(a -> a.equals("billing.refund.succeeded")))
                .hasSize(1);
    }

    // ---- WooCommerce

    private static Answer woo(ApiClient client, String body, String topic, String delivery, String secret)
            throws Exception {
        return post(
                client,
                "woocommerce",
                body,
                Map.of(
                        "x-wc-webhook-signature",
                        hmacBase64(secret, body),
                        "x-wc-webhook-topic",
                        topic,
                        "x-wc-webhook-resource",
                        "order",
                        "x-wc-webhook-event",
                        topic.substring(6),
                        "x-wc-webhook-id",
                        "12",
                        "x-wc-webhook-delivery-id",
                        delivery),
                "application/json");
    }

    static String order(long id, String workspace, String status, String modified) {
        return "{\"id\":" + id + ",\"status\":\"" + status
                + "\",\"currency\":\"USD\",\"total\":\"129.00\",\"date_modified_gmt\":\"" + modified
                + "\",\"meta_data\":[{\"id\":1,\"key\":\"workspace_id\",\"value\":\"" + workspace + "\"}]}";
    }

    @Test
    void wooCommerceOrdersPingsAndRedeliveries() throws Exception {
        LlmWorkspace ws = LlmWorkspace.create(api);
        ApiClient store = new ApiClient(api.port());
        Answer ping = post(store, "woocommerce", "webhook_id=12", Map.of(), "application/x-www-form-urlencoded");
        assertThat(ping.status()).isEqualTo(200);
        assertThat(ping.body().path("ping").asBoolean()).isTrue();

        long id = System.nanoTime() % 1_000_000_000L;
        String refunded = order(id, ws.workspaceId(), "refunded", "2026-11-22T10:20:00");
        String processing = order(id, ws.workspaceId(), "processing", "2026-11-22T10:01:15");
        assertThat(woo(store, refunded, "order.updated", "d-2-" + id, "woo_test")
                        .status())
                .isEqualTo(200);
        // The same change again under a new delivery id: still a duplicate.
        assertThat(woo(store, refunded, "order.updated", "d-3-" + id, "woo_test")
                        .body()
                        .path("duplicate")
                        .asBoolean())
                .isTrue();
        // An older change arriving later leaves the newer state.
        assertThat(woo(store, processing, "order.updated", "d-1-" + id, "woo_test")
                        .body()
                        .path("duplicate")
                        .asBoolean())
                .isFalse();
        assertThat(woo(store, refunded.replace("129.00", "1.00"), "order.updated", "d-4-" + id, "wrong")
                        .status())
                .isEqualTo(401);
        eventually(check(() -> billing(ws).path("payments").size() == 1));
        Thread.sleep(500);
        assertThat(billing(ws).at("/payments/0/status").asString()).isEqualTo("refunded");
        assertThat(billing(ws).at("/payments/0/amount").asLong()).isEqualTo(12900);
    }

    // ---- PhonePe

    @Test
    void phonePeCallbacksAndWebhooks() throws Exception {
        LlmWorkspace ws = LlmWorkspace.create(api);
        ApiClient phonepe = new ApiClient(api.port());
        String order = "ord_" + System.nanoTime();
        String webhook = "{\"event\":\"checkout.order.completed\",\"payload\":{\"orderId\":\"OMO" + order
                + "\",\"merchantId\":\"M\","
                + "\"merchantOrderId\":\"" + order
                + "\",\"state\":\"COMPLETED\",\"amount\":499900,\"metaInfo\":{\"udf1\":\""
                + ws.workspaceId()
                + "\"},\"paymentDetails\":[{\"paymentMode\":\"UPI_QR\",\"transactionId\":\"OM1\",\"timestamp\":"
                + System.currentTimeMillis() + ",\"amount\":499900,\"state\":\"COMPLETED\"}]}}";
        assertThat(post(
                                phonepe,
                                "phonepe",
                                webhook,
                                Map.of("authorization", sha256("pp:pp_secret")),
                                "application/json")
                        .status())
                .isEqualTo(200);
        assertThat(post(phonepe, "phonepe", webhook, Map.of("authorization", sha256("pp:guess")), "application/json")
                        .status())
                .isEqualTo(401);
        eventually(check(() -> billing(ws).path("payments").size() == 1));
        assertThat(billing(ws).at("/payments/0/status").asString()).isEqualTo("paid");
        assertThat(billing(ws).at("/payments/0/currency").asString()).isEqualTo("INR");

        // The S2S callback names no workspace: kept as unmatched, not dropped.
        String response = Base64.getEncoder()
                .encodeToString(("{\"success\":true,\"code\":\"PAYMENT_SUCCESS\",\"data\":{"
                                + "\"merchantTransactionId\":\"MT" + order + "\",\"transactionId\":\"T" + order
                                + "\",\"amount\":100,\"state\":\"COMPLETED\"}}")
                        .getBytes(StandardCharsets.UTF_8));
        String body = "{\"response\":\"" + response + "\"}";
        assertThat(post(
                                phonepe,
                                "phonepe",
                                body,
                                Map.of("x-verify", sha256(response + "salt_test") + "###1"),
                                "application/json")
                        .status())
                .as("another salt index")
                .isEqualTo(401);
        assertThat(post(
                                phonepe,
                                "phonepe",
                                body,
                                Map.of("x-verify", sha256(response + "salt_test") + "###2"),
                                "application/json")
                        .status())
                .isEqualTo(200);
        eventually(check(() -> dynamoDb.query(r -> r.tableName("BillingTable")
                                .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                                .expressionAttributeValues(Map.of(
                                        ":pk",
                                        AttributeValue.fromS("UNMATCHED"),
                                        ":p",
                                        AttributeValue.fromS("phonepe#MT" + order))))
                        .count()
                == 1));
    }

    // ---- the queue

    @Test
    void aPoisonMessageIsRetriedThenDeadLetteredWhileTheRestOfItsBatchIsDone() throws Exception {
        LlmWorkspace ws = LlmWorkspace.create(api);
        long id = System.nanoTime() % 1_000_000_000L;
        String good = Json.write(Map.of(
                "provider",
                "woocommerce",
                "id",
                "q-" + id,
                "type",
                "order.updated",
                "dedupeKeys",
                List.of("woocommerce#queue-test#" + id),
                "changedAt",
                1795342800000L,
                "payload",
                Json.tree(("{\"data\":" + order(id, ws.workspaceId(), "completed", "2026-11-22T10:20:00") + "}")
                        .getBytes(StandardCharsets.UTF_8))));
        // The receiver records an event before queueing it; so does this test, for the good one.
        dynamoDb.putItem(r -> r.tableName("IdempotencyTable")
                .item(Map.of(
                        "pk",
                        AttributeValue.fromS("woocommerce#queue-test#" + id),
                        "status",
                        AttributeValue.fromS("queued"))));
        try (SqsClient sqs = SqsClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + api.port() + "/_aws/sqs"))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build()) {
            String poison = sqs.sendMessage(
                            r -> r.queueUrl("WebhookQueue").messageBody("{\"provider\": \"stripe\", not json"))
                    .messageId();
            sqs.sendMessage(r -> r.queueUrl("WebhookQueue").messageBody(good));
            eventually(check(() -> billing(ws).path("payments").size() == 1));
            eventually(check(() ->
                    api.queues().messages("WebhookDeadLetterQueue").stream().anyMatch(m -> m.id().equals(poison))));
            var dead = api.queues().messages("WebhookDeadLetterQueue").stream()
                    .filter(m -> m.id().equals(poison))
                    .findFirst()
                    .orElseThrow();
            assertThat(dead.receiveCount()).isEqualTo(5);
            assertThat(api.queues().messages("WebhookQueue")).noneMatch(m -> m.id().equals(poison));
        }
    }
}

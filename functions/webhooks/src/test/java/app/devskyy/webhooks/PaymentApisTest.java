package app.devskyy.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.CircuitBreakers;
import app.devskyy.core.Json;
import app.devskyy.core.OutboundHttp;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The Stripe and PhonePe clients against MockWebServer speaking each API's wire format: what is
 * sent (form or JSON, credentials, idempotency keys, version), how answers and error shapes are
 * read (a declined card, a rate limit, an idempotency conflict, an outage), which calls are
 * retried, and the breaker that stops calling a provider that is down.
 */
class PaymentApisTest {

    private final MockWebServer provider = new MockWebServer();
    private final MutableClock clock = new MutableClock(Instant.ofEpochSecond(1_790_000_000L));
    private StripeApi stripe;
    private PhonePeApi phonePe;
    private CircuitBreakers breakers;

    @BeforeEach
    void start() throws Exception {
        provider.start();
        breakers = new CircuitBreakers(
                CircuitBreakers.inInstance(clock), 3, Duration.ofMinutes(1), Duration.ofSeconds(30));
        PaymentHttp http = new PaymentHttp(OutboundHttp.client(), breakers, Duration.ofSeconds(2));
        HttpUrl base = provider.url("/").newBuilder().encodedPath("/").build();
        stripe = new StripeApi(http, HttpUrl.get(base.toString().replaceAll("/$", "")), "sk_test_123");
        phonePe = new PhonePeApi(
                http,
                HttpUrl.get(provider.url("/apis/pg-sandbox").toString()),
                provider.url("/apis/pg-sandbox/v1/oauth/token"),
                new PhonePeApi.Credentials("DEVSKYYUAT", "pp-secret", "1"),
                clock);
    }

    @AfterEach
    void stop() {
        provider.close();
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse.Builder()
                .code(code)
                .addHeader("content-type", "application/json")
                .addHeader("request-id", "req_123")
                .body(body)
                .build();
    }

    private static Map<String, String> form(RecordedRequest request) {
        HttpUrl parsed = HttpUrl.get("http://x/?" + request.getBody().utf8());
        Map<String, String> fields = new LinkedHashMap<>();
        for (String name : parsed.queryParameterNames()) {
            fields.put(name, parsed.queryParameter(name));
        }
        return fields;
    }

    private StripeApi.CheckoutSession session(Optional<String> priceId) {
        return new StripeApi.CheckoutSession(
                "ws_1",
                "pro",
                "Pro",
                priceId,
                2900,
                "usd",
                "month",
                Optional.empty(),
                "https://app.example/billing?checkout=success",
                "https://app.example/billing");
    }

    @Test
    void aCheckoutSessionIsFormEncodedWithTheWorkspaceTheKeyAndThePinnedVersion() throws Exception {
        provider.enqueue(json(
                200,
                "{\"id\":\"cs_test_a1\",\"object\":\"checkout.session\",\"url\":\"https://checkout.stripe.com/c/pay/cs_test_a1\","
                        + "\"expires_at\":1790086400,\"mode\":\"subscription\"}"));
        JsonNode answer = stripe.createCheckoutSession(session(Optional.empty()), "dsk-key-1");
        assertThat(answer.path("url").asString()).startsWith("https://checkout.stripe.com/");

        RecordedRequest sent = provider.takeRequest();
        assertThat(sent.getMethod()).isEqualTo("POST");
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/checkout/sessions");
        assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer sk_test_123");
        assertThat(sent.getHeaders().get("Idempotency-Key")).isEqualTo("dsk-key-1");
        assertThat(sent.getHeaders().get("Stripe-Version")).isEqualTo(StripeApi.VERSION);
        assertThat(sent.getHeaders().get("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(form(sent))
                .containsEntry("mode", "subscription")
                .containsEntry("client_reference_id", "ws_1")
                .containsEntry("metadata[workspace_id]", "ws_1")
                .containsEntry("subscription_data[metadata][workspace_id]", "ws_1")
                .containsEntry("subscription_data[metadata][plan]", "pro")
                .containsEntry("line_items[0][price_data][unit_amount]", "2900")
                .containsEntry("line_items[0][price_data][recurring][interval]", "month")
                .containsEntry("success_url", "https://app.example/billing?checkout=success")
                .doesNotContainKey("line_items[0][price]");
    }

    @Test
    void aConfiguredStripePriceIsUsedInsteadOfAnInlineOne() throws Exception {
        provider.enqueue(json(200, "{\"id\":\"cs_test_a2\",\"url\":\"https://checkout.stripe.com/c/pay/cs_test_a2\"}"));
        stripe.createCheckoutSession(session(Optional.of("price_1Pro")), "dsk-key-2");
        assertThat(form(provider.takeRequest()))
                .containsEntry("line_items[0][price]", "price_1Pro")
                .doesNotContainKey("line_items[0][price_data][unit_amount]");
    }

    @Test
    void aDeclinedCardIsA402ThatNamesTheDeclineButNotStripesMessage() {
        provider.enqueue(
                json(
                        402,
                        "{\"error\":{\"type\":\"card_error\",\"code\":\"card_declined\",\"decline_code\":\"insufficient_funds\","
                                + "\"message\":\"Your card has insufficient funds. Card ending 4242 of Jane Doe\",\"param\":\"\"}}"));
        assertThatThrownBy(() -> stripe.refund("pi_1", Optional.empty(), Optional.empty(), Map.of(), "dsk-key-3"))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> {
                    assertThat(problem.status()).isEqualTo(402);
                    assertThat(problem.slug()).isEqualTo("payment-declined");
                    assertThat(problem.getMessage())
                            .contains("insufficient_funds")
                            .doesNotContain("Jane", "4242");
                });
        assertThat(provider.getRequestCount()).as("a refusal is not retried").isEqualTo(1);
    }

    @Test
    void aRateLimitIsRetriedWithTheSameIdempotencyKeyThenAnswered() throws Exception {
        provider.enqueue(json(
                        429,
                        "{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"rate_limit\",\"message\":\"Too many requests\"}}")
                .newBuilder()
                .addHeader("Stripe-Should-Retry", "true")
                .build());
        provider.enqueue(json(200, "{\"id\":\"re_1\",\"object\":\"refund\",\"status\":\"succeeded\",\"amount\":2900}"));
        JsonNode refund =
                stripe.refund("pi_1", Optional.of(2900L), Optional.empty(), Map.of("workspace_id", "ws_1"), "dsk-k");
        assertThat(refund.path("id").asString()).isEqualTo("re_1");
        RecordedRequest first = provider.takeRequest();
        RecordedRequest second = provider.takeRequest();
        assertThat(second.getHeaders().get("Idempotency-Key"))
                .isEqualTo(first.getHeaders().get("Idempotency-Key"))
                .isEqualTo("dsk-k");
        assertThat(form(second))
                .containsEntry("payment_intent", "pi_1")
                .containsEntry("metadata[workspace_id]", "ws_1");
    }

    @Test
    void aRateLimitThatLastsIsA503WithRetryAfter() {
        for (int i = 0; i < 3; i++) {
            provider.enqueue(json(429, "{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"rate_limit\"}}")
                    .newBuilder()
                    .addHeader("Retry-After", "7")
                    .build());
        }
        assertThatThrownBy(() -> stripe.invoices("cus_1", 10, Optional.empty()))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> {
                    assertThat(problem.status()).isEqualTo(503);
                    assertThat(problem.headers()).containsEntry("retry-after", "7");
                });
        assertThat(provider.getRequestCount()).isEqualTo(3);
    }

    @Test
    void anIdempotencyConflictIsA409AndStripeSayingNotToRetryIsObeyed() {
        provider.enqueue(
                json(
                        400,
                        "{\"error\":{\"type\":\"idempotency_error\",\"message\":\"Keys for idempotent requests can only be used with the same parameters they were first used with.\"}}"));
        assertThatThrownBy(() -> stripe.cancelAtPeriodEnd("sub_1", true, "dsk-k"))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> {
                    assertThat(problem.status()).isEqualTo(409);
                    assertThat(problem.slug()).isEqualTo("idempotency-key-reused");
                });
        provider.enqueue(json(500, "{\"error\":{\"type\":\"api_error\"}}")
                .newBuilder()
                .addHeader("Stripe-Should-Retry", "false")
                .build());
        assertThatThrownBy(() -> stripe.cancelAtPeriodEnd("sub_1", true, "dsk-k2"))
                .isInstanceOfSatisfying(
                        ApiProblem.class,
                        problem -> assertThat(problem.status()).isEqualTo(503));
        assertThat(provider.getRequestCount()).isEqualTo(2);
    }

    @Test
    void anInvalidRequestIsA422WithStripesCodeOnly() {
        provider.enqueue(
                json(
                        400,
                        "{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"charge_already_refunded\",\"message\":\"Charge ch_1 has already been refunded.\"}}"));
        assertThatThrownBy(() -> stripe.refund("pi_1", Optional.empty(), Optional.empty(), Map.of(), "dsk-k"))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> {
                    assertThat(problem.status()).isEqualTo(422);
                    assertThat(problem.getMessage())
                            .contains("charge_already_refunded")
                            .doesNotContain("ch_1");
                });
    }

    @Test
    void anInvoicesPaymentIntentIsReadFromItsInvoicePayments() throws Exception {
        provider.enqueue(
                json(
                        200,
                        "{\"object\":\"list\",\"data\":[{\"id\":\"inpay_1\",\"object\":\"invoice_payment\",\"invoice\":\"in_1\","
                                + "\"status\":\"paid\",\"payment\":{\"type\":\"payment_intent\",\"payment_intent\":\"pi_9\"}}],\"has_more\":false}"));
        assertThat(stripe.paymentIntentOfInvoice("in_1")).contains("pi_9");
        assertThat(provider.takeRequest().getUrl().queryParameter("invoice")).isEqualTo("in_1");
    }

    @Test
    void aProviderThatKeepsFailingIsNotCalledWhileItsBreakerIsOpen() {
        for (int i = 0; i < 3; i++) {
            provider.enqueue(json(503, "{}"));
        }
        assertThatThrownBy(() -> stripe.invoices("cus_1", 10, Optional.empty()))
                .isInstanceOfSatisfying(
                        ApiProblem.class,
                        problem -> assertThat(problem.status()).isEqualTo(503));
        assertThat(provider.getRequestCount()).isEqualTo(3);
        assertThatThrownBy(() -> stripe.invoices("cus_1", 10, Optional.empty()))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> {
                    assertThat(problem.status()).isEqualTo(503);
                    assertThat(problem.headers()).containsEntry("retry-after", "30");
                });
        assertThat(provider.getRequestCount())
                .as("the open breaker sends nothing")
                .isEqualTo(3);
    }

    // ---- PhonePe

    private static MockResponse token(long expiresAt) {
        return json(
                200,
                "{\"access_token\":\"eyJ.token." + expiresAt
                        + "\",\"encrypted_access_token\":\"eyJ.enc\",\"expires_in\":null,"
                        + "\"issued_at\":1790000000,\"expires_at\":" + expiresAt + ",\"session_expires_at\":"
                        + expiresAt
                        + ",\"token_type\":\"O-Bearer\"}");
    }

    @Test
    void phonePeTakesAClientCredentialsTokenOnceAndSendsThePaymentAsJson() throws Exception {
        provider.enqueue(token(1_790_003_600L));
        provider.enqueue(json(
                200,
                "{\"orderId\":\"OMO123\",\"state\":\"PENDING\",\"expireAt\":1790001200000,"
                        + "\"redirectUrl\":\"https://mercury-uat.phonepe.com/transact/uat_v2?token=abc\"}"));
        provider.enqueue(json(
                200,
                "{\"orderId\":\"OMO123\",\"state\":\"COMPLETED\",\"amount\":239900,\"expireAt\":1790001200000,"
                        + "\"metaInfo\":{\"udf1\":\"ws_1\",\"udf2\":\"pro\"},\"paymentDetails\":[]}"));
        JsonNode order = phonePe.pay("ord_1", 239900, "ws_1", "pro", "https://app.example/billing?order=ord_1");
        assertThat(order.path("redirectUrl").asString()).startsWith("https://mercury-uat.phonepe.com/");
        assertThat(phonePe.orderStatus("ord_1").path("state").asString()).isEqualTo("COMPLETED");

        RecordedRequest tokenRequest = provider.takeRequest();
        assertThat(tokenRequest.getUrl().encodedPath()).isEqualTo("/apis/pg-sandbox/v1/oauth/token");
        assertThat(form(tokenRequest))
                .containsEntry("client_id", "DEVSKYYUAT")
                .containsEntry("client_version", "1")
                .containsEntry("client_secret", "pp-secret")
                .containsEntry("grant_type", "client_credentials");
        RecordedRequest pay = provider.takeRequest();
        assertThat(pay.getUrl().encodedPath()).isEqualTo("/apis/pg-sandbox/checkout/v2/pay");
        assertThat(pay.getHeaders().get("Authorization")).isEqualTo("O-Bearer eyJ.token.1790003600");
        JsonNode body = Json.tree(pay.getBody().toByteArray());
        assertThat(body.path("merchantOrderId").asString()).isEqualTo("ord_1");
        assertThat(body.path("amount").asLong()).isEqualTo(239900);
        assertThat(body.at("/metaInfo/udf1").asString()).isEqualTo("ws_1");
        assertThat(body.at("/paymentFlow/type").asString()).isEqualTo("PG_CHECKOUT");
        assertThat(body.at("/paymentFlow/merchantUrls/redirectUrl").asString()).endsWith("order=ord_1");
        RecordedRequest status = provider.takeRequest();
        assertThat(status.getUrl().encodedPath()).isEqualTo("/apis/pg-sandbox/checkout/v2/order/ord_1/status");
        assertThat(status.getHeaders().get("Authorization"))
                .as("the token is reused")
                .endsWith("1790003600");
    }

    @Test
    void aPhonePeTokenIsRenewedBeforeItExpires() throws Exception {
        provider.enqueue(token(1_790_000_100L));
        provider.enqueue(json(200, "{\"orderId\":\"OMO1\",\"state\":\"PENDING\"}"));
        provider.enqueue(token(1_790_009_999L));
        provider.enqueue(json(200, "{\"orderId\":\"OMO1\",\"state\":\"PENDING\"}"));
        phonePe.orderStatus("ord_1");
        clock.advance(Duration.ofSeconds(60));
        phonePe.orderStatus("ord_1");
        assertThat(provider.takeRequest().getUrl().encodedPath()).endsWith("/oauth/token");
        provider.takeRequest();
        assertThat(provider.takeRequest().getUrl().encodedPath()).endsWith("/oauth/token");
        assertThat(provider.takeRequest().getHeaders().get("Authorization")).endsWith("1790009999");
    }

    @Test
    void aPhonePePaymentIsNeverRepeatedButItsStatusReadIs() {
        provider.enqueue(token(1_790_003_600L));
        provider.enqueue(json(500, "{\"code\":\"INTERNAL_SERVER_ERROR\",\"message\":\"error\"}"));
        assertThatThrownBy(() -> phonePe.pay("ord_2", 100, "ws_1", "pro", "https://app.example/b"))
                .isInstanceOfSatisfying(
                        ApiProblem.class,
                        problem -> assertThat(problem.status()).isEqualTo(503));
        assertThat(provider.getRequestCount()).isEqualTo(2);
        provider.enqueue(json(500, "{\"code\":\"INTERNAL_SERVER_ERROR\"}"));
        provider.enqueue(json(200, "{\"orderId\":\"OMO2\",\"state\":\"FAILED\"}"));
        assertThat(phonePe.orderStatus("ord_2").path("state").asString()).isEqualTo("FAILED");
        assertThat(provider.getRequestCount()).isEqualTo(4);
    }

    @Test
    void aPhonePeRefusalIsA422WithItsCodeAndAnUnknownOrderA404() {
        provider.enqueue(token(1_790_003_600L));
        provider.enqueue(
                json(400, "{\"code\":\"BAD_REQUEST\",\"message\":\"Refund amount exceeds order amount for ord_3\"}"));
        assertThatThrownBy(() -> phonePe.refund("rf_1", "ord_3", 999_999))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> {
                    assertThat(problem.status()).isEqualTo(422);
                    assertThat(problem.getMessage()).contains("BAD_REQUEST").doesNotContain("ord_3");
                });
        provider.enqueue(json(404, "{\"code\":\"ORDER_NOT_FOUND\",\"message\":\"No order\"}"));
        assertThatThrownBy(() -> phonePe.orderStatus("ord_missing"))
                .isInstanceOfSatisfying(
                        ApiProblem.class,
                        problem -> assertThat(problem.status()).isEqualTo(404));
    }
}

package app.devskyy.webhooks;

import app.devskyy.core.Json;
import app.devskyy.core.http.ApiProblem;
import java.time.Clock;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The calls this backend makes to PhonePe's payment gateway (Standard Checkout, v2): an OAuth
 * token (client credentials, kept until shortly before it expires), a payment, an order's status,
 * a refund. PhonePe's idempotency is the merchant's own ids: an order id or refund id is used once,
 * so the routes derive them from the caller's request; only the status read is retried.
 */
final class PhonePeApi {

    static final String PROVIDER = "phonepe";

    private static final MediaType JSON = MediaType.get("application/json");

    /** A token is renewed this long before PhonePe says it expires. */
    private static final long RENEW_SECONDS = 60;

    record Credentials(String clientId, String clientSecret, String clientVersion) {}

    private record Token(String value, long expiresAt) {}

    private final PaymentHttp http;
    private final HttpUrl base;
    private final HttpUrl tokenUrl;
    private final Credentials credentials;
    private final Clock clock;
    private volatile Token token;

    PhonePeApi(PaymentHttp http, HttpUrl base, HttpUrl tokenUrl, Credentials credentials, Clock clock) {
        this.http = http;
        this.base = base;
        this.tokenUrl = tokenUrl;
        this.credentials = credentials;
        this.clock = clock;
    }

    /** A Standard Checkout payment; answers PhonePe's order ({@code orderId}, {@code state}, {@code redirectUrl}, {@code expireAt}). */
    JsonNode pay(String merchantOrderId, long amount, String workspaceId, String plan, String redirectUrl) {
        ObjectNode body = Json.MAPPER
                .createObjectNode()
                .put("merchantOrderId", merchantOrderId)
                .put("amount", amount)
                .put("expireAfter", 1200);
        body.putObject("metaInfo").put("udf1", workspaceId).put("udf2", plan);
        body.putObject("paymentFlow")
                .put("type", "PG_CHECKOUT")
                .put("message", "DevSkyy " + plan)
                .putObject("merchantUrls")
                .put("redirectUrl", redirectUrl);
        return post("/checkout/v2/pay", body, false);
    }

    /** What PhonePe knows of an order: its {@code state}, {@code amount}, {@code metaInfo}, payments. */
    JsonNode orderStatus(String merchantOrderId) {
        HttpUrl url = base.newBuilder()
                .addPathSegments("checkout/v2/order")
                .addPathSegment(merchantOrderId)
                .addPathSegment("status")
                .addQueryParameter("details", "false")
                .build();
        return send(url, null, true);
    }

    /** Refunds {@code amount} of an order; answers PhonePe's refund ({@code refundId}, {@code state}). */
    JsonNode refund(String merchantRefundId, String originalMerchantOrderId, long amount) {
        ObjectNode body = Json.MAPPER
                .createObjectNode()
                .put("merchantRefundId", merchantRefundId)
                .put("originalMerchantOrderId", originalMerchantOrderId)
                .put("amount", amount);
        return post("/payments/v2/refund", body, false);
    }

    private JsonNode post(String path, JsonNode body, boolean repeatable) {
        return send(base.newBuilder().addPathSegments(path.substring(1)).build(), body, repeatable);
    }

    private JsonNode send(HttpUrl url, JsonNode body, boolean repeatable) {
        Request.Builder request = new Request.Builder().url(url).header("Authorization", "O-Bearer " + token());
        if (body == null) {
            request.get();
        } else {
            request.post(RequestBody.create(Json.writeBytes(body), JSON));
        }
        try {
            return http.send(PROVIDER, request.build(), repeatable, response -> null);
        } catch (PaymentHttp.Refusal refusal) {
            throw explain(refusal);
        }
    }

    private String token() {
        Token current = token;
        long now = clock.instant().getEpochSecond();
        if (current != null && current.expiresAt() - RENEW_SECONDS > now) {
            return current.value();
        }
        synchronized (this) {
            if (token != null && token.expiresAt() - RENEW_SECONDS > now) {
                return token.value();
            }
            Request request = new Request.Builder()
                    .url(tokenUrl)
                    .post(new FormBody.Builder()
                            .add("client_id", credentials.clientId())
                            .add("client_version", credentials.clientVersion())
                            .add("client_secret", credentials.clientSecret())
                            .add("grant_type", "client_credentials")
                            .build())
                    .build();
            JsonNode answer;
            try {
                answer = http.send(PROVIDER, request, true, response -> null);
            } catch (PaymentHttp.Refusal refused) {
                // Refused credentials are the stage's configuration, not the caller's request.
                throw PaymentHttp.unavailable(PROVIDER, 60);
            }
            String value = answer.path("access_token").asString("");
            if (value.isEmpty()) {
                throw PaymentHttp.unavailable(PROVIDER, 5);
            }
            token = new Token(value, Json.wholeNumber(answer, "expires_at", now + 600));
            return value;
        }
    }

    /** PhonePe's refusal ({@code code}, {@code message}) as this API's problem; its message is not passed on. */
    static ApiProblem explain(PaymentHttp.Refusal refusal) {
        String code = refusal.body().path("code").asString("");
        if (refusal.status() == 404) {
            return ApiProblem.notFound("PhonePe knows no such order.");
        }
        return ApiProblem.of(
                422,
                "provider-refused",
                "The payment provider refused the request",
                "PhonePe refused the request" + (code.matches("[A-Z_]{1,80}") ? " (" + code + ")" : "") + ".");
    }
}

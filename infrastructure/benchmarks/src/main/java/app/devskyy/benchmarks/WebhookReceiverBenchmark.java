package app.devskyy.benchmarks;

import app.devskyy.core.OutboundHttp;
import app.devskyy.local.LocalApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * How quickly the webhook receiver acknowledges: signed Stripe deliveries (verify, claim in the
 * idempotency table, send to the queue) against {@code GET /health/live} (a route that does no
 * work) through the same local API, over HTTP, in one run. Results go to standard output and
 * {@code infrastructure/benchmarks/target/webhooks.md}.
 */
public final class WebhookReceiverBenchmark {

    private static final int WARMUP = 300;
    private static final int SAMPLES = 1_000;
    private static final String SECRET = "whsec_benchmark";

    private WebhookReceiverBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path data = Files.createTempDirectory("webhook-bench");
        try (LocalApi api = LocalApi.start(
                new LocalApi.Options(0, data, Path.of("template.yaml"), Map.of("STRIPE_WEBHOOK_SECRET", SECRET)))) {
            OkHttpClient http = OutboundHttp.client();
            String base = "http://127.0.0.1:" + api.port();
            int[] n = {0};
            Runnable live = () ->
                    call(http, new Request.Builder().url(base + "/health/live").build());
            Runnable delivery = () -> {
                long t = System.currentTimeMillis() / 1000;
                String body = "{\"id\":\"evt_bench" + (n[0]++)
                        + "\",\"object\":\"event\",\"type\":\"invoice.paid\",\"created\":" + t
                        + ",\"data\":{\"object\":{\"id\":\"in_bench\",\"customer\":\"cus_bench\"}}}";
                call(
                        http,
                        new Request.Builder()
                                .url(base + "/api/v1/webhooks/stripe")
                                .header("stripe-signature", "t=" + t + ",v1=" + hmac(t + "." + body))
                                .post(RequestBody.create(
                                        body.getBytes(StandardCharsets.UTF_8), MediaType.get("application/json")))
                                .build());
            };
            Timings.measure(live, WARMUP, new ArrayList<>());
            Timings.measure(delivery, WARMUP, new ArrayList<>());
            List<Double> liveTimes = new ArrayList<>();
            List<Double> deliveryTimes = new ArrayList<>();
            for (int round = 0; round < 10; round++) {
                Timings.measure(live, SAMPLES / 10, liveTimes);
                Timings.measure(delivery, SAMPLES / 10, deliveryTimes);
            }
            liveTimes.sort(Double::compare);
            deliveryTimes.sort(Double::compare);
            String report = String.format(
                    Locale.ROOT,
                    """
                    | through the local API over HTTP (%d samples each) | p50 ms | p99 ms |
                    |---|---|---|
                    | GET /health/live (baseline: no work) | %.2f | %.2f |
                    | POST /api/v1/webhooks/stripe (verify, claim, enqueue) | %.2f | %.2f |

                    ratio delivery / baseline: p50 %.2f
                    """,
                    SAMPLES,
                    Timings.percentile(liveTimes, 0.5),
                    Timings.percentile(liveTimes, 0.99),
                    Timings.percentile(deliveryTimes, 0.5),
                    Timings.percentile(deliveryTimes, 0.99),
                    Timings.percentile(deliveryTimes, 0.5) / Timings.percentile(liveTimes, 0.5));
            System.out.print(report);
            Files.createDirectories(Path.of("infrastructure/benchmarks/target"));
            Files.writeString(Path.of("infrastructure/benchmarks/target/webhooks.md"), report);
        }
        // DynamoDB Local leaves non-daemon threads behind.
        System.exit(0);
    }

    private static String hmac(String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void call(OkHttpClient http, Request request) {
        try (Response response = http.newCall(request).execute()) {
            if (response.code() != 200) {
                throw new IllegalStateException(request.url() + " answered " + response.code() + ": "
                        + response.body().string());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

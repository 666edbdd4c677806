package app.devskyy.benchmarks;

import app.devskyy.core.OutboundHttp;
import app.devskyy.local.LocalApi;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * How quickly the webhook receiver acknowledges: signed Stripe deliveries (verify, claim in the
 * idempotency table, send to the queue) against {@code GET /health/live} (a route that does no
 * work) through the same local API, over HTTP, in one run: once with the processor's queue paused
 * (the receiver alone, as in AWS, where the processor runs on its own instances; its store calls
 * counted), once with the processor applying the events on the same cores. Results go to standard output and
 * {@code infrastructure/benchmarks/target/webhooks.md}.
 */
public final class WebhookReceiverBenchmark {

    private static final int WARMUP = 300;
    private static final int SAMPLES = 1_000;
    private static final String SECRET = "whsec_benchmark";
    private static final String PROCESSOR = "WebhookProcessorFunction";

    private WebhookReceiverBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path data = Files.createTempDirectory("webhook-bench");
        try (LocalApi api = LocalApi.start(
                new LocalApi.Options(0, data, Path.of("template.yaml"), Map.of("STRIPE_WEBHOOK_SECRET", SECRET)))) {
            OkHttpClient http = OutboundHttp.client();
            String base = "http://127.0.0.1:" + api.port();
            int[] n = {0};
            Runnable live = () -> LocalCaller.call(
                    http, new Request.Builder().url(base + "/health/live").build());
            Runnable delivery = () -> {
                long t = System.currentTimeMillis() / 1000;
                String body = "{\"id\":\"evt_bench" + (n[0]++)
                        + "\",\"object\":\"event\",\"type\":\"invoice.paid\",\"created\":" + t
                        + ",\"data\":{\"object\":{\"id\":\"in_bench\",\"customer\":\"cus_bench\"}}}";
                LocalCaller.call(
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
            List<Double> aloneTimes = new ArrayList<>();
            List<Double> beside = new ArrayList<>();
            Map<String, Long> calls = new TreeMap<>();
            for (int round = 0; round < 10; round++) {
                Timings.measure(live, SAMPLES / 10, liveTimes);
                // The receiver alone, as in AWS, where the processor runs on instances of its own.
                api.queues().deliverTo(PROCESSOR, false);
                Map<String, Long> before = StoreCalls.snapshot();
                Timings.measure(delivery, SAMPLES / 10, aloneTimes);
                StoreCalls.since(before).forEach((call, count) -> calls.merge(call, count, Long::sum));
                api.queues().deliverTo(PROCESSOR, true);
                drained(api);
                // And with the processor applying the events on the same two cores, as the local API runs.
                Timings.measure(delivery, SAMPLES / 10, beside);
            }
            drained(api);
            for (List<Double> times : List.of(liveTimes, aloneTimes, beside)) {
                times.sort(Double::compare);
            }
            double floor = Timings.percentile(liveTimes, 0.5);
            StringBuilder perDelivery = new StringBuilder();
            calls.forEach((call, count) -> perDelivery.append(
                    String.format(Locale.ROOT, " %s %.2f", call, (double) count / aloneTimes.size())));
            String report = String.format(
                    Locale.ROOT,
                    """
                    | through the local API over HTTP (%d samples each) | p50 ms | p99 ms | p50 / baseline |
                    |---|---|---|---|
                    | GET /health/live (baseline: no work) | %.2f | %.2f | 1 |
                    | POST /api/v1/webhooks/stripe, the processor paused (verify, claim, enqueue) | %.2f | %.2f | %.2f |
                    | POST /api/v1/webhooks/stripe, the processor applying the events beside it | %.2f | %.2f | %.2f |

                    store calls per delivery (the receiver alone):%s
                    """,
                    SAMPLES,
                    floor,
                    Timings.percentile(liveTimes, 0.99),
                    Timings.percentile(aloneTimes, 0.5),
                    Timings.percentile(aloneTimes, 0.99),
                    Timings.percentile(aloneTimes, 0.5) / floor,
                    Timings.percentile(beside, 0.5),
                    Timings.percentile(beside, 0.99),
                    Timings.percentile(beside, 0.5) / floor,
                    perDelivery);
            System.out.print(report);
            Files.createDirectories(Path.of("infrastructure/benchmarks/target"));
            Files.writeString(Path.of("infrastructure/benchmarks/target/webhooks.md"), report);
        }
        // DynamoDB Local leaves non-daemon threads behind.
        System.exit(0);
    }

    /** Waits until the processor has applied every queued event (they are parked: no customer is linked). */
    private static void drained(LocalApi api) throws InterruptedException {
        for (int i = 0; i < 3_000 && !api.queues().messages("WebhookQueue").isEmpty(); i++) {
            Thread.sleep(10);
        }
        if (!api.queues().messages("WebhookQueue").isEmpty()) {
            throw new IllegalStateException("the processor did not drain the queue");
        }
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
}

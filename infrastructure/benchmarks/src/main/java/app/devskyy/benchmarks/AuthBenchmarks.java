package app.devskyy.benchmarks;

import app.devskyy.auth.AuthInitializer;
import app.devskyy.core.Json;
import app.devskyy.core.auth.AuthSecret;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.config.Config;
import app.devskyy.core.http.HttpApiFunction;
import app.devskyy.core.snapstart.PrimingEvents;
import app.devskyy.core.testing.EmbeddedDynamoDb;
import app.devskyy.local.LocalSecretsManager;
import app.devskyy.local.SamTemplate;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The warm cost of authentication: JMH for the Authenticator (against the bare ES256 check) and
 * Argon2id; then {@code POST /login} through the auth function against DynamoDB Local, against a
 * route of the same function that does no work ({@code GET /.well-known/jwks.json}). Results go to
 * standard output and {@code infrastructure/benchmarks/target/auth.md}.
 */
public final class AuthBenchmarks {

    private static final int SAMPLES = 60;

    private AuthBenchmarks() {}

    public static void main(String[] args) throws Exception {
        StringBuilder report = new StringBuilder();
        report.append("| JMH benchmark | score | error (99.9%) | unit |\n|---|---|---|---|\n");
        Map<String, Double> scores = new HashMap<>();
        for (RunResult result : new Runner(new OptionsBuilder()
                        .include(AuthenticationBenchmark.class.getName())
                        .forks(1)
                        .warmupIterations(3)
                        .warmupTime(TimeValue.seconds(1))
                        .measurementIterations(5)
                        .measurementTime(TimeValue.seconds(1))
                        .build())
                .run()) {
            var score = result.getPrimaryResult();
            String name = result.getParams()
                    .getBenchmark()
                    .substring(result.getParams().getBenchmark().lastIndexOf('.') + 1);
            scores.put(name, score.getScore());
            report.append(String.format(
                    Locale.ROOT,
                    "| %s | %.2f | %.2f | %s |%n",
                    name,
                    score.getScore(),
                    score.getScoreError(),
                    score.getScoreUnit()));
        }
        report.append(String.format(
                Locale.ROOT,
                "%nAuthenticator.verify / ES256 signature alone: %.2f%n",
                scores.get("authenticatorVerify") / scores.get("es256SignatureOnly")));
        report.append(endToEnd());
        System.out.print(report);
        Files.createDirectories(Path.of("infrastructure/benchmarks/target"));
        Files.writeString(Path.of("infrastructure/benchmarks/target/auth.md"), report);
    }

    /** Medians of /login and of /me against the JWKS route, through the auth function's handler. */
    private static String endToEnd() throws Exception {
        try (EmbeddedDynamoDb engine = EmbeddedDynamoDb.start(null);
                LocalSecretsManager.Served secrets = LocalSecretsManager.serve(
                        Files.createTempDirectory("secrets"), "devskyy/bench/auth", AuthSecret.generate())) {
            byte[] piiKey = new byte[32];
            new SecureRandom().nextBytes(piiKey);
            Map<String, String> settings = Map.of(
                    "DEVSKYY_ENV",
                    "local",
                    "DEVSKYY_METRICS",
                    "off",
                    "AWS_REGION",
                    "us-east-1",
                    "AWS_ENDPOINT_URL_DYNAMODB",
                    engine.endpoint().toString(),
                    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
                    secrets.endpoint(),
                    "AUTH_SECRET_ARN",
                    secrets.arn(),
                    "PII_DATA_KEY",
                    Base64.getEncoder().encodeToString(piiKey),
                    "MAIL_OUTBOX_DIR",
                    Files.createTempDirectory("outbox").toString());
            Config config = Config.of(settings);
            try (DynamoDbClient dynamoDb = new AwsClients(config).dynamoDb()) {
                engine.createTables(
                        dynamoDb, SamTemplate.load(Path.of("template.yaml")).tables());
            }
            HttpApiFunction auth = AuthInitializer.create(config);
            int accounts = 10;
            for (int i = 0; i < accounts; i++) {
                call(
                        auth,
                        "POST",
                        "/api/v1/auth/signup",
                        "{\"email\":\"bench" + i + "@example.com\",\"password\":"
                                + "\"correct horse battery\",\"displayName\":\"Bench\"}",
                        "198.51.100." + i,
                        null,
                        201);
            }
            int[] next = {0};
            Supplier<APIGatewayV2HTTPResponse> login = () -> {
                int n = next[0]++;
                return call(
                        auth,
                        "POST",
                        "/api/v1/auth/login",
                        "{\"email\":\"bench" + (n % accounts)
                                + "@example.com\",\"password\":\"correct horse battery\"}",
                        "203.0." + (n / 250) + "." + (n % 250),
                        null,
                        200);
            };
            String token = Json.tree(login.get().getBody().getBytes())
                    .get("access_token")
                    .asString();
            double loginMs = median(login, SAMPLES);
            double meMs = median(() -> call(auth, "GET", "/api/v1/auth/me", null, "192.0.2.1", token, 200), SAMPLES);
            double jwksMs =
                    median(() -> call(auth, "GET", "/.well-known/jwks.json", null, "192.0.2.1", null, 200), SAMPLES);
            return String.format(Locale.ROOT, """

                    | through the auth function's handler, DynamoDB Local | median ms (%d samples) | ratio to JWKS route |
                    |---|---|---|
                    | GET /.well-known/jwks.json (baseline: no work) | %.2f | 1.00 |
                    | GET /api/v1/auth/me (Authenticator, session and user reads) | %.2f | %.1f |
                    | POST /api/v1/auth/login (rate limits, lockout, Argon2id, session writes, token) | %.2f | %.1f |
                    """, SAMPLES, jwksMs, meMs, meMs / jwksMs, loginMs, loginMs / jwksMs);
        }
    }

    private static APIGatewayV2HTTPResponse call(
            HttpApiFunction function, String method, String path, String body, String ip, String token, int expected) {
        APIGatewayV2HTTPEvent event = PrimingEvents.request(method, path, body);
        event.getRequestContext().getHttp().setSourceIp(ip);
        event.getRequestContext().setRequestId("bench");
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        if (token != null) {
            headers.put("authorization", "Bearer " + token);
        }
        event.setHeaders(headers);
        APIGatewayV2HTTPResponse response = function.handle(event);
        if (response.getStatusCode() != expected) {
            throw new IllegalStateException(
                    method + " " + path + " answered " + response.getStatusCode() + ": " + response.getBody());
        }
        return response;
    }

    private static double median(Supplier<?> call, int samples) {
        for (int i = 0; i < 5; i++) {
            call.get();
        }
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            call.get();
            times.add((System.nanoTime() - start) / 1_000_000.0);
        }
        times.sort(Double::compare);
        return times.get(times.size() / 2);
    }
}

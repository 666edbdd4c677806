package app.devskyy.local;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.OutboundHttp;
import app.devskyy.core.testing.Events;
import app.devskyy.core.testing.FunctionStarter;
import app.devskyy.core.testing.LocalContext;
import app.devskyy.core.testing.TemplateTables;
import app.devskyy.core.testing.TestSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import tools.jackson.databind.JsonNode;

/** The local API over real sockets: routes, DynamoDB Local, CORS, documents, hostile clients. */
class LocalApiTest {

    @TempDir
    static Path dataDir;

    static LocalApi api;
    static OkHttpClient http = OutboundHttp.client();
    static SamTemplate template;

    @BeforeAll
    static void start() throws IOException {
        Path root = Events.repositoryRoot();
        template = SamTemplate.load(root.resolve("template.yaml"));
        api = LocalApi.start(new LocalApi.Options(0, dataDir, root.resolve("template.yaml")));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + api.port() + path;
    }

    private static Response call(Request.Builder request) throws IOException {
        return http.newCall(request.build()).execute();
    }

    private static DynamoDbClient dynamoDb(URI endpoint) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    /** Replays a sample event of events/ over HTTP: its method, path, headers and body. */
    private static Response replay(JsonNode event) throws IOException {
        String method = event.at("/requestContext/http/method").asString();
        JsonNode body = event.get("body");
        Request.Builder request = new Request.Builder()
                .url(url(event.path("rawPath").asString()))
                .method(
                        method,
                        body == null
                                ? (method.equals("POST") ? RequestBody.create(new byte[0]) : null)
                                : RequestBody.create(
                                        body.asString().getBytes(StandardCharsets.UTF_8),
                                        MediaType.get(event.at("/headers/content-type")
                                                .asString("application/json"))));
        for (String header : List.of("authorization", "user-agent", "origin")) {
            JsonNode value = event.path("headers").get(header);
            if (value != null) {
                request.header(header, value.asString());
            }
        }
        return call(request);
    }

    @Test
    void everyRouteOfTheTemplateIsAnsweredByItsFunction() throws IOException {
        Map<String, JsonNode> samples = new HashMap<>();
        try (var files = Files.walk(Events.repositoryRoot().resolve("events"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                JsonNode event = Json.tree(Files.readAllBytes(file));
                if (event.has("routeKey")) {
                    samples.put(event.path("routeKey").asString(), event);
                }
            }
        }
        for (SamTemplate.HttpRoute route : template.httpRoutes()) {
            if (route.path().contains("+}")) {
                String unknown = route.path().replace("{proxy+}", "no/such/thing");
                try (Response response = call(new Request.Builder().url(url(unknown)))) {
                    assertThat(response.code()).as(route.key()).isEqualTo(404);
                    // The OpenAI-compatible family answers in OpenAI's error envelope, every other in RFC 9457.
                    assertThat(response.header("content-type"))
                            .as(route.key())
                            .isEqualTo(
                                    unknown.startsWith("/api/v1/llm/")
                                            ? "application/json"
                                            : "application/problem+json");
                    assertThat(response.header("x-request-id")).isNotBlank();
                }
                continue;
            }
            assertThat(samples).as("a sample event for " + route.key()).containsKey(route.key());
            try (Response response = replay(samples.get(route.key()))) {
                assertThat(response.code()).as(route.key()).isNotEqualTo(404).isLessThan(500);
                assertThat(response.header("x-request-id")).as(route.key()).isNotBlank();
            }
        }
    }

    @Test
    void healthPassesWithTheTemplateTablesInDynamoDbLocal() throws IOException {
        try (Response response = call(new Request.Builder().url(url("/health")))) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("content-type")).isEqualTo("application/health+json");
            JsonNode body = Json.tree(response.body().bytes());
            assertThat(body.get("status").asString()).isIn("pass", "warn");
            JsonNode check =
                    body.get("checks").get("dynamodb:idempotency:responseTime").get(0);
            assertThat(check.get("status").asString()).isIn("pass", "warn");
            assertThat(check.get("observedValue").asDouble()).isPositive();
        }
    }

    @Test
    void tablesAreCreatedAsTheTemplateDefinesThem() {
        try (DynamoDbClient dynamoDb = dynamoDb(api.dynamoDbEndpoint())) {
            for (TemplateTables.Table table : template.tables()) {
                TableDescription description = dynamoDb.describeTable(r -> r.tableName(table.logicalId()))
                        .table();
                JsonNode key = table.properties().path("KeySchema").get(0);
                assertThat(description.keySchema().getFirst().attributeName())
                        .isEqualTo(key.path("AttributeName").asString());
                assertThat(description.keySchema().getFirst().keyType())
                        .isEqualTo(KeyType.fromValue(key.path("KeyType").asString()));
            }
        }
    }

    @Test
    void readinessFailsWith503WhenAConfiguredTableIsMissing() {
        var function = FunctionStarter.start(
                "app.devskyy.health.HealthInitializer",
                "health",
                TestSettings.withAuthenticator(Map.of(
                        "DEVSKYY_ENV",
                        "local",
                        "AWS_REGION",
                        "us-east-1",
                        "AWS_ENDPOINT_URL_DYNAMODB",
                        api.dynamoDbEndpoint().toString(),
                        "HEALTH_TABLES",
                        "orders=NoSuchTable")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            function.handleRequest(
                    new ByteArrayInputStream(Events.raw("health/get-health-ready.json")),
                    out,
                    new LocalContext("health", "r-1"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        JsonNode response = Json.tree(out.toByteArray());
        assertThat(response.get("statusCode").asInt()).isEqualTo(503);
        JsonNode body = Json.tree(response.get("body").asString().getBytes(StandardCharsets.UTF_8));
        assertThat(body.at("/checks/dynamodb:orders:responseTime/0/status").asString())
                .isEqualTo("fail");
        assertThat(response.get("body").asString()).doesNotContain("NoSuchTable");
    }

    @Test
    void docsAndContractAreServed() throws IOException {
        try (Response page = call(new Request.Builder().url(url("/docs")))) {
            assertThat(page.code()).isEqualTo(200);
            assertThat(page.header("content-type")).startsWith("text/html");
            assertThat(page.body().string()).contains("/openapi.json");
        }
        try (Response json = call(new Request.Builder().url(url("/openapi.json")))) {
            assertThat(Json.tree(json.body().bytes())
                            .at("/paths/~1health/get/operationId")
                            .asString())
                    .isEqualTo("getHealth");
        }
        try (Response yaml = call(new Request.Builder().url(url("/openapi.yaml")))) {
            assertThat(yaml.body().string()).startsWith("openapi: 3.1.0");
        }
    }

    @Test
    void corsFollowsTheTemplatesConfiguration() throws IOException {
        String allowed = template.parameterDefaults().get("CorsAllowedOrigins").split(",")[0];
        Request.Builder preflight = new Request.Builder()
                .url(url("/health"))
                .method("OPTIONS", null)
                .header("origin", allowed)
                .header("access-control-request-method", "GET")
                .header("access-control-request-headers", "authorization");
        try (Response response = call(preflight)) {
            assertThat(response.code()).isEqualTo(204);
            assertThat(response.header("access-control-allow-origin")).isEqualTo(allowed);
            assertThat(response.header("access-control-allow-methods")).contains("GET");
            assertThat(response.header("access-control-max-age")).isEqualTo("600");
        }
        try (Response response = call(preflight.header("origin", "https://evil.example"))) {
            assertThat(response.header("access-control-allow-origin")).isNull();
        }
        try (Response response =
                call(new Request.Builder().url(url("/health/live")).header("origin", allowed))) {
            assertThat(response.header("access-control-allow-origin")).isEqualTo(allowed);
            assertThat(response.header("access-control-expose-headers")).contains("x-request-id");
        }
    }

    @Test
    void aBodyOverTheLambdaPayloadLimitIs413() throws IOException {
        byte[] big = new byte[LocalGateway.MAX_REQUEST_BYTES + 10];
        Arrays.fill(big, (byte) 'a');
        try (Response response = call(new Request.Builder()
                .url(url("/health"))
                .post(RequestBody.create(big, MediaType.get("application/json"))))) {
            assertThat(response.code()).isEqualTo(413);
            assertThat(response.header("content-type")).isEqualTo("application/problem+json");
            assertThat(Json.tree(response.body().bytes()).get("requestId").asString())
                    .isEqualTo(response.header("x-request-id"));
        }
    }

    @Test
    void theRootPathThatNoRouteClaimsIsAProblemWithARequestId() throws IOException {
        try (Response response = call(new Request.Builder().url(url("/")))) {
            assertThat(response.code()).isEqualTo(404);
            assertThat(response.header("content-type")).isEqualTo("application/problem+json");
            assertThat(response.header("x-request-id")).isNotBlank();
        }
    }

    @Test
    void survivesGarbageOnTheSocket() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), api.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xff, 0x01, 0x00});
            out.write("\r\n\r\nNOT HTTP AT ALL \u0000\u0001\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            socket.getInputStream().readNBytes(64);
        }
        assertAlive();
    }

    @Test
    void survivesAClientThatDisconnectsMidRequest() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), api.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /health HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 100000\r\n\r\n{\"partial\":")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        assertAlive();
    }

    @Test
    void dataSurvivesARestart() throws IOException {
        // A table keyed by pk alone.
        String table = "IdempotencyTable";
        Path otherDir = dataDir.resolve("restart");
        LocalApi first = LocalApi.start(
                new LocalApi.Options(0, otherDir, Events.repositoryRoot().resolve("template.yaml")));
        try (DynamoDbClient dynamoDb = dynamoDb(first.dynamoDbEndpoint())) {
            dynamoDb.putItem(r -> r.tableName(table).item(Map.of("pk", AttributeValue.fromS("kept"))));
        } finally {
            first.close();
        }
        LocalApi second = LocalApi.start(
                new LocalApi.Options(0, otherDir, Events.repositoryRoot().resolve("template.yaml")));
        try (DynamoDbClient dynamoDb = dynamoDb(second.dynamoDbEndpoint())) {
            assertThat(dynamoDb.getItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS("kept"))))
                            .hasItem())
                    .isTrue();
        } finally {
            second.close();
        }
    }

    @Test
    void optionsComeFromFlagsOrEnvironment() {
        LocalApi.Options fromEnv = LocalApi.Options.parse(new String[0], Map.of("PORT", "4100", "DATA_DIR", "/tmp/x"));
        assertThat(fromEnv.port()).isEqualTo(4100);
        assertThat(fromEnv.dataDir()).isEqualTo(Path.of("/tmp/x"));
        LocalApi.Options fromFlags =
                LocalApi.Options.parse(new String[] {"--port", "4200", "--data-dir", "/tmp/y"}, Map.of("PORT", "4100"));
        assertThat(fromFlags.port()).isEqualTo(4200);
        assertThat(fromFlags.dataDir()).isEqualTo(Path.of("/tmp/y"));
        Assertions.assertThatThrownBy(() -> LocalApi.Options.parse(new String[] {"--port", "x"}, Map.of()))
                .hasMessageContaining("--port");
        assertThat(fromEnv.schedules())
                .as("scheduled jobs are off unless asked for")
                .isFalse();
        assertThat(LocalApi.Options.parse(new String[] {"--schedules", "on"}, Map.of())
                        .schedules())
                .isTrue();
        assertThat(LocalApi.Options.parse(new String[0], Map.of("LOCAL_SCHEDULES", "on"))
                        .schedules())
                .isTrue();
        Assertions.assertThatThrownBy(() -> LocalApi.Options.parse(new String[] {"--schedules", "maybe"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        Assertions.assertThatThrownBy(() -> LocalApi.Options.parse(new String[] {"--bogus"}, Map.of()))
                .hasMessageContaining("--bogus");
    }

    private static void assertAlive() throws IOException {
        try (Response response = call(new Request.Builder().url(url("/health/live")))) {
            assertThat(response.code()).isEqualTo(200);
        }
    }
}

package app.devskyy.health;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.config.Config;
import app.devskyy.core.testing.Invoker;
import app.devskyy.core.testing.TestSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Readiness against dependencies that misbehave: an Upstash endpoint speaking the REST wire format
 * (MockWebServer), and a DynamoDB endpoint that accepts connections and never answers.
 */
class HealthDependenciesTest {

    private final MockWebServer upstash = new MockWebServer();
    private final List<Socket> heldOpen = new ArrayList<>();
    private ServerSocket blackHole;

    @AfterEach
    void stop() throws IOException {
        upstash.close();
        for (Socket socket : heldOpen) {
            socket.close();
        }
        if (blackHole != null) {
            blackHole.close();
        }
    }

    private static Invoker health(Map<String, String> settings) {
        Map<String, String> all = TestSettings.withAuthenticator(settings);
        all.put("HEALTH_REUSE_MS", "0");
        return new Invoker(HealthInitializer.class, HealthInitializer.FUNCTION, all);
    }

    private static JsonNode body(JsonNode response) {
        return Json.tree(response.get("body").asString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void upstashAnsweringPongPasses() throws IOException {
        upstash.start();
        upstash.enqueue(new MockResponse.Builder().body("{\"result\":\"PONG\"}").build());
        Invoker invoker = health(
                Map.of("UPSTASH_REDIS_REST_URL", upstash.url("/").toString(), "UPSTASH_REDIS_REST_TOKEN", "AXtoken"));
        JsonNode response = invoker.invoke("health/get-health-ready.json");
        assertThat(response.get("statusCode").asInt()).isEqualTo(200);
        JsonNode check =
                body(response).get("checks").get("upstash:redis:responseTime").get(0);
        assertThat(check.get("status").asString()).isEqualTo("pass");
        assertThat(check.get("componentType").asString()).isEqualTo("datastore");
        assertThat(check.get("observedUnit").asString()).isEqualTo("ms");
    }

    @Test
    void upstashRefusingTheTokenFailsReadinessWith503() throws IOException {
        upstash.start();
        upstash.enqueue(new MockResponse.Builder()
                .code(401)
                .body("{\"error\":\"Unauthorized\"}")
                .build());
        Invoker invoker = health(
                Map.of("UPSTASH_REDIS_REST_URL", upstash.url("/").toString(), "UPSTASH_REDIS_REST_TOKEN", "wrong"));
        JsonNode response = invoker.invoke("health/get-health-ready.json");
        assertThat(response.get("statusCode").asInt()).isEqualTo(503);
        JsonNode body = body(response);
        assertThat(body.get("status").asString()).isEqualTo("fail");
        assertThat(body.get("checks")
                        .get("upstash:redis:responseTime")
                        .get(0)
                        .get("output")
                        .asString())
                .isEqualTo("unreachable");
        assertThat(response.get("body").asString()).doesNotContain("wrong").doesNotContain("Unauthorized");
    }

    @Test
    void aDynamoDbEndpointThatNeverAnswersFailsWithTimeoutInsteadOfHanging() throws IOException {
        blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try {
                while (!blackHole.isClosed()) {
                    heldOpen.add(blackHole.accept());
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        Invoker invoker = health(Map.of(
                "HEALTH_TABLES", "idempotency=IdempotencyTable",
                "HEALTH_CHECK_TIMEOUT_MS", "300",
                "HEALTH_DEADLINE_MS", "500",
                "AWS_REGION", "us-east-1",
                "DEVSKYY_ENV", "local",
                "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:" + blackHole.getLocalPort()));
        JsonNode response = invoker.invoke("health/get-health-ready.json");
        assertThat(response.get("statusCode").asInt()).isEqualTo(503);
        JsonNode check = body(response)
                .get("checks")
                .get("dynamodb:idempotency:responseTime")
                .get(0);
        assertThat(check.get("status").asString()).isEqualTo("fail");
        assertThat(check.get("output").asString()).isIn("timeout", "unreachable");
    }

    @Test
    void productionWithUpstashUrlButNoTokenRefusesToStart() {
        Assertions.assertThatThrownBy(() -> HealthConfig.from(
                        Config.of(Map.of("UPSTASH_REDIS_REST_URL", "https://eu1-fine-fox.upstash.io"))))
                .hasMessageContaining("UPSTASH_REDIS_REST_TOKEN");
    }

    @Test
    void malformedTableListIsRefusedNamingTheSetting() {
        Assertions.assertThatThrownBy(() -> HealthConfig.from(Config.of(Map.of("HEALTH_TABLES", "idempotency"))))
                .hasMessageContaining("HEALTH_TABLES");
    }
}

package app.devskyy.health;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.testing.Events;
import app.devskyy.core.testing.Invoker;
import app.devskyy.core.testing.TestSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The health family as Lambda runs it: Spring Cloud Function's FunctionInvoker, the sample events
 * of events/health, raw bytes in and out. No dependency is configured here; the checks against
 * DynamoDB Local and Upstash live in their own tests.
 */
class HealthInvokerTest {

    static Invoker invoker;

    @BeforeAll
    static void start() {
        invoker = new Invoker(
                HealthInitializer.class, HealthInitializer.FUNCTION, TestSettings.withAuthenticator(Map.of()));
    }

    private static JsonNode body(JsonNode response) {
        return Json.tree(response.get("body").asString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void liveAnswersPassInHealthJson() {
        JsonNode response = invoker.invoke("health/get-health-live.json");
        assertThat(response.get("statusCode").asInt()).isEqualTo(200);
        assertThat(response.get("headers").get("content-type").asString()).isEqualTo("application/health+json");
        assertThat(response.get("headers").get("x-request-id").asString())
                .as("URL-safe: base64url, no padding")
                .isEqualTo("Jx7QhgS4IAMEV2B");
        assertThat(response.get("isBase64Encoded").asBoolean()).isFalse();
        JsonNode body = body(response);
        assertThat(body.get("status").asString()).isEqualTo("pass");
        assertThat(body.get("releaseId").asString()).isEqualTo(BuildInfo.load().version());
        assertThat(body.has("checks")).isFalse();
    }

    @Test
    void healthAndReadyWithoutDependenciesPass() {
        for (String event : new String[] {"health/get-health.json", "health/get-health-ready.json"}) {
            JsonNode response = invoker.invoke(event);
            assertThat(response.get("statusCode").asInt()).isEqualTo(200);
            assertThat(body(response).get("status").asString()).isEqualTo("pass");
            assertThat(body(response).get("checks").size()).isZero();
        }
    }

    @Test
    void versionReportsWhatTheBuildBakedIn() {
        JsonNode response = invoker.invoke("health/get-version.json");
        assertThat(response.get("statusCode").asInt()).isEqualTo(200);
        JsonNode body = body(response);
        assertThat(body.get("version").asString()).matches("\\d+\\.\\d+\\.\\d+.*");
        // A build from a git checkout bakes in the full commit id; only a build outside git says unknown.
        boolean gitCheckout = Files.exists(Events.repositoryRoot().resolve(".git"));
        assertThat(body.get("commit").asString()).matches(gitCheckout ? "[0-9a-f]{40}" : "unknown");
        assertThat(Instant.parse(body.get("buildTime").asString())).isAfter(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void anUnknownPathUnderTheCatchAllIsAProblem404() {
        ObjectNode event = Events.tree("health/get-health.json");
        event.put("rawPath", "/api/v1/nothing");
        event.put("routeKey", "ANY /{proxy+}");
        ((ObjectNode) event.get("requestContext").get("http")).put("path", "/api/v1/nothing");
        JsonNode response = invoker.invoke(event);
        assertThat(response.get("statusCode").asInt()).isEqualTo(404);
        assertThat(response.get("headers").get("content-type").asString()).isEqualTo("application/problem+json");
        assertThat(body(response).get("requestId").asString()).isEqualTo("Jx7QhgS3IAMEV1A");
    }

    @Test
    void aWrongMethodOnAHealthPathIs405WithAllow() {
        ObjectNode event = Events.tree("health/get-health.json");
        ((ObjectNode) event.get("requestContext").get("http")).put("method", "DELETE");
        event.put("body", "{}");
        JsonNode response = invoker.invoke(event);
        assertThat(response.get("statusCode").asInt()).isEqualTo(405);
        assertThat(response.get("headers").get("allow").asString()).isEqualTo("GET, HEAD");
    }

    @Test
    void aJsonArrayBodyIsNotTakenForABatch() {
        // Spring Cloud Function's own conversion would call the function once per element.
        ObjectNode event = Events.tree("health/get-health.json");
        ((ObjectNode) event.get("requestContext").get("http")).put("method", "POST");
        ((ObjectNode) event.get("headers"))
                .put("content-type", "application/json")
                .put("payload", "[1,2]");
        event.put("body", "[{\"a\":1},{\"b\":2}]");
        JsonNode response = invoker.invoke(event);
        assertThat(response.get("statusCode").asInt()).isEqualTo(405);
        assertThat(body(response).get("status").asInt()).isEqualTo(405);
    }

    @Test
    void unknownEventFieldsAndBinaryBodiesAreTolerated() {
        ObjectNode event = Events.tree("health/get-health-live.json");
        event.put("someFutureField", true);
        event.put("body", "AAECAwQ=");
        event.put("isBase64Encoded", true);
        JsonNode response = invoker.invoke(event);
        assertThat(response.get("statusCode").asInt()).isEqualTo(200);
    }
}

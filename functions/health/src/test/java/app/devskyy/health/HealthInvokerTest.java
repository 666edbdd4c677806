package app.devskyy.health;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.testing.Invoker;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The health family through Spring Cloud Function's FunctionInvoker, with the sample events. */
class HealthInvokerTest {

    static Invoker invoker;

    @BeforeAll
    static void start() {
        invoker = new Invoker(HealthInitializer.class, HealthInitializer.FUNCTION, Map.of("DEVSKYY_METRICS", "off"));
    }

    @Test
    void liveAnswersPassInHealthJson() {
        JsonNode response = invoker.invoke("health/get-health-live.json");
        assertThat(response.get("statusCode").asInt()).isEqualTo(200);
        assertThat(response.get("headers").get("content-type").asString()).isEqualTo("application/health+json");
        assertThat(response.get("headers").get("x-request-id").asString()).isEqualTo("Jx7QhgS4IAMEV2B=");
        JsonNode body = Json.tree(response.get("body").asString().getBytes());
        assertThat(body.get("status").asString()).isEqualTo("pass");
    }
}

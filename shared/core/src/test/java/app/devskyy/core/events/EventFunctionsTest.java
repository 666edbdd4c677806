package app.devskyy.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.Json;
import app.devskyy.core.testing.HttpEvents;
import app.devskyy.core.testing.Invoker;
import app.devskyy.core.testing.JsonLogs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.support.GenericApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Event functions through Spring Cloud Function's invoker, as Lambda calls them. */
class EventFunctionsTest {

    private static final Map<String, String> SETTINGS = Map.of("DEVSKYY_METRICS", "off");

    @BeforeEach
    void reset() {
        SampleEventFamily.HANDLED.clear();
        SampleEventFamily.BUILDS.set(0);
    }

    private static Invoker start(String definition) {
        return new Invoker(SampleEventFamily.class, definition, SETTINGS);
    }

    private static ObjectNode message(String id, String body, String group) {
        ObjectNode record = Json.MAPPER
                .createObjectNode()
                .put("messageId", id)
                .put("body", body)
                .put("eventSourceARN", "arn:aws:sqs:us-east-1:123456789012:orders" + (group == null ? "" : ".fifo"));
        ObjectNode attributes = record.putObject("attributes").put("ApproximateReceiveCount", "1");
        if (group != null) {
            attributes.put("MessageGroupId", group);
        }
        return record;
    }

    private static JsonNode batch(Invoker invoker, ObjectNode... records) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        var array = event.putArray("Records");
        for (ObjectNode record : records) {
            array.add(record);
        }
        return invoker.invoke(event);
    }

    @Test
    void theCatalogBuildsOnlyTheNamedFunction() {
        start("plan");
        assertThat(SampleEventFamily.BUILDS.get()).isEqualTo(1);
    }

    @Test
    void withoutADefinitionEveryFunctionIsBuilt() {
        GenericApplicationContext context = new GenericApplicationContext();
        new SampleEventFamily().initialize(context);
        assertThat(SampleEventFamily.BUILDS.get()).isEqualTo(4);
        assertThat(context.getBeanDefinitionNames()).contains("http", "orders", "plan", "nightly");
    }

    @Test
    void anUnknownDefinitionFailsTheStartWithItsName() {
        assertThatThrownBy(() -> start("nope")).hasStackTraceContaining("SPRING_CLOUD_FUNCTION_DEFINITION");
    }

    @Test
    void onlyFailedMessagesGoBackToTheQueue() {
        JsonNode response = batch(
                start("orders"),
                message("m1", "{\"id\":\"a\",\"quantity\":1}", null),
                message("m2", "{\"id\":\"b\",\"quantity\":0}", null),
                message("m3", "not json", null),
                message("m4", "{\"id\":\"d\",\"quantity\":2}", null));
        assertThat(response.path("batchItemFailures").findValuesAsString("itemIdentifier"))
                .containsExactly("m2", "m3");
        assertThat(SampleEventFamily.HANDLED).containsExactly("a", "d");
    }

    @Test
    void onAFifoQueueAFailureHoldsBackTheRestOfItsGroupOnly() {
        JsonNode response = batch(
                start("orders"),
                message("m1", "{\"id\":\"a1\",\"quantity\":0}", "A"),
                message("m2", "{\"id\":\"b1\",\"quantity\":1}", "B"),
                message("m3", "{\"id\":\"a2\",\"quantity\":1}", "A"),
                message("m4", "{\"id\":\"b2\",\"quantity\":1}", "B"));
        assertThat(response.path("batchItemFailures").findValuesAsString("itemIdentifier"))
                .containsExactly("m1", "m3");
        assertThat(SampleEventFamily.HANDLED).containsExactly("b1", "b2");
    }

    @Test
    void aTaskReturnsTheNextStateTyped() {
        JsonNode state = start("plan").invoke((ObjectNode) Json.tree(
                "{\"executionName\":\"run-1\",\"goal\":\"launch\",\"extra\":true}".getBytes(StandardCharsets.UTF_8)));
        assertThat(state.path("executionName").asString()).isEqualTo("run-1");
        assertThat(state.path("steps").get(0).asString()).isEqualTo("research launch");
    }

    @Test
    void taskFailuresLeaveAsTheTwoNamedErrorTypes() {
        Invoker invoker = start("plan");
        assertThatThrownBy(() -> invoker.invokeRaw(
                        "{\"executionName\":\"r\",\"goal\":\"outage\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(TransientFailure.class)
                .hasMessageContaining("DependencyUnavailable");
        // The Lambda runtime reports the class name as errorType, which ASL's ErrorEquals matches.
        assertThat(TransientFailure.class.getName()).isEqualTo("app.devskyy.core.events.TransientFailure");
        assertThatThrownBy(() -> invoker.invokeRaw(
                        "{\"executionName\":\"r\",\"goal\":\"bug\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageNotContaining("secret-goal-text");
        assertThatThrownBy(() -> invoker.invokeRaw("[1,2]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("UnreadableEvent");
    }

    @Test
    void aJobIsHandedItsScheduledTimeFromSchedulerOrARule() {
        Invoker invoker = start("nightly");
        JsonNode fromScheduler = invoker.invoke((ObjectNode) Json.tree(("{\"scheduledTime\":\"2026-12-01T03:00:00Z\","
                        + "\"executionId\":\"e-1\",\"scheduleArn\":\"arn:aws:scheduler:us-east-1:1:schedule/default/nightly\"}")
                .getBytes(StandardCharsets.UTF_8)));
        assertThat(fromScheduler.path("slot").asString()).isEqualTo("2026-12-01T03:00:00Z");
        JsonNode fromRule = invoker.invoke((ObjectNode) Json.tree(("{\"version\":\"0\",\"id\":\"x\",\"detail-type\":"
                        + "\"Scheduled Event\",\"source\":\"aws.events\",\"time\":\"2026-12-02T03:00:00Z\",\"detail\":{}}")
                .getBytes(StandardCharsets.UTF_8)));
        assertThat(fromRule.path("slot").asString()).isEqualTo("2026-12-02T03:00:00Z");
        assertThatThrownBy(() -> invoker.invokeRaw("{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("NoScheduledTime");
    }

    @Test
    void everyLogLineCarriesTheNaturalIdAsCorrelationId() {
        Invoker http = start("http");
        Invoker orders = start("orders");
        Invoker plan = start("plan");
        try (JsonLogs logs = JsonLogs.capture()) {
            ObjectNode request = (ObjectNode) Json.MAPPER.valueToTree(HttpEvents.request("GET", "/ping"));
            ((ObjectNode) request.path("requestContext")).put("requestId", "Ab3x+z0Ab/DEF=");
            assertThat(http.invoke(request).path("statusCode").asInt()).isEqualTo(200);
            batch(orders, message("msg-7", "{\"id\":\"a\",\"quantity\":1}", null));
            plan.invoke((ObjectNode)
                    Json.tree("{\"executionName\":\"run-9\",\"goal\":\"x\"}".getBytes(StandardCharsets.UTF_8)));

            // The request id as callers see it in x-request-id: API Gateway's, in base64url.
            assertThat(correlationOf(logs.lines(), "pinged")).isEqualTo("Ab3x-z0Ab_DEF");
            assertThat(correlationOf(logs.lines(), "order received")).isEqualTo("msg-7");
            assertThat(correlationOf(logs.lines(), "planning")).isEqualTo("run-9");
            assertThat(logs.text()).doesNotContain("quantity");
        }
    }

    private static String correlationOf(List<JsonNode> lines, String message) {
        return lines.stream()
                .filter(line -> message.equals(line.path("message").asString()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no log line " + message))
                .path("correlation_id")
                .asString();
    }
}

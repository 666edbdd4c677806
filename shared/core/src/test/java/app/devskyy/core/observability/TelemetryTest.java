package app.devskyy.core.observability;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.config.Config;
import app.devskyy.core.http.HttpApiFunction;
import app.devskyy.core.http.HttpResponse;
import app.devskyy.core.http.Router;
import app.devskyy.core.testing.HttpEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** EMF records, as CloudWatch reads them from standard output (AWS_EMF_ENVIRONMENT=Local in tests). */
class TelemetryTest {

    private static String captureStdout(Runnable work) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            work.run();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void eachRequestEmitsOneEmfRecordWithTheRouteTemplateAsDimension() {
        HttpApiFunction function = new HttpApiFunction(
                Router.builder()
                        .get("/items/{id}", request -> HttpResponse.ok(Map.of("id", request.pathParameter("id"))))
                        .build(),
                new Telemetry(Config.of(Map.of())));
        String output = captureStdout(() -> {
            assertThat(function.handle(HttpEvents.request("GET", "/items/42")).getStatusCode())
                    .isEqualTo(200);
            assertThat(function.handle(HttpEvents.request("GET", "/nowhere")).getStatusCode())
                    .isEqualTo(404);
        });
        assertThat(output)
                .contains("\"_aws\"")
                .contains("\"Route\":\"GET:/items/{id}\"")
                .contains("\"Route\":\"ANY:unmatched\"")
                .contains("\"ClientErrors\":1.0")
                .contains("\"Requests\":1.0");
        // The request's own path (an id, possibly personal) never becomes a metric dimension.
        assertThat(output).doesNotContain("/items/42").doesNotContain("/nowhere");
    }

    @Test
    void routeDimensionsHaveNoWhiteSpace() {
        assertThat(Telemetry.routeDimension("GET", "/health"))
                .isEqualTo("GET:/health")
                .doesNotContainAnyWhitespaces();
    }

    @Test
    void metricsCanBeSwitchedOff() {
        HttpApiFunction function = new HttpApiFunction(
                Router.builder().get("/x", request -> HttpResponse.noContent()).build(),
                new Telemetry(Config.of(Map.of("DEVSKYY_METRICS", "off"))));
        assertThat(captureStdout(() -> function.handle(HttpEvents.request("GET", "/x"))))
                .doesNotContain("_aws");
    }
}

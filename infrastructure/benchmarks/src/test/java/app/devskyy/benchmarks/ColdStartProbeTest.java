package app.devskyy.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.testing.Events;
import app.devskyy.local.SamTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keeps the cold-start benchmark runnable: each probe, in a fresh JVM on the deployment artifact,
 * answers its first GET /health with 200, and every function of the template has a first event.
 * No time is asserted; the benchmark measures times.
 */
class ColdStartProbeTest {

    @Test
    void everyProbeAnswersItsFirstEvent() throws Exception {
        Path root = Events.repositoryRoot();
        String classpath = ColdStartBenchmark.artifactClasspath(root.resolve("functions/health/target/health.zip"));
        // What template.yaml gives the health function, without the stores its GET /health does not need.
        Map<String, String> environment = Map.of(
                "MAIN_CLASS", "app.devskyy.health.HealthInitializer",
                "SPRING_CLOUD_FUNCTION_DEFINITION", "health",
                "JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1",
                "AWS_REGION", "us-east-1",
                "AWS_LAMBDA_FUNCTION_NAME", "devskyy-test-health",
                "AWS_EMF_ENVIRONMENT", "Lambda",
                "AUTH_ISSUER", "https://api.devskyy.app",
                "AUTH_TABLE", "AuthTable",
                "BILLING_TABLE", "BillingTable");
        Map<String, List<Double>> steps = new LinkedHashMap<>();
        for (String variant : List.of("plain", "invoker", "breakdown")) {
            String[] answer = new String[1];
            // run() throws unless the probe answered and exited cleanly.
            ColdStartBenchmark.run(
                    variant, root.resolve("events/health/get-health.json"), classpath, environment, steps, answer);
            assertThat(answer[0]).as(variant).isEqualTo(variant.equals("breakdown") ? "ok" : "200");
        }
        assertThat(new ArrayList<>(steps.keySet())).contains("jvm-start-to-main", "spring-cloud-function-first-event");
    }

    @Test
    void everyFunctionOfTheTemplateHasAFirstEvent() throws Exception {
        Path root = Events.repositoryRoot();
        for (var function : SamTemplate.load(root.resolve("template.yaml")).functions()) {
            assertThat(root.resolve(ColdStartBenchmark.event(function.logicalId())))
                    .as(function.logicalId())
                    .isRegularFile();
        }
    }
}

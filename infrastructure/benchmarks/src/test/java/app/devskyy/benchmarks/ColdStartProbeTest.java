package app.devskyy.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.testing.Events;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keeps the cold-start benchmark runnable: each probe, in a fresh JVM on the deployment artifact,
 * answers its first GET /health with 200. No time is asserted; the benchmark measures times.
 */
class ColdStartProbeTest {

    @Test
    void everyProbeAnswersItsFirstEvent() throws Exception {
        Path root = Events.repositoryRoot();
        String classpath = ColdStartBenchmark.artifactClasspath(root.resolve("functions/health/target/health.zip"));
        Map<String, List<Double>> steps = new LinkedHashMap<>();
        for (String variant : List.of("plain", "invoker", "breakdown")) {
            // run() throws unless the probe printed status 200 and exited cleanly.
            ColdStartBenchmark.run(
                    variant,
                    root.resolve("events/health/get-health.json"),
                    classpath,
                    "-XX:TieredStopAtLevel=1",
                    steps);
        }
        assertThat(new ArrayList<>(steps.keySet())).contains("jvm-start-to-main", "spring-cloud-function-first-event");
    }
}

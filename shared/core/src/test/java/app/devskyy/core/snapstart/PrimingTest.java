package app.devskyy.core.snapstart;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.config.Config;
import app.devskyy.core.http.HttpApiFunction;
import app.devskyy.core.http.HttpResponse;
import app.devskyy.core.http.Router;
import app.devskyy.core.observability.Telemetry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrimingTest {

    @Test
    void runsEveryActionEvenWhenOneFails() {
        List<String> ran = new ArrayList<>();
        Priming priming = Priming.register(
                "test",
                List.of(
                        () -> ran.add("first"),
                        () -> {
                            throw new IllegalStateException("boom");
                        },
                        () -> ran.add("third")));
        priming.beforeCheckpoint(null);
        assertThat(ran).containsExactly("first", "third");
    }

    @Test
    void primingRequestsRunTheHotPathButRecordNoMetrics() {
        List<String> handled = new ArrayList<>();
        HttpApiFunction function = new HttpApiFunction(
                Router.builder()
                        .get("/health/live", request -> {
                            handled.add(request.requestId());
                            return HttpResponse.ok(Map.of("status", "pass"));
                        })
                        .build(),
                new Telemetry(Config.of(Map.of())));
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(function.prime(PrimingEvents.get("/health/live")).getStatusCode())
                    .isEqualTo(200);
            assertThat(function.prime(PrimingEvents.get("/nowhere")).getStatusCode())
                    .isEqualTo(404);
        } finally {
            System.setOut(original);
        }
        assertThat(handled).containsExactly("priming");
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("_aws");
    }
}

package app.devskyy.core.events;

import app.devskyy.core.config.Config;
import app.devskyy.core.http.HttpApiFunction;
import app.devskyy.core.http.HttpResponse;
import app.devskyy.core.http.Router;
import app.devskyy.core.observability.Telemetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A family made for the tests: one function of every kind, built through the catalog. */
public class SampleEventFamily implements FunctionFamily {

    static final Logger LOG = LoggerFactory.getLogger(SampleEventFamily.class);
    static final AtomicInteger BUILDS = new AtomicInteger();
    static final List<String> HANDLED = new ArrayList<>();

    record Order(String id, int quantity) {}

    record Plan(String executionName, String goal) {}

    record Planned(String executionName, List<String> steps) {}

    @Override
    public FunctionCatalog catalog() {
        return FunctionCatalog.of()
                .with("http", SampleEventFamily::http)
                .with("orders", SampleEventFamily::orders)
                .with("plan", SampleEventFamily::plan)
                .with("nightly", SampleEventFamily::nightly);
    }

    static HttpApiFunction http(Config config) {
        BUILDS.incrementAndGet();
        return new HttpApiFunction(
                Router.builder()
                        .get("/ping", request -> {
                            LOG.info("pinged");
                            return HttpResponse.ok(Map.of("pong", true));
                        })
                        .build(),
                new Telemetry(config));
    }

    /** Fails orders of quantity 0, as a handler with a bug for some input would. */
    static SqsBatchConsumer<Order> orders(Config config) {
        BUILDS.incrementAndGet();
        return new SqsBatchConsumer<>("orders", Order.class, new Telemetry(config)) {
            @Override
            protected void accept(Order order, Message message) {
                LOG.info("order received");
                if (order.quantity() == 0) {
                    throw new IllegalArgumentException("quantity 0 for " + order.id());
                }
                HANDLED.add(order.id());
            }
        };
    }

    /** Plans a goal; "outage" and "bug" make it fail the two ways a task can. */
    static StepTask<Plan, Planned> plan(Config config) {
        BUILDS.incrementAndGet();
        return new StepTask<>("plan", Plan.class, new Telemetry(config)) {
            @Override
            protected String correlationId(Plan state) {
                return state.executionName();
            }

            @Override
            protected Planned run(Plan state) {
                LOG.info("planning");
                return switch (state.goal()) {
                    case "outage" -> throw new UncheckedIOException(new IOException("connection refused"));
                    case "bug" -> throw new IllegalStateException("secret-goal-text");
                    default -> new Planned(state.executionName(), List.of("research " + state.goal(), "write"));
                };
            }
        };
    }

    static ScheduledJob<Map<String, String>> nightly(Config config) {
        BUILDS.incrementAndGet();
        return new ScheduledJob<>("nightly", new Telemetry(config)) {
            @Override
            protected Map<String, String> run(Instant slot, Schedule schedule) {
                LOG.info("running");
                return Map.of("slot", slot.toString());
            }
        };
    }
}

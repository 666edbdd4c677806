package app.devskyy.agents.tools;

import app.devskyy.core.CircuitBreakers;
import app.devskyy.core.Json;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.llm.metering.Caller;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Runs tool calls for agents and MCP clients, each the same way: the arguments checked against the
 * tool's schema and the caller's role against the tool's, then the call within the tool's timeout,
 * behind a circuit breaker per tool and workspace (a shop that is down is skipped for a while, for
 * that workspace only), retried with backoff when it failed in a way that may pass, unless it has a
 * side effect; every call audited in the workspace's log (tool, outcome, run), never its arguments.
 */
public final class Toolbox {

    /** How a call ended, what it answered (or why not), how long it took and how many tries. */
    public record Result(String tool, String status, JsonNode output, String error, long millis, int attempts) {
        public boolean ok() {
            return "ok".equals(status);
        }

        /** What the model (or MCP client) is given back. */
        public String forModel() {
            return ok() ? Json.write(output) : Json.write(Map.of("error", status, "detail", error));
        }
    }

    static final int READ_ATTEMPTS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(Toolbox.class);
    private static final ExecutorService CALLS = Executors.newVirtualThreadPerTaskExecutor();

    private final ToolRegistry registry;
    private final Map<String, Tool> tools;
    private final CircuitBreakers breakers;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration backoff;

    public Toolbox(
            ToolRegistry registry,
            Map<String, Tool> tools,
            CircuitBreakers breakers,
            AuditLog audit,
            Clock clock,
            Duration backoff) {
        registry.all().forEach(spec -> {
            if (!tools.containsKey(spec.name())) {
                throw new IllegalStateException("the tool " + spec.name() + " has no code");
            }
        });
        this.registry = registry;
        this.tools = Map.copyOf(tools);
        this.breakers = breakers;
        this.audit = audit;
        this.clock = clock;
        this.backoff = backoff;
    }

    public ToolRegistry registry() {
        return registry;
    }

    public Result call(ToolRegistry.Spec spec, Caller caller, String runId, String stepId, JsonNode arguments) {
        long started = clock.millis();
        Result result = attempt(spec, new Tool.Call(caller, runId, stepId, arguments), started);
        audit.workspace(
                caller.workspaceId(),
                "agent.tool." + spec.name(),
                result.status(),
                caller.id(),
                runId == null ? "mcp" : runId,
                new AuditLog.Origin(runId == null ? "mcp" : "agent-run", "tool " + spec.name()));
        LOG.info(
                "tool call tool={} status={} attempts={} millis={} run={}",
                spec.name(),
                result.status(),
                result.attempts(),
                result.millis(),
                runId);
        return result;
    }

    private Result attempt(ToolRegistry.Spec spec, Tool.Call call, long started) {
        if (!registry.schema(spec.name()).accepts(call.arguments())) {
            return done(
                    spec,
                    "invalid_arguments",
                    null,
                    "the arguments do not satisfy the tool's input schema",
                    started,
                    0);
        }
        if (!call.caller().role().atLeast(spec.requiredRole())) {
            return done(spec, "forbidden", null, "the tool needs the role " + spec.role() + " or higher", started, 0);
        }
        String breaker = "tool:" + spec.name() + ":" + call.caller().workspaceId();
        int attempts = spec.sideEffecting() ? 1 : READ_ATTEMPTS;
        ToolFailure last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            CircuitBreakers.Permit permit = breakers.check(breaker, Duration.ofSeconds(spec.timeoutSeconds()));
            if (permit == CircuitBreakers.Permit.REFUSED && last != null) {
                // This call's own failures opened the breaker: they are what the caller needs to hear.
                return done(spec, last.code(), null, last.getMessage(), started, attempt - 1);
            }
            if (permit == CircuitBreakers.Permit.REFUSED) {
                return done(
                        spec,
                        "circuit_open",
                        null,
                        "the tool failed repeatedly; it is paused for a while",
                        started,
                        attempt - 1);
            }
            Future<JsonNode> running = CALLS.submit(() -> tools.get(spec.name()).call(call));
            try {
                JsonNode output = running.get(spec.timeoutSeconds(), TimeUnit.SECONDS);
                breakers.succeeded(breaker, permit);
                return done(spec, "ok", output, null, started, attempt);
            } catch (TimeoutException slow) {
                running.cancel(true);
                breakers.failed(breaker, permit);
                last = new ToolFailure(
                        "timeout", "the tool did not answer within " + spec.timeoutSeconds() + " s", true);
            } catch (ExecutionException failed) {
                if (failed.getCause() instanceof ToolFailure refused) {
                    last = refused;
                    if (refused.retryable()) {
                        breakers.failed(breaker, permit);
                    } else {
                        breakers.succeeded(breaker, permit);
                        return done(spec, refused.code(), null, refused.getMessage(), started, attempt);
                    }
                } else {
                    LOG.warn(
                            "tool {} failed unexpectedly: {}",
                            spec.name(),
                            failed.getCause().getClass().getSimpleName());
                    breakers.failed(breaker, permit);
                    last = new ToolFailure("failed", "the tool failed", true);
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return done(spec, "failed", null, "interrupted", started, attempt);
            }
            if (attempt < attempts) {
                pause(backoff.multipliedBy(1L << (attempt - 1)));
            }
        }
        return done(spec, last.code(), null, last.getMessage(), started, attempts);
    }

    private Result done(
            ToolRegistry.Spec spec, String status, JsonNode output, String error, long started, int attempts) {
        return new Result(spec.name(), status, output, error, clock.millis() - started, attempts);
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

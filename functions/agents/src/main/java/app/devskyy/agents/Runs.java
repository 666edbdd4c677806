package app.devskyy.agents;

import app.devskyy.agents.tools.ToolRegistry;
import app.devskyy.core.Json;
import app.devskyy.core.auth.Role;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.Values;
import app.devskyy.core.billing.Entitlements;
import app.devskyy.core.crypto.Digests;
import app.devskyy.core.events.PermanentFailure;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.FieldError;
import app.devskyy.core.privacy.Consents;
import app.devskyy.llm.ChatMessage;
import app.devskyy.llm.ChatRequest;
import app.devskyy.llm.Routing;
import app.devskyy.llm.metering.Caller;
import app.devskyy.llm.metering.Money;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.databind.JsonNode;

/**
 * The life of runs as the API drives it: start (idempotent on {@code Idempotency-Key}), cancel,
 * approve or reject, retry. Each change is one conditional transition of the run's status, so two
 * concurrent requests cannot both act; Step Functions itself makes a task token single use.
 */
final class Runs {

    /** A deployment's defaults and bounds for runs that do not say. */
    record Defaults(
            int maxSteps, int maxWallSeconds, long costCapMicros, int approvalTimeoutSeconds, int retentionDays) {}

    private static final Logger LOG = LoggerFactory.getLogger(Runs.class);

    private final RunStore store;
    private final RunBudget budget;
    private final AgentCatalogue catalogue;
    private final Executions executions;
    private final Routing routing;
    private final Supplier<Set<String>> reachable;
    private final Defaults defaults;
    private final Clock clock;

    private final Consents consents;
    private final Entitlements entitlements;

    Runs(
            RunStore store,
            RunBudget budget,
            AgentCatalogue catalogue,
            Executions executions,
            Routing routing,
            Supplier<Set<String>> reachable,
            Defaults defaults,
            Entitlements entitlements,
            Consents consents,
            Clock clock) {
        this.entitlements = entitlements;
        this.consents = consents;
        this.store = store;
        this.budget = budget;
        this.catalogue = catalogue;
        this.executions = executions;
        this.routing = routing;
        this.reachable = reachable;
        this.defaults = defaults;
        this.clock = clock;
    }

    AgentItems.Run require(String workspaceId, String runId) {
        return store.run(workspaceId, runId).orElseThrow(() -> ApiProblem.notFound("There is no such run."));
    }

    /** Starts a run, or answers the one this idempotency key started; {@code isNew} says which. */
    RunStore.Created start(Caller caller, JsonNode body, byte[] raw, Optional<String> idempotencyKey) {
        // A person whose processing is restricted (GDPR Art. 18) starts no run: its steps would process their data.
        consents.requireProcessing(caller.id());
        AgentCatalogue.Agent agent = catalogue
                .agent(body.path("agent").asString())
                .orElseThrow(() -> ApiProblem.validation(List.of(
                        new FieldError("/agent", "not-allowed", "is not an agent of the catalogue (GET .../agents)"))));
        JsonNode options = body.path("options");
        int maxSteps = options.path("maxSteps").asInt(defaults.maxSteps());
        String model = options.path("model").asString(agent.defaultModel());
        if (routing.resolve(model, "chat", reachable.get(), ChatRequest.of(List.of(ChatMessage.of("user", ""))))
                .isEmpty()) {
            throw ApiProblem.validation(List.of(new FieldError(
                    "/options/model",
                    "not-allowed",
                    "is not a model available in this deployment (GET /api/v1/llm/models)")));
        }
        String plan = null;
        if (body.has("plan")) {
            List<Plan.Draft> drafts = List.of(Json.convert(body.get("plan"), Plan.Draft[].class));
            if (drafts.size() > maxSteps) {
                throw ApiProblem.validation(List.of(new FieldError(
                        "/plan", "too-many-items", "has more steps than options.maxSteps (" + maxSteps + ") allows")));
            }
            try {
                plan = Plan.of(drafts, agent, catalogue.registry()).json();
            } catch (PermanentFailure invalid) {
                throw ApiProblem.validation(List.of(new FieldError(
                        "/plan",
                        "invalid-combination",
                        "steps may depend only on earlier steps and use only the agent's tools, and a step with a"
                                + " side-effecting tool carries arguments that fit the tool's input schema"
                                + " (GET .../tools)")));
            }
            for (Plan.Step step : Plan.parse(plan).steps()) {
                if (step.tool() != null) {
                    ToolRegistry.Spec tool =
                            catalogue.registry().spec(step.tool()).orElseThrow();
                    if (!caller.role().atLeast(tool.requiredRole())) {
                        throw ApiProblem.of(
                                403,
                                "forbidden",
                                "Forbidden",
                                "The plan uses " + tool.name() + ", which needs the role " + tool.role() + ".");
                    }
                }
            }
        }
        long now = clock.millis();
        String runId = store.newRunId();
        ItemKey key = AgentItems.run(caller.workspaceId(), runId);
        AgentItems.Run run = new AgentItems.Run(
                key.pk(),
                key.sk(),
                runId,
                caller.workspaceId(),
                agent.name(),
                body.path("goal").asString(),
                body.has("inputs") ? Json.write(body.get("inputs")) : null,
                model,
                maxSteps,
                options.path("maxWallSeconds").asInt(defaults.maxWallSeconds()),
                options.has("costCapUsd")
                        ? Money.micros(options.get("costCapUsd").asDouble())
                        : defaults.costCapMicros(),
                options.path("approval").asString("never"),
                options.path("approverRole").asString("admin"),
                RunStatus.STARTING,
                null,
                plan,
                null,
                caller.id(),
                now,
                now,
                null,
                1,
                0,
                0,
                0,
                0,
                0,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                caller.role().wire(),
                0,
                null,
                Digests.sha256(new String(raw, StandardCharsets.UTF_8)),
                clock.instant().plusSeconds(defaults.retentionDays() * 86_400L).getEpochSecond());
        // The month's run count is taken first (one conditional update); a replay of an earlier start gives it back.
        Entitlements.Entitlement entitlement = entitlements.of(caller.workspaceId());
        Optional<Long> runsAllowed = entitlement.limit(Entitlements.AGENT_RUNS_PER_MONTH);
        String month = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC)).toString();
        if (runsAllowed.isPresent() && !store.countRun(caller.workspaceId(), month, runsAllowed.get())) {
            throw Entitlements.planLimit(entitlement, Entitlements.AGENT_RUNS_PER_MONTH, "agent runs a month");
        }
        RunStore.Created created;
        try {
            created = store.create(run, idempotencyKey.map(k -> Digests.sha256(caller.workspaceId() + "\n" + k)));
        } catch (RuntimeException notCreated) {
            // A key reused for another request, or an outage: no run, so no run counted.
            if (runsAllowed.isPresent()) {
                store.uncountRun(caller.workspaceId(), month);
            }
            throw notCreated;
        }
        if (!created.isNew() && runsAllowed.isPresent()) {
            store.uncountRun(caller.workspaceId(), month);
        }
        AgentItems.Run stored = created.run();
        if (RunStatus.STARTING.equals(stored.status())) {
            launch(
                    stored,
                    options.path("approvalTimeoutSeconds").asInt(defaults.approvalTimeoutSeconds()),
                    idempotencyKey.isPresent());
            stored = require(stored.workspaceId(), stored.runId());
        }
        return new RunStore.Created(stored, created.isNew());
    }

    /**
     * Starts the run's execution, named by the run id: Step Functions answers a second start of the
     * same name and input with the same execution, so concurrent identical requests make one.
     */
    private void launch(AgentItems.Run run, int approvalTimeoutSeconds, boolean retriable) {
        String input = Json.write(Json.MAPPER
                .createObjectNode()
                .put("runId", run.runId())
                .put("workspaceId", run.workspaceId())
                .put("approvalTimeoutSeconds", approvalTimeoutSeconds));
        String executionArn;
        try {
            executionArn = executions.start(run.runId(), input);
        } catch (RuntimeException failed) {
            if (!retriable) {
                // Nobody can start this run again: it ends now rather than wait forever.
                store.transition(
                        run.workspaceId(),
                        run.runId(),
                        Set.of(RunStatus.STARTING),
                        RunStatus.FAILED,
                        "start_failed",
                        Map.of("endedAt", Values.number(clock.millis())),
                        List.of());
            }
            throw failed;
        }
        // The execution may already be at work (its first step marks the run running too).
        store.transition(
                run.workspaceId(),
                run.runId(),
                Set.of(RunStatus.STARTING),
                RunStatus.RUNNING,
                null,
                Map.of(),
                List.of());
        if (store.recordExecution(run.workspaceId(), run.runId(), executionArn)) {
            store.event(run, "started", null, run.agent());
        }
    }

    AgentItems.Run cancel(Caller caller, String runId) {
        AgentItems.Run run = require(caller.workspaceId(), runId);
        boolean cancelled = store.transition(
                run.workspaceId(),
                runId,
                RunStatus.ACTIVE,
                RunStatus.CANCELLED,
                "cancelled",
                Map.of("endedAt", Values.number(clock.millis())),
                List.of("approvalToken"));
        if (!cancelled) {
            throw ended(run);
        }
        store.event(run, "cancelled", null, "by " + caller.id());
        budget.release(run.workspaceId(), runId);
        if (run.executionArn() != null) {
            executions.stop(run.executionArn(), "cancelled through the API");
        }
        return require(run.workspaceId(), runId);
    }

    AgentItems.Run decide(Caller caller, String runId, JsonNode decision) {
        AgentItems.Run run = require(caller.workspaceId(), runId);
        Role required = Role.fromWire(run.approverRole()).orElse(Role.ADMIN);
        if (!caller.role().atLeast(required)) {
            throw ApiProblem.of(
                    403, "forbidden", "Forbidden", "Approving this run takes the role " + required.wire() + ".");
        }
        if (!RunStatus.AWAITING_APPROVAL.equals(run.status()) || run.approvalToken() == null) {
            throw ApiProblem.of(
                    409,
                    "not-awaiting-approval",
                    "Conflict",
                    "The run is not awaiting approval (it is " + run.status() + ").");
        }
        boolean approve = "approve".equals(decision.path("decision").asString());
        long now = clock.millis();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put("decision", AttributeValue.fromS(approve ? "approve" : "reject"));
        values.put("pausedMillis", Values.number(run.pausedMillis() + Math.max(0, now - run.approvalRequestedAt())));
        if (approve && decision.has("edits")) {
            values.put("edits", AttributeValue.fromS(decision.get("edits").asString()));
        }
        // Claimed before Step Functions hears of it: the next step finds the approver's edits however
        // quickly the execution moves on, and a second decision finds the claim.
        if (!store.claimDecision(run.workspaceId(), runId, run.approvalToken(), values)) {
            throw ApiProblem.of(409, "not-awaiting-approval", "Conflict", "The run's approval was decided already.");
        }
        boolean accepted;
        try {
            accepted = approve
                    ? executions.succeed(run.approvalToken(), "{\"decision\":\"approved\"}")
                    : executions.fail(run.approvalToken(), "Rejected", "rejected by an approver");
        } catch (RuntimeException outage) {
            store.releaseDecision(run.workspaceId(), runId);
            throw outage;
        }
        if (!accepted) {
            throw ApiProblem.of(
                    409,
                    "approval-expired",
                    "Conflict",
                    "The approval is no longer awaited; it expired or was decided.");
        }
        store.transition(
                run.workspaceId(),
                runId,
                Set.of(RunStatus.AWAITING_APPROVAL),
                approve ? RunStatus.RUNNING : RunStatus.REJECTED,
                approve ? null : "rejected",
                approve ? Map.of() : Map.of("endedAt", Values.number(now)),
                List.of("approvalToken", "decision"));
        store.event(
                run,
                approve ? "approved" : "rejected",
                run.approvalStepId(),
                approve
                        ? (decision.has("edits") ? "with edits" : null)
                        : decision.path("reason").asString());
        if (!approve) {
            budget.release(run.workspaceId(), runId);
        }
        LOG.info("run {} {}", runId, approve ? "approved" : "rejected");
        return require(run.workspaceId(), runId);
    }

    AgentItems.Run retry(Caller caller, String runId) {
        AgentItems.Run run = require(caller.workspaceId(), runId);
        if (!RunStatus.FAILED.equals(run.status()) || !RunStatus.RETRYABLE_REASONS.contains(run.reason())) {
            throw ApiProblem.of(
                    409,
                    "not-retryable",
                    "Conflict",
                    "Only a run that failed on an outage can be retried; this one is " + run.status()
                            + (run.reason() == null ? "" : " (" + run.reason() + ")") + ".");
        }
        // Running first: the redriven execution's steps refuse a run that is not.
        boolean claimed = store.transition(
                run.workspaceId(),
                runId,
                Set.of(RunStatus.FAILED),
                RunStatus.RUNNING,
                null,
                Map.of(),
                List.of("reason", "endedAt"));
        if (!claimed) {
            throw ApiProblem.of(409, "not-retryable", "Conflict", "The run is being retried already.");
        }
        boolean redriven;
        try {
            redriven = executions.redrive(run.executionArn());
        } catch (RuntimeException outage) {
            restore(run);
            throw outage;
        }
        if (!redriven) {
            restore(run);
            throw ApiProblem.of(409, "not-retryable", "Conflict", "The run's execution cannot be redriven.");
        }
        store.event(run, "retried", null, "by " + caller.id());
        return require(run.workspaceId(), runId);
    }

    /** Puts a run whose redrive did not start back as it was. */
    private void restore(AgentItems.Run run) {
        store.transition(
                run.workspaceId(),
                run.runId(),
                Set.of(RunStatus.RUNNING),
                RunStatus.FAILED,
                run.reason(),
                Map.of("endedAt", Values.number(run.endedAt() == null ? clock.millis() : run.endedAt())),
                List.of());
    }

    private static ApiProblem ended(AgentItems.Run run) {
        return ApiProblem.of(409, "run-ended", "Conflict", "The run has already ended (" + run.status() + ").");
    }
}

package app.devskyy.agents;

import app.devskyy.core.Json;
import app.devskyy.llm.metering.Money;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/** What the routes answer about runs: camelCase, RFC 3339 times, money in US dollars. */
final class RunViews {

    private RunViews() {}

    record Options(int maxSteps, int maxWallSeconds, BigDecimal costCapUsd, String approval, String approverRole) {}

    record Usage(long promptTokens, long completionTokens, long modelCalls, BigDecimal costUsd) {}

    record Approval(String stepId, Instant requestedAt, Instant expiresAt) {}

    record PlannedStep(
            String stepId,
            String title,
            List<String> dependsOn,
            String tool,
            boolean sideEffect,
            boolean approval,
            JsonNode arguments) {}

    record StepView(
            String stepId,
            String title,
            String status,
            String inputSummary,
            String output,
            String verdict,
            String critique,
            long attempts,
            String provider,
            String model,
            long promptTokens,
            long completionTokens,
            BigDecimal costUsd,
            JsonNode toolCalls,
            Instant startedAt,
            Instant endedAt) {}

    record Run(
            String runId,
            String agent,
            String goal,
            String status,
            String reason,
            String model,
            Options options,
            List<PlannedStep> plan,
            List<StepView> steps,
            Usage usage,
            Approval approval,
            JsonNode result,
            JsonNode sources,
            JsonNode citations,
            long version,
            Instant createdAt,
            Instant updatedAt,
            Instant endedAt) {}

    record Summary(
            String runId,
            String agent,
            String goal,
            String status,
            String reason,
            BigDecimal costUsd,
            Instant createdAt,
            Instant updatedAt,
            Instant endedAt) {}

    record Event(String type, Instant at, String stepId, String detail) {}

    static String etag(AgentItems.Run run) {
        return "\"v" + run.version() + "\"";
    }

    static Run of(AgentItems.Run run, List<AgentItems.Step> steps) {
        Map<String, AgentItems.Step> byId = steps.stream().collect(Collectors.toMap(AgentItems.Step::stepId, s -> s));
        List<Plan.Step> plan =
                run.plan() == null ? List.of() : Plan.parse(run.plan()).steps();
        return new Run(
                run.runId(),
                run.agent(),
                run.goal(),
                run.status(),
                run.reason(),
                run.model(),
                new Options(
                        (int) run.maxSteps(),
                        (int) run.maxWallSeconds(),
                        Money.usd(run.capMicros()),
                        run.approvalPolicy(),
                        run.approverRole()),
                plan.stream()
                        .map(s -> new PlannedStep(
                                s.stepId(),
                                s.title(),
                                s.dependsOn(),
                                s.tool(),
                                s.sideEffect(),
                                s.needsApproval(),
                                s.arguments()))
                        .toList(),
                plan.stream()
                        .filter(s -> byId.containsKey(s.stepId()))
                        .map(s -> step(byId.get(s.stepId())))
                        .toList(),
                new Usage(run.promptTokens(), run.completionTokens(), run.modelCalls(), Money.usd(run.spentMicros())),
                run.approvalRequestedAt() == null || !RunStatus.AWAITING_APPROVAL.equals(run.status())
                        ? null
                        : new Approval(
                                run.approvalStepId(),
                                instant(run.approvalRequestedAt()),
                                instant(run.approvalExpiresAt())),
                run.result() == null ? null : Json.tree(run.result().getBytes(StandardCharsets.UTF_8)),
                array(run.sources()),
                array(run.citations()),
                run.version(),
                instant(run.createdAt()),
                instant(run.updatedAt()),
                instant(run.endedAt()));
    }

    private static JsonNode array(String json) {
        return json == null ? Json.MAPPER.createArrayNode() : Json.tree(json.getBytes(StandardCharsets.UTF_8));
    }

    private static StepView step(AgentItems.Step step) {
        String instruction = step.instruction() == null ? "" : step.instruction();
        return new StepView(
                step.stepId(),
                step.title(),
                step.status(),
                instruction.length() <= 200 ? instruction : instruction.substring(0, 200) + "…",
                step.output(),
                step.verdict(),
                step.critique(),
                step.attempts(),
                step.provider(),
                step.model(),
                step.promptTokens(),
                step.completionTokens(),
                Money.usd(step.costMicros()),
                array(step.toolCalls()),
                instant(step.startedAt()),
                instant(step.endedAt()));
    }

    static Summary summary(AgentItems.Run run) {
        String goal = run.goal().length() <= 200 ? run.goal() : run.goal().substring(0, 200) + "…";
        return new Summary(
                run.runId(),
                run.agent(),
                goal,
                run.status(),
                run.reason(),
                Money.usd(run.spentMicros()),
                instant(run.createdAt()),
                instant(run.updatedAt()),
                instant(run.endedAt()));
    }

    static Event event(AgentItems.Event event) {
        return new Event(event.type(), Instant.ofEpochMilli(event.at()), event.stepId(), event.detail());
    }

    private static Instant instant(Long millis) {
        return millis == null || millis == 0 ? null : Instant.ofEpochMilli(millis);
    }
}

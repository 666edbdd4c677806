package app.devskyy.agents;

import app.devskyy.core.agents.AgentRuns;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.RecordSchema;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;

/**
 * The items of the runs table ({@code pk}, {@code sk}); docs/data-model.md lists their access
 * patterns. A workspace's partition holds its runs and idempotency claims; a run's own partition
 * holds its steps and timeline, so that a run's detail is one query. Times are epoch milliseconds,
 * {@code expiresAt} epoch seconds (TTL).
 */
final class AgentItems {

    private AgentItems() {}

    static final String RUNS = AgentRuns.RUNS;
    static final String STEPS = "STEP#";
    static final String EVENTS = "EVT#";

    static String workspace(String workspaceId) {
        return "WS#" + workspaceId;
    }

    static String runPartition(String runId) {
        return RUNS + runId;
    }

    static ItemKey run(String workspaceId, String runId) {
        return ItemKey.of(workspace(workspaceId), RUNS + runId);
    }

    static ItemKey step(String runId, String stepId) {
        return ItemKey.of(runPartition(runId), STEPS + stepId);
    }

    /** Events sort by time; the suffix keeps two events of one millisecond apart. */
    static ItemKey event(String runId, long atMillis, String suffix) {
        return ItemKey.of(runPartition(runId), EVENTS + String.format("%013d", atMillis) + "#" + suffix);
    }

    /** {@code WS#<workspace>/RUNCOUNT#<yyyy-mm>}: the runs a workspace started in a month (its plan's limit). */
    static ItemKey runCount(String workspaceId, String month) {
        return ItemKey.of(workspace(workspaceId), "RUNCOUNT#" + month);
    }

    static ItemKey claim(String workspaceId, String keyHash) {
        return ItemKey.of(workspace(workspaceId), "IDEM#" + keyHash);
    }

    /** {@code WS#<workspace>/RUN#<run>}: one run, its options, status, plan, spend and approval. */
    record Run(
            String pk,
            String sk,
            String runId,
            String workspaceId,
            String agent,
            String goal,
            String inputs,
            String model,
            long maxSteps,
            long maxWallSeconds,
            long capMicros,
            String approvalPolicy,
            String approverRole,
            String status,
            String reason,
            String plan,
            String executionArn,
            String startedBy,
            long createdAt,
            long updatedAt,
            Long endedAt,
            long version,
            long spentMicros,
            long heldMicros,
            long promptTokens,
            long completionTokens,
            long modelCalls,
            String approvalToken,
            String approvalStepId,
            Long approvalRequestedAt,
            Long approvalExpiresAt,
            String result,
            String edits,
            String context,
            String sources,
            String citations,
            String startedRole,
            long pausedMillis,
            String budgetHold,
            String requestHash,
            long expiresAt) {
        static final TableSchema<Run> SCHEMA = RecordSchema.of(
                        Run.class,
                        f -> new Run(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("runId"),
                                f.string("workspaceId"),
                                f.string("agent"),
                                f.string("goal"),
                                f.string("inputs"),
                                f.string("model"),
                                f.number("maxSteps", 0),
                                f.number("maxWallSeconds", 0),
                                f.number("capMicros", 0),
                                f.string("approvalPolicy"),
                                f.string("approverRole"),
                                f.string("status"),
                                f.string("reason"),
                                f.string("plan"),
                                f.string("executionArn"),
                                f.string("startedBy"),
                                f.number("createdAt", 0),
                                f.number("updatedAt", 0),
                                f.number("endedAt"),
                                f.number("version", 0),
                                f.number("spentMicros", 0),
                                f.number("heldMicros", 0),
                                f.number("promptTokens", 0),
                                f.number("completionTokens", 0),
                                f.number("modelCalls", 0),
                                f.string("approvalToken"),
                                f.string("approvalStepId"),
                                f.number("approvalRequestedAt"),
                                f.number("approvalExpiresAt"),
                                f.string("result"),
                                f.string("edits"),
                                f.string("context"),
                                f.string("sources"),
                                f.string("citations"),
                                f.string("startedRole"),
                                f.number("pausedMillis", 0),
                                f.string("budgetHold"),
                                f.string("requestHash"),
                                f.number("expiresAt", 0)))
                .partitionKey("pk", Run::pk)
                .sortKey("sk", Run::sk)
                .string("runId", Run::runId)
                .string("workspaceId", Run::workspaceId)
                .string("agent", Run::agent)
                .string("goal", Run::goal)
                .string("inputs", Run::inputs)
                .string("model", Run::model)
                .number("maxSteps", Run::maxSteps)
                .number("maxWallSeconds", Run::maxWallSeconds)
                .number("capMicros", Run::capMicros)
                .string("approvalPolicy", Run::approvalPolicy)
                .string("approverRole", Run::approverRole)
                .string("status", Run::status)
                .string("reason", Run::reason)
                .string("plan", Run::plan)
                .string("executionArn", Run::executionArn)
                .string("startedBy", Run::startedBy)
                .number("createdAt", Run::createdAt)
                .number("updatedAt", Run::updatedAt)
                .number("endedAt", Run::endedAt)
                .number("version", Run::version)
                .number("spentMicros", Run::spentMicros)
                .number("heldMicros", Run::heldMicros)
                .number("promptTokens", Run::promptTokens)
                .number("completionTokens", Run::completionTokens)
                .number("modelCalls", Run::modelCalls)
                .string("approvalToken", Run::approvalToken)
                .string("approvalStepId", Run::approvalStepId)
                .number("approvalRequestedAt", Run::approvalRequestedAt)
                .number("approvalExpiresAt", Run::approvalExpiresAt)
                .string("result", Run::result)
                .string("edits", Run::edits)
                .string("context", Run::context)
                .string("sources", Run::sources)
                .string("citations", Run::citations)
                .string("startedRole", Run::startedRole)
                .number("pausedMillis", Run::pausedMillis)
                .string("budgetHold", Run::budgetHold)
                .string("requestHash", Run::requestHash)
                .number("expiresAt", Run::expiresAt)
                .build();
    }

    /** {@code RUN#<run>/STEP#<step>}: one plan step, its latest output and verdict, what it cost. */
    record Step(
            String pk,
            String sk,
            String stepId,
            String title,
            String instruction,
            String dependsOn,
            boolean sideEffect,
            String status,
            long attempts,
            String output,
            String critique,
            String verdict,
            String provider,
            String model,
            long promptTokens,
            long completionTokens,
            long costMicros,
            Long startedAt,
            Long endedAt,
            long expiresAt,
            String startedBy,
            String toolCalls) {
        static final TableSchema<Step> SCHEMA = RecordSchema.of(
                        Step.class,
                        f -> new Step(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("stepId"),
                                f.string("title"),
                                f.string("instruction"),
                                f.string("dependsOn"),
                                f.bool("sideEffect"),
                                f.string("status"),
                                f.number("attempts", 0),
                                f.string("output"),
                                f.string("critique"),
                                f.string("verdict"),
                                f.string("provider"),
                                f.string("model"),
                                f.number("promptTokens", 0),
                                f.number("completionTokens", 0),
                                f.number("costMicros", 0),
                                f.number("startedAt"),
                                f.number("endedAt"),
                                f.number("expiresAt", 0),
                                f.string("startedBy"),
                                f.string("toolCalls")))
                .partitionKey("pk", Step::pk)
                .sortKey("sk", Step::sk)
                .string("stepId", Step::stepId)
                .string("title", Step::title)
                .string("instruction", Step::instruction)
                .string("dependsOn", Step::dependsOn)
                .bool("sideEffect", Step::sideEffect)
                .string("status", Step::status)
                .number("attempts", Step::attempts)
                .string("output", Step::output)
                .string("critique", Step::critique)
                .string("verdict", Step::verdict)
                .string("provider", Step::provider)
                .string("model", Step::model)
                .number("promptTokens", Step::promptTokens)
                .number("completionTokens", Step::completionTokens)
                .number("costMicros", Step::costMicros)
                .number("startedAt", Step::startedAt)
                .number("endedAt", Step::endedAt)
                .number("expiresAt", Step::expiresAt)
                .string("startedBy", Step::startedBy)
                .string("toolCalls", Step::toolCalls)
                .build();

        /**
         * This step as a review left it: its status, critique and verdict, with the review's tokens
         * and cost added; the rest (output, tool calls, times) as the execution wrote it.
         */
        Step reviewed(
                String status,
                String critique,
                String verdict,
                long addedPromptTokens,
                long addedCompletionTokens,
                long addedCostMicros,
                long reviewedAt) {
            return new Step(
                    pk,
                    sk,
                    stepId,
                    title,
                    instruction,
                    dependsOn,
                    sideEffect,
                    status,
                    attempts,
                    output,
                    critique,
                    verdict,
                    provider,
                    model,
                    promptTokens + addedPromptTokens,
                    completionTokens + addedCompletionTokens,
                    costMicros + addedCostMicros,
                    startedAt,
                    reviewedAt,
                    expiresAt,
                    startedBy,
                    toolCalls);
        }
    }

    /** {@code RUN#<run>/EVT#<millis>#<suffix>}: the run's timeline. */
    record Event(
            String pk,
            String sk,
            String type,
            long at,
            String stepId,
            String detail,
            long expiresAt,
            String startedBy) {
        static final TableSchema<Event> SCHEMA = RecordSchema.of(
                        Event.class,
                        f -> new Event(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("type"),
                                f.number("at", 0),
                                f.string("stepId"),
                                f.string("detail"),
                                f.number("expiresAt", 0),
                                f.string("startedBy")))
                .partitionKey("pk", Event::pk)
                .sortKey("sk", Event::sk)
                .string("type", Event::type)
                .number("at", Event::at)
                .string("stepId", Event::stepId)
                .string("detail", Event::detail)
                .number("expiresAt", Event::expiresAt)
                .string("startedBy", Event::startedBy)
                .build();
    }

    /** {@code WS#<workspace>/IDEM#<key hash>}: an {@code Idempotency-Key} and the run it started (24 hours). */
    record Claim(String pk, String sk, String runId, String requestHash, long expiresAt) {
        static final TableSchema<Claim> SCHEMA = RecordSchema.of(
                        Claim.class,
                        f -> new Claim(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("runId"),
                                f.string("requestHash"),
                                f.number("expiresAt", 0)))
                .partitionKey("pk", Claim::pk)
                .sortKey("sk", Claim::sk)
                .string("runId", Claim::runId)
                .string("requestHash", Claim::requestHash)
                .number("expiresAt", Claim::expiresAt)
                .build();
    }
}

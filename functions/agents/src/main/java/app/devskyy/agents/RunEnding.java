package app.devskyy.agents;

import app.devskyy.core.Json;
import app.devskyy.core.agents.AgentRuns;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * How a run ended, from the error the state machine caught or the execution's final status;
 * {@code null} when the run had already ended otherwise.
 */
record RunEnding(String status, String reason) {

    /** From a caught error: {@code Error} and {@code Cause} as Step Functions records them. */
    static RunEnding ofCaught(JsonNode error) {
        String name = error == null ? "" : error.path("Error").asString("");
        return switch (name) {
            case "Rejected" -> new RunEnding(RunStatus.REJECTED, "rejected");
            case "States.Timeout" -> new RunEnding(RunStatus.EXPIRED, "approval_timed_out");
            default ->
                ofFailure(reasonOf(error == null ? "" : error.path("Cause").asString("")));
        };
    }

    /** From a named failure's reason ({@code BudgetExhausted}, {@code CostCapReached}, ...). */
    static RunEnding ofFailure(String reason) {
        return switch (reason) {
            // Someone ended the run (a cancel, a rejection) while a step ran: that ending stands.
            case "RunEnded" -> null;
            case "BudgetExhausted" -> new RunEnding(RunStatus.BUDGET_EXHAUSTED, "workspace_budget");
            case "CostCapReached" -> new RunEnding(RunStatus.LIMIT_EXCEEDED, "cost_cap");
            case "WallTimeExceeded" -> new RunEnding(RunStatus.LIMIT_EXCEEDED, "wall_time");
            case "StepLimitExceeded" -> new RunEnding(RunStatus.LIMIT_EXCEEDED, "max_steps");
            case "ValidationFailed" -> new RunEnding(RunStatus.FAILED, "validation_failed");
            case "InvalidOutput" -> new RunEnding(RunStatus.FAILED, "invalid_output");
            case "InvalidPlan" -> new RunEnding(RunStatus.FAILED, "invalid_plan");
            case "ProviderRejected" -> new RunEnding(RunStatus.FAILED, "provider_rejected");
            case "ModelUnavailable" -> new RunEnding(RunStatus.FAILED, "model_unavailable");
            default -> new RunEnding(RunStatus.FAILED, "unexpected");
        };
    }

    /** From the execution's status when it ended outside the state machine's own paths. */
    static RunEnding ofExecution(String status, String error) {
        return switch (status) {
            // The maintenance family stops a run past its wall time (AgentRuns.WALL_TIME_EXCEEDED).
            case "ABORTED" ->
                AgentRuns.WALL_TIME_EXCEEDED.equals(error)
                        ? ofFailure("WallTimeExceeded")
                        : new RunEnding(RunStatus.CANCELLED, "stopped");
            case "TIMED_OUT" -> new RunEnding(RunStatus.FAILED, "execution_timed_out");
            default -> new RunEnding(RunStatus.FAILED, "execution_failed");
        };
    }

    /**
     * A named failure's reason: the Lambda runtime's {@code Cause} is the JSON of the error, whose
     * {@code errorMessage} starts with {@code <reason>:}; engines that pass the error on as text
     * put its type first ({@code <errorType>: <reason>: ...}).
     */
    private static String reasonOf(String cause) {
        String message = cause;
        try {
            JsonNode parsed = Json.MAPPER.readTree(cause.getBytes(StandardCharsets.UTF_8));
            if (parsed != null && parsed.has("errorMessage")) {
                message = parsed.get("errorMessage").asString();
            }
        } catch (JacksonException notJson) {
            // A cause given as plain text.
        }
        if (message.startsWith("app.devskyy.") && message.contains(": ")) {
            message = message.substring(message.indexOf(": ") + 2);
        }
        int colon = message.indexOf(':');
        return colon > 0 ? message.substring(0, colon) : message;
    }
}

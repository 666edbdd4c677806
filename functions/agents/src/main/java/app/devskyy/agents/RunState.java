package app.devskyy.agents;

import tools.jackson.databind.JsonNode;

/**
 * What a step of the state machine receives: ids, never content. {@code stepId} names the plan
 * step of an iteration, {@code taskToken} and {@code timeoutSeconds} come to the approval step,
 * {@code error} (the caught {@code Error} and {@code Cause}) to the finish step.
 */
record RunState(
        String runId, String workspaceId, String stepId, String taskToken, Long timeoutSeconds, JsonNode error) {}

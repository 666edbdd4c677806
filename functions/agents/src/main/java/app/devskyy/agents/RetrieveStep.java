package app.devskyy.agents;

import app.devskyy.core.Json;
import app.devskyy.core.observability.Telemetry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.databind.JsonNode;

/**
 * Gathers the run's context and stores it with the run, where every later prompt reads it. Today
 * the sources are the caller's inputs, each named by its key so that results can cite it
 * ({@code inputs.<key>}); the knowledge base joins them with the agents' second part.
 */
final class RetrieveStep extends RunStep<RetrieveStep.Retrieved> {

    /** What the state machine keeps of the retrieval: counts, not content. */
    record Retrieved(int sources, int characters) {}

    /** The context a run keeps, whatever its inputs (a DynamoDB item holds 400 KB in all). */
    static final int MAX_CONTEXT = 32_000;

    RetrieveStep(RunStore store, Telemetry telemetry, Clock clock) {
        super("agentRetrieve", store, telemetry, clock);
    }

    @Override
    protected Retrieved work(RunState state, AgentItems.Run run) {
        JsonNode inputs = run.inputs() == null
                ? Json.MAPPER.createObjectNode()
                : Json.tree(run.inputs().getBytes(StandardCharsets.UTF_8));
        StringBuilder context = new StringBuilder();
        int sources = 0;
        for (var field : inputs.properties()) {
            JsonNode value = field.getValue();
            context.append("[inputs.")
                    .append(field.getKey())
                    .append("] ")
                    .append(value.isString() ? value.asString() : Json.write(value))
                    .append('\n');
            sources++;
        }
        String text = context.length() <= MAX_CONTEXT ? context.toString() : context.substring(0, MAX_CONTEXT);
        if (!text.isEmpty()) {
            store.update(
                    run.workspaceId(), run.runId(), RunStatus.RUNNING, Map.of("context", AttributeValue.fromS(text)));
        }
        store.event(run, "context_retrieved", null, sources + " sources");
        return new Retrieved(sources, text.length());
    }
}

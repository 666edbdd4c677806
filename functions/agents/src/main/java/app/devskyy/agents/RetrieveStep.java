package app.devskyy.agents;

import app.devskyy.agents.knowledge.KnowledgeBase;
import app.devskyy.agents.knowledge.VectorStore;
import app.devskyy.core.Json;
import app.devskyy.core.events.PermanentFailure;
import app.devskyy.core.events.TransientFailure;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.observability.Telemetry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.databind.JsonNode;

/**
 * Gathers the run's context and stores it with the run, where every later prompt reads it: the
 * caller's inputs, each named by its key ({@code [inputs.<key>]}), and the passages of the
 * workspace's knowledge base that a hybrid search for the goal finds, each with its marker
 * ({@code [kb:<chunk>]}). The passages are the run's sources; its citations are those of them its
 * output cites.
 */
final class RetrieveStep extends RunStep<RetrieveStep.Retrieved> {

    /** What the state machine keeps of the retrieval: counts, not content. */
    record Retrieved(int sources, int characters) {}

    /** The context a run keeps, whatever its inputs (a DynamoDB item holds 400 KB in all). */
    static final int MAX_CONTEXT = 32_000;

    /** Passages retrieved for a run. */
    static final int PASSAGES = 8;

    private final KnowledgeBase knowledge;

    RetrieveStep(RunStore store, KnowledgeBase knowledge, Telemetry telemetry, Clock clock) {
        super("agentRetrieve", store, telemetry, clock);
        this.knowledge = knowledge;
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
        List<KnowledgeBase.Source> found = new ArrayList<>();
        for (KnowledgeBase.Passage passage : passages(run)) {
            context.append('[')
                    .append(passage.citation())
                    .append("] (")
                    .append(passage.title())
                    .append(") ")
                    .append(passage.text())
                    .append('\n');
            found.add(passage.asSource());
            sources++;
        }
        String text = context.length() <= MAX_CONTEXT ? context.toString() : context.substring(0, MAX_CONTEXT);
        Map<String, AttributeValue> values = new HashMap<>();
        if (!text.isEmpty()) {
            values.put("context", AttributeValue.fromS(text));
        }
        if (!found.isEmpty()) {
            values.put("sources", AttributeValue.fromS(Json.write(found)));
        }
        if (!values.isEmpty()) {
            store.update(run.workspaceId(), run.runId(), RunStatus.RUNNING, values);
        }
        store.event(run, "context_retrieved", null, sources + " sources, " + found.size() + " from knowledge");
        return new Retrieved(sources, text.length());
    }

    private List<KnowledgeBase.Passage> passages(AgentItems.Run run) {
        try {
            return knowledge
                    .search(
                            RunBudget.caller(run),
                            run.runId() + "-retrieve",
                            new KnowledgeBase.Query(run.goal(), PASSAGES, "hybrid", VectorStore.Filter.NONE))
                    .passages();
        } catch (ApiProblem refused) {
            if ("budget-exhausted".equals(refused.slug())) {
                throw new PermanentFailure(
                        "BudgetExhausted", "the workspace's monthly LLM budget cannot cover the retrieval");
            }
            throw new TransientFailure("KnowledgeUnavailable", "the knowledge base did not answer", null);
        }
    }
}

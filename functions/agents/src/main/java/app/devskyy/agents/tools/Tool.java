package app.devskyy.agents.tools;

import app.devskyy.llm.metering.Caller;
import tools.jackson.databind.JsonNode;

/** The code of one tool of the {@link ToolRegistry}: arguments already checked against its schema, caller's role too. */
public interface Tool {

    /** One call: who makes it (for a run, its starter in its workspace), for which run, with what. */
    record Call(Caller caller, String runId, String stepId, JsonNode arguments) {}

    JsonNode call(Call call) throws ToolFailure;
}

package app.devskyy.agents.tools;

/**
 * A tool call that did not do its work. {@code code} is what the caller (a model, an MCP client)
 * is told; {@code retryable} says whether the same call may succeed later (an outage, a timeout)
 * or never will (a refusal, a missing integration). Messages never carry credentials.
 */
public final class ToolFailure extends Exception {

    private final String code;
    private final boolean retryable;

    public ToolFailure(String code, String message, boolean retryable) {
        super(message);
        this.code = code;
        this.retryable = retryable;
    }

    public String code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }
}

package app.devskyy.core.events;

/**
 * A failure that trying again will not cure (bad input, a rule the work breaks). A Step Functions
 * state matches it in {@code Catch} by its name, {@code app.devskyy.core.events.PermanentFailure}
 * (the Lambda runtime reports an exception's class name as {@code errorType}); it is never in a
 * {@code Retry}. The message reaches the execution history: it names what failed, never a value.
 */
public class PermanentFailure extends RuntimeException {

    private final String reason;

    public PermanentFailure(String reason, String message) {
        super(reason + ": " + message, null, false, false);
        this.reason = reason;
    }

    /** A short machine-readable cause, such as {@code BudgetExhausted}. */
    public String reason() {
        return reason;
    }
}

package app.devskyy.core.events;

/**
 * A failure that may pass if tried again (a dependency down, throttled or timing out). A Step
 * Functions state retries it by name, {@code app.devskyy.core.events.TransientFailure}, in its
 * {@code Retry}; an SQS consumer leaves the message for SQS to deliver again. The message names
 * what failed, never a value.
 */
public class TransientFailure extends RuntimeException {

    private final String reason;

    public TransientFailure(String reason, String message, Throwable cause) {
        super(reason + ": " + message, cause, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}

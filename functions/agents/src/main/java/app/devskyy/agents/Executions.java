package app.devskyy.agents;

/**
 * The state machine's executions, as the runs see them. In AWS this is Step Functions
 * ({@link StepFunctionsExecutions}); locally the local server speaks the same protocol.
 */
interface Executions {

    /** Starts the run's execution, named by the run id: a second start of the same run is the same execution. */
    String start(String name, String input);

    void stop(String executionArn, String cause);

    /** Ends a wait for a task token with {@code output}; {@code false} when the token is no longer waited for. */
    boolean succeed(String taskToken, String output);

    /** Fails a wait for a task token with a named error; {@code false} when the token is no longer waited for. */
    boolean fail(String taskToken, String error, String cause);

    /** Restarts a failed execution from where it failed; {@code false} when it cannot be redriven. */
    boolean redrive(String executionArn);
}

package app.devskyy.agents;

import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionNotRedrivableException;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/** {@link Executions} over the AWS SDK's Step Functions client (the local server speaks the same protocol). */
final class StepFunctionsExecutions implements Executions {

    private final SfnClient sfn;
    private final String stateMachineArn;

    StepFunctionsExecutions(SfnClient sfn, String stateMachineArn) {
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
    }

    @Override
    public String start(String name, String input) {
        return sfn.startExecution(
                        r -> r.stateMachineArn(stateMachineArn).name(name).input(input))
                .executionArn();
    }

    @Override
    public void stop(String executionArn, String cause) {
        try {
            sfn.stopExecution(
                    r -> r.executionArn(executionArn).error("Cancelled").cause(cause));
        } catch (ExecutionDoesNotExistException gone) {
            // Nothing left to stop.
        }
    }

    @Override
    public boolean succeed(String taskToken, String output) {
        try {
            sfn.sendTaskSuccess(r -> r.taskToken(taskToken).output(output));
            return true;
        } catch (TaskDoesNotExistException | TaskTimedOutException | InvalidTokenException stale) {
            return false;
        }
    }

    @Override
    public boolean fail(String taskToken, String error, String cause) {
        try {
            sfn.sendTaskFailure(r -> r.taskToken(taskToken).error(error).cause(cause));
            return true;
        } catch (TaskDoesNotExistException | TaskTimedOutException | InvalidTokenException stale) {
            return false;
        }
    }

    @Override
    public boolean redrive(String executionArn) {
        try {
            sfn.redriveExecution(r -> r.executionArn(executionArn));
            return true;
        } catch (ExecutionNotRedrivableException | ExecutionDoesNotExistException notRedrivable) {
            return false;
        }
    }
}

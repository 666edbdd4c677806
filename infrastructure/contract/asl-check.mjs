// Runs the agent-run state machine under engines no one here wrote: asl-validator checks the
// definition, aws-local-stepfunctions executes it with every Task invoking the real Java step
// functions through Lambda's Invoke API (the local server's, by AWS_ENDPOINT_URL_LAMBDA, which the
// AWS SDK for JavaScript honours). The engine has no .waitForTaskToken, so the two approval states
// are overridden with an approver's decision. Prints one JSON line per run; AslEngineTest (JUnit)
// arranges the runs and asserts on the lines.
// Usage: node asl-check.mjs <definition file, substitutions applied> <run input JSON>...
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

// aws-local-stepfunctions 3.0.0 needs Node 22's Promise.withResolvers; this machine has Node 20.
if (!Promise.withResolvers) {
  Promise.withResolvers = function () {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}
const { StateMachine } = await import("aws-local-stepfunctions");
const validator = createRequire(import.meta.url)("asl-validator");

const [definitionFile, ...inputs] = process.argv.slice(2);
const definition = JSON.parse(readFileSync(definitionFile, "utf8"));
const { isValid, errorsText } = validator(definition);
console.log(JSON.stringify({ validator: isValid, errors: isValid ? "" : errorsText("; ") }));

// The approval states are overridden; their TimeoutSecondsPath goes too, since this engine reads
// it from the Parameters' output where Step Functions reads it from the state's input.
const approvals = ["Approval", "StepApproval"];
(function withoutApprovalTimeouts(node) {
  if (node && typeof node === "object") {
    for (const [name, state] of Object.entries(node.States ?? {})) {
      if (approvals.includes(name)) {
        delete state.TimeoutSecondsPath;
        state.TimeoutSeconds = 60;
      }
    }
    Object.values(node).forEach(withoutApprovalTimeouts);
  }
})(definition);
const approve = async () => ({ decision: "approved" });
const machine = new StateMachine(definition, {
  awsConfig: { region: "us-east-1", credentials: { accessKeys: { accessKeyId: "local", secretAccessKey: "local" } } },
});
for (const input of inputs) {
  const execution = machine.run(JSON.parse(input), {
    overrides: { taskResourceLocalHandlers: { Approval: approve, StepApproval: approve } },
    context: { Task: { Token: "asl-check" } },
  });
  try {
    console.log(JSON.stringify({ status: "SUCCEEDED", output: await execution.result }));
  } catch (failed) {
    console.log(JSON.stringify({ status: "FAILED", error: failed.name, cause: String(failed.message).slice(0, 500) }));
  }
}

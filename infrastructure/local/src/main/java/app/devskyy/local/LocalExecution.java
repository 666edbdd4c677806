package app.devskyy.local;

import app.devskyy.core.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One execution of a Standard state machine, interpreted from its ASL definition (JSONPath): Task
 * (a Lambda ARN, {@code lambda:invoke} and {@code lambda:invoke.waitForTaskToken}), Pass, Choice,
 * inline Map, Succeed and Fail, with {@code Retry} (interval, backoff, maximum attempts, full
 * jitter) and {@code Catch}, and a history of Step Functions' event types. Every task that
 * succeeded is remembered by its place in the run (state, Map iteration, visit), so that a redrive
 * runs again only what did not succeed, as Step Functions' redrive does.
 */
final class LocalExecution {

    enum Status {
        RUNNING,
        SUCCEEDED,
        FAILED,
        TIMED_OUT,
        ABORTED
    }

    /** An error as Step Functions names it: the {@code Error} and the {@code Cause}. */
    static final class StatesError extends Exception {
        final String error;
        final String cause;

        StatesError(String error, String cause) {
            super(error, null, false, false);
            this.error = error;
            this.cause = cause;
        }
    }

    /** The Lambda side: invokes a function by ARN with a payload; a function error is a {@link StatesError}. */
    interface Functions {
        JsonNode invoke(String functionArn, JsonNode payload) throws StatesError;
    }

    /** Task tokens the execution waits on, shared with the engine that receives SendTaskSuccess. */
    interface Tokens {
        CompletableFuture<JsonNode> await(String token);

        void forget(String token);
    }

    private static final class Aborted extends RuntimeException {
        Aborted() {
            super("aborted", null, false, false);
        }
    }

    final String arn;
    final String name;
    final String stateMachineArn;
    final String input;
    final Instant startDate;
    private final JsonNode definition;
    private final Functions functions;
    private final Tokens tokens;
    private final double retryScale;
    private final List<ObjectNode> history = new ArrayList<>();
    private final Map<String, JsonNode> succeeded = new ConcurrentHashMap<>();
    private final List<CompletableFuture<JsonNode>> pending = new ArrayList<>();
    private volatile Status status = Status.RUNNING;
    private volatile boolean aborted;
    private volatile String output;
    private volatile String error;
    private volatile String cause;
    private volatile Instant stopDate;
    private volatile int redriveCount;
    private volatile int largestState;

    LocalExecution(
            String arn,
            String name,
            String stateMachineArn,
            String input,
            JsonNode definition,
            Functions functions,
            Tokens tokens,
            double retryScale) {
        this.arn = arn;
        this.name = name;
        this.stateMachineArn = stateMachineArn;
        this.input = input;
        this.startDate = Instant.now();
        this.definition = definition;
        this.functions = functions;
        this.tokens = tokens;
        this.retryScale = retryScale;
    }

    Status status() {
        return status;
    }

    String output() {
        return output;
    }

    String error() {
        return error;
    }

    String cause() {
        return cause;
    }

    Instant stopDate() {
        return stopDate;
    }

    int redriveCount() {
        return redriveCount;
    }

    /** The largest state (input or output of any state) the execution carried, in characters. */
    int largestState() {
        return largestState;
    }

    synchronized List<ObjectNode> history() {
        return List.copyOf(history);
    }

    /** Runs the execution to its end on the calling thread; {@code redrive} keeps what succeeded. */
    void run(boolean redrive) {
        aborted = false;
        if (redrive) {
            redriveCount++;
            record(
                    "ExecutionRedriven",
                    "executionRedrivenEventDetails",
                    Json.MAPPER.createObjectNode().put("redriveCount", redriveCount));
        } else {
            record(
                    "ExecutionStarted",
                    "executionStartedEventDetails",
                    Json.MAPPER.createObjectNode().put("input", input));
        }
        status = Status.RUNNING;
        stopDate = null;
        try {
            JsonNode result = states(definition, Json.tree(input.getBytes(StandardCharsets.UTF_8)), "");
            output = Json.write(result);
            finish(
                    Status.SUCCEEDED,
                    "ExecutionSucceeded",
                    "executionSucceededEventDetails",
                    Json.MAPPER.createObjectNode().put("output", output));
        } catch (StatesError failed) {
            error = failed.error;
            cause = failed.cause;
            finish(
                    Status.FAILED,
                    "ExecutionFailed",
                    "executionFailedEventDetails",
                    Json.MAPPER.createObjectNode().put("error", failed.error).put("cause", failed.cause));
        } catch (Aborted stopped) {
            finish(
                    Status.ABORTED,
                    "ExecutionAborted",
                    "executionAbortedEventDetails",
                    Json.MAPPER.createObjectNode().put("error", error).put("cause", cause));
        }
    }

    private void finish(Status ending, String type, String detailsName, ObjectNode details) {
        if (status == Status.ABORTED) {
            return;
        }
        record(type, detailsName, details);
        stopDate = Instant.now();
        status = ending;
    }

    /** StopExecution: the execution ends ABORTED; a task in flight finishes, but its result is dropped. */
    synchronized void stop(String error, String cause) {
        this.error = error;
        this.cause = cause;
        aborted = true;
        pending.forEach(w -> w.cancel(true));
        if (status == Status.RUNNING) {
            status = Status.ABORTED;
            stopDate = Instant.now();
            record(
                    "ExecutionAborted",
                    "executionAbortedEventDetails",
                    Json.MAPPER.createObjectNode().put("error", error).put("cause", cause));
        }
    }

    boolean aborted() {
        return aborted;
    }

    // ---- interpretation

    private JsonNode states(JsonNode machine, JsonNode state, String place) throws StatesError {
        JsonNode states = machine.path("States");
        String current = machine.path("StartAt").asString();
        Map<String, Integer> visits = new HashMap<>();
        while (true) {
            checkAborted();
            JsonNode definition = states.get(current);
            if (definition == null) {
                throw new StatesError("States.Runtime", "no state named " + current);
            }
            int visit = visits.merge(current, 1, Integer::sum);
            String key = place + "/" + current + "#" + visit;
            String type = definition.path("Type").asString();
            measure(state);
            record(
                    type + "StateEntered",
                    "stateEnteredEventDetails",
                    Json.MAPPER.createObjectNode().put("name", current).put("input", Json.write(state)));
            JsonNode next;
            try {
                next = switch (type) {
                    case "Task" -> task(current, definition, state, key);
                    case "Map" -> map(current, definition, state, key);
                    case "Pass" -> pass(definition, state);
                    case "Choice" -> state;
                    case "Succeed" ->
                        AslPaths.select(
                                AslPaths.select(state, definition, "InputPath", context(current)),
                                definition,
                                "OutputPath",
                                context(current));
                    case "Fail" ->
                        throw new StatesError(
                                definition.path("Error").asString("States.Fail"),
                                definition.path("Cause").asString(""));
                    default ->
                        throw new StatesError("States.Runtime", "the local engine does not run " + type + " states");
                };
            } catch (StatesError failed) {
                JsonNode catcher = catcher(definition, failed);
                if (catcher == null) {
                    throw failed;
                }
                ObjectNode caught = Json.MAPPER
                        .createObjectNode()
                        .put("Error", failed.error)
                        .put("Cause", failed.cause);
                state = AslPaths.placeResult(state, catcher, caught);
                record(
                        type + "StateExited",
                        "stateExitedEventDetails",
                        Json.MAPPER.createObjectNode().put("name", current).put("output", Json.write(state)));
                current = catcher.path("Next").asString();
                continue;
            } catch (AslPaths.RuntimeFailure runtime) {
                throw new StatesError("States.Runtime", runtime.getMessage());
            }
            measure(next);
            record(
                    type + "StateExited",
                    "stateExitedEventDetails",
                    Json.MAPPER.createObjectNode().put("name", current).put("output", Json.write(next)));
            if (type.equals("Choice")) {
                current = choose(definition, state);
                continue;
            }
            if (type.equals("Succeed") || definition.path("End").asBoolean(false)) {
                return next;
            }
            state = next;
            current = definition.path("Next").asString();
        }
    }

    private JsonNode pass(JsonNode definition, JsonNode state) {
        JsonNode input = AslPaths.select(state, definition, "InputPath", context(null));
        JsonNode result = definition.has("Result")
                ? definition.get("Result")
                : definition.has("Parameters")
                        ? AslPaths.template(definition.get("Parameters"), input, context(null))
                        : input;
        return AslPaths.select(
                AslPaths.placeResult(state, definition, result), definition, "OutputPath", context(null));
    }

    private JsonNode task(String name, JsonNode definition, JsonNode state, String key) throws StatesError {
        JsonNode done = succeeded.get(key);
        if (done != null) {
            return done;
        }
        JsonNode input = AslPaths.select(state, definition, "InputPath", context(name));
        Map<JsonNode, Integer> retries = new HashMap<>();
        int retryCount = 0;
        while (true) {
            checkAborted();
            try {
                JsonNode result = invoke(name, definition, input, retryCount);
                checkAborted();
                if (definition.has("ResultSelector")) {
                    result = AslPaths.template(definition.get("ResultSelector"), result, context(name));
                }
                JsonNode out = AslPaths.select(
                        AslPaths.placeResult(state, definition, result), definition, "OutputPath", context(name));
                succeeded.put(key, out);
                return out;
            } catch (StatesError failed) {
                JsonNode retrier = retrier(definition, failed);
                if (retrier == null) {
                    throw failed;
                }
                int attempts = retries.getOrDefault(retrier, 0);
                if (attempts >= retrier.path("MaxAttempts").asInt(3)) {
                    throw failed;
                }
                retries.put(retrier, attempts + 1);
                retryCount++;
                double seconds = retrier.path("IntervalSeconds").asDouble(1)
                        * Math.pow(retrier.path("BackoffRate").asDouble(2), attempts);
                if (retrier.has("MaxDelaySeconds")) {
                    seconds = Math.min(seconds, retrier.get("MaxDelaySeconds").asDouble());
                }
                if ("FULL".equals(retrier.path("JitterStrategy").asString())) {
                    seconds = ThreadLocalRandom.current().nextDouble() * seconds;
                }
                sleep(Duration.ofMillis((long) (seconds * 1000 * retryScale)));
            }
        }
    }

    private JsonNode invoke(String name, JsonNode definition, JsonNode input, int retryCount) throws StatesError {
        String resource = definition.path("Resource").asString();
        ObjectNode context = context(name);
        context.withObject("State").put("RetryCount", retryCount);
        if (resource.equals("arn:aws:states:::lambda:invoke")
                || resource.equals("arn:aws:states:::lambda:invoke.waitForTaskToken")) {
            boolean waits = resource.endsWith(".waitForTaskToken");
            String token = waits ? UUID.randomUUID().toString() + UUID.randomUUID() : null;
            if (waits) {
                context.putObject("Task").put("Token", token);
            }
            JsonNode parameters = AslPaths.template(definition.path("Parameters"), input, context);
            String function = parameters.path("FunctionName").asString();
            record(
                    "TaskScheduled",
                    "taskScheduledEventDetails",
                    Json.MAPPER
                            .createObjectNode()
                            .put("resourceType", "lambda")
                            .put("resource", waits ? "invoke.waitForTaskToken" : "invoke")
                            .put("parameters", Json.write(parameters)));
            record(
                    "TaskStarted",
                    "taskStartedEventDetails",
                    Json.MAPPER.createObjectNode().put("resourceType", "lambda"));
            if (!waits) {
                JsonNode payload = lambda(function, parameters.path("Payload"), "Task");
                ObjectNode result = Json.MAPPER
                        .createObjectNode()
                        .put("ExecutedVersion", "live")
                        .put("StatusCode", 200);
                result.set("Payload", payload);
                record(
                        "TaskSucceeded",
                        "taskSucceededEventDetails",
                        Json.MAPPER.createObjectNode().put("output", Json.write(result)));
                return result;
            }
            CompletableFuture<JsonNode> decision = tokens.await(token);
            synchronized (this) {
                pending.add(decision);
            }
            try {
                lambda(function, parameters.path("Payload"), "Task");
                record(
                        "TaskSubmitted",
                        "taskSubmittedEventDetails",
                        Json.MAPPER.createObjectNode().put("resourceType", "lambda"));
                long timeout = definition.has("TimeoutSecondsPath")
                        ? AslPaths.read(
                                        input,
                                        context,
                                        definition.get("TimeoutSecondsPath").asString())
                                .asLong()
                        : definition.path("TimeoutSeconds").asLong(365L * 86_400);
                JsonNode output = decision.get(timeout, TimeUnit.SECONDS);
                record(
                        "TaskSucceeded",
                        "taskSucceededEventDetails",
                        Json.MAPPER.createObjectNode().put("output", Json.write(output)));
                return output;
            } catch (TimeoutException late) {
                record(
                        "TaskTimedOut",
                        "taskTimedOutEventDetails",
                        Json.MAPPER.createObjectNode().put("error", "States.Timeout"));
                throw new StatesError("States.Timeout", "the task did not report back within its timeout");
            } catch (ExecutionException failed) {
                if (failed.getCause() instanceof StatesError reported) {
                    record(
                            "TaskFailed",
                            "taskFailedEventDetails",
                            Json.MAPPER
                                    .createObjectNode()
                                    .put("error", reported.error)
                                    .put("cause", reported.cause));
                    throw reported;
                }
                throw new StatesError("States.TaskFailed", "the task failed");
            } catch (InterruptedException | CancellationException stopped) {
                throw new Aborted();
            } finally {
                tokens.forget(token);
                synchronized (this) {
                    pending.remove(decision);
                }
            }
        }
        JsonNode payload =
                definition.has("Parameters") ? AslPaths.template(definition.get("Parameters"), input, context) : input;
        return lambda(resource, payload, "LambdaFunction");
    }

    private JsonNode lambda(String function, JsonNode payload, String eventPrefix) throws StatesError {
        if (eventPrefix.equals("LambdaFunction")) {
            record(
                    "LambdaFunctionScheduled",
                    "lambdaFunctionScheduledEventDetails",
                    Json.MAPPER.createObjectNode().put("resource", function).put("input", Json.write(payload)));
            record("LambdaFunctionStarted", null, null);
        }
        try {
            JsonNode result = functions.invoke(function, payload);
            if (eventPrefix.equals("LambdaFunction")) {
                record(
                        "LambdaFunctionSucceeded",
                        "lambdaFunctionSucceededEventDetails",
                        Json.MAPPER.createObjectNode().put("output", Json.write(result)));
            }
            return result;
        } catch (StatesError failed) {
            record(
                    eventPrefix + "Failed",
                    eventPrefix.equals("Task") ? "taskFailedEventDetails" : "lambdaFunctionFailedEventDetails",
                    Json.MAPPER.createObjectNode().put("error", failed.error).put("cause", failed.cause));
            throw failed;
        }
    }

    private JsonNode map(String name, JsonNode definition, JsonNode state, String key) throws StatesError {
        JsonNode input = AslPaths.select(state, definition, "InputPath", context(name));
        JsonNode items = definition.has("ItemsPath")
                ? AslPaths.read(
                        input, context(name), definition.get("ItemsPath").asString())
                : input;
        if (!items.isArray()) {
            throw new StatesError("States.Runtime", "the Map state's items are not an array");
        }
        int concurrency = definition.has("MaxConcurrencyPath")
                ? AslPaths.read(
                                input,
                                context(name),
                                definition.get("MaxConcurrencyPath").asString())
                        .asInt()
                : definition.path("MaxConcurrency").asInt(0);
        JsonNode processor =
                definition.has("ItemProcessor") ? definition.get("ItemProcessor") : definition.get("Iterator");
        JsonNode selector =
                definition.has("ItemSelector") ? definition.get("ItemSelector") : definition.get("Parameters");
        record(
                "MapStateStarted",
                "mapStateStartedEventDetails",
                Json.MAPPER.createObjectNode().put("length", items.size()));
        JsonNode[] results = new JsonNode[items.size()];
        Semaphore slots = new Semaphore(concurrency <= 0 ? Math.max(1, items.size()) : concurrency);
        AtomicReference<StatesError> firstFailure = new AtomicReference<>();
        AtomicReference<RuntimeException> firstCrash = new AtomicReference<>();
        List<Thread> iterations = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            int index = i;
            try {
                slots.acquire();
            } catch (InterruptedException interrupted) {
                throw new Aborted();
            }
            if (firstFailure.get() != null || firstCrash.get() != null || aborted) {
                slots.release();
                break;
            }
            iterations.add(Thread.ofVirtual().start(() -> {
                try {
                    String place = key + "[" + index + "]";
                    JsonNode done = succeeded.get(place);
                    if (done == null) {
                        ObjectNode context = context(name);
                        context.putObject("Map")
                                .putObject("Item")
                                .put("Index", index)
                                .set("Value", items.get(index));
                        JsonNode itemInput =
                                selector == null ? items.get(index) : AslPaths.template(selector, input, context);
                        record(
                                "MapIterationStarted",
                                "mapIterationStartedEventDetails",
                                Json.MAPPER.createObjectNode().put("name", name).put("index", index));
                        done = states(processor, itemInput, place);
                        succeeded.put(place, done);
                        record(
                                "MapIterationSucceeded",
                                "mapIterationSucceededEventDetails",
                                Json.MAPPER.createObjectNode().put("name", name).put("index", index));
                    }
                    results[index] = done;
                } catch (StatesError failed) {
                    record(
                            "MapIterationFailed",
                            "mapIterationFailedEventDetails",
                            Json.MAPPER.createObjectNode().put("name", name).put("index", index));
                    firstFailure.compareAndSet(null, failed);
                } catch (RuntimeException crashed) {
                    firstCrash.compareAndSet(null, crashed);
                } finally {
                    slots.release();
                }
            }));
        }
        for (Thread iteration : iterations) {
            try {
                iteration.join();
            } catch (InterruptedException interrupted) {
                throw new Aborted();
            }
        }
        if (firstCrash.get() != null) {
            throw firstCrash.get();
        }
        if (firstFailure.get() != null) {
            record("MapStateFailed", null, null);
            throw firstFailure.get();
        }
        record("MapStateSucceeded", null, null);
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (JsonNode result : results) {
            array.add(result);
        }
        JsonNode result = definition.has("ResultSelector")
                ? AslPaths.template(definition.get("ResultSelector"), array, context(name))
                : array;
        return AslPaths.select(
                AslPaths.placeResult(state, definition, result), definition, "OutputPath", context(name));
    }

    private String choose(JsonNode definition, JsonNode state) throws StatesError {
        for (JsonNode rule : definition.path("Choices")) {
            if (matches(rule, state)) {
                return rule.path("Next").asString();
            }
        }
        if (definition.has("Default")) {
            return definition.get("Default").asString();
        }
        throw new StatesError("States.NoChoiceMatched", "no choice rule matched and the state has no Default");
    }

    private boolean matches(JsonNode rule, JsonNode state) throws StatesError {
        if (rule.has("And")) {
            for (JsonNode r : rule.get("And")) {
                if (!matches(r, state)) {
                    return false;
                }
            }
            return true;
        }
        if (rule.has("Or")) {
            for (JsonNode r : rule.get("Or")) {
                if (matches(r, state)) {
                    return true;
                }
            }
            return false;
        }
        if (rule.has("Not")) {
            return !matches(rule.get("Not"), state);
        }
        String variable = rule.path("Variable").asString();
        JsonNode value;
        try {
            value = AslPaths.read(state, context(null), variable);
        } catch (AslPaths.RuntimeFailure absent) {
            if (rule.has("IsPresent")) {
                return !rule.get("IsPresent").asBoolean();
            }
            throw new StatesError("States.Runtime", absent.getMessage());
        }
        if (rule.has("IsPresent")) {
            return rule.get("IsPresent").asBoolean();
        }
        if (rule.has("StringEquals")) {
            return value.isString()
                    && value.asString().equals(rule.get("StringEquals").asString());
        }
        if (rule.has("BooleanEquals")) {
            return value.isBoolean()
                    && value.asBoolean() == rule.get("BooleanEquals").asBoolean();
        }
        if (rule.has("NumericEquals")) {
            return value.isNumber()
                    && value.asDouble() == rule.get("NumericEquals").asDouble();
        }
        if (rule.has("NumericGreaterThan")) {
            return value.isNumber()
                    && value.asDouble() > rule.get("NumericGreaterThan").asDouble();
        }
        if (rule.has("NumericLessThan")) {
            return value.isNumber()
                    && value.asDouble() < rule.get("NumericLessThan").asDouble();
        }
        if (rule.has("IsNull")) {
            return value.isNull() == rule.get("IsNull").asBoolean();
        }
        throw new StatesError("States.Runtime", "the local engine does not evaluate this choice rule");
    }

    private static JsonNode retrier(JsonNode definition, StatesError failed) {
        for (JsonNode retrier : definition.path("Retry")) {
            if (names(retrier, failed)) {
                return retrier;
            }
        }
        return null;
    }

    private static JsonNode catcher(JsonNode definition, StatesError failed) {
        for (JsonNode catcher : definition.path("Catch")) {
            if (names(catcher, failed)) {
                return catcher;
            }
        }
        return null;
    }

    private static boolean names(JsonNode rule, StatesError failed) {
        for (JsonNode name : rule.path("ErrorEquals")) {
            String n = name.asString();
            if (n.equals(failed.error)
                    || n.equals("States.ALL")
                    || (n.equals("States.TaskFailed") && !failed.error.equals("States.Timeout"))) {
                return true;
            }
        }
        return false;
    }

    private ObjectNode context(String stateName) {
        ObjectNode context = Json.MAPPER.createObjectNode();
        context.putObject("Execution")
                .put("Id", arn)
                .put("Name", name)
                .put("StartTime", startDate.toString())
                .put("RedriveCount", redriveCount)
                .set("Input", Json.tree(input.getBytes(StandardCharsets.UTF_8)));
        context.putObject("StateMachine").put("Id", stateMachineArn);
        if (stateName != null) {
            context.putObject("State")
                    .put("Name", stateName)
                    .put("EnteredTime", Instant.now().toString())
                    .put("RetryCount", 0);
        }
        return context;
    }

    private void measure(JsonNode state) {
        int size = Json.write(state).length();
        if (size > largestState) {
            largestState = size;
        }
    }

    private void checkAborted() {
        if (aborted) {
            throw new Aborted();
        }
    }

    private void sleep(Duration wait) {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException interrupted) {
            throw new Aborted();
        }
    }

    private synchronized void record(String type, String detailsName, ObjectNode details) {
        ObjectNode event = Json.MAPPER
                .createObjectNode()
                .put("timestamp", Instant.now().toEpochMilli() / 1000.0)
                .put("type", type)
                .put("id", history.size() + 1)
                .put("previousEventId", history.size());
        if (detailsName != null && details != null) {
            event.set(detailsName, details);
        }
        history.add(event);
    }
}

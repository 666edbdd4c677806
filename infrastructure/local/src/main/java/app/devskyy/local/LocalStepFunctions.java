package app.devskyy.local;

import app.devskyy.core.Json;
import app.devskyy.local.AwsJsonProtocol.Refused;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The template's Step Functions state machines, locally: the subset of Step Functions' JSON
 * protocol the functions use ({@code StartExecution}, {@code DescribeExecution},
 * {@code StopExecution}, {@code SendTaskSuccess}, {@code SendTaskFailure},
 * {@code GetExecutionHistory}, {@code RedriveExecution}, at {@code /_aws/sfn}), each execution
 * interpreted from the very ASL file the template names ({@code DefinitionUri}, with its
 * {@code DefinitionSubstitutions}: a function's {@code live} alias becomes that function's ARN),
 * its tasks invoked as Lambda invokes them. Executions that end failed, timed out or aborted are
 * delivered as EventBridge's "Step Functions Execution Status Change" event to the functions whose
 * {@code EventBridgeRule} asks for them. Executions live in memory: a restart forgets them.
 */
public final class LocalStepFunctions implements HttpHandler {

    static final String PATH = "/_aws/sfn";
    static final String REGION = "us-east-1";
    static final String ACCOUNT = "000000000000";

    private static final Logger LOG = LoggerFactory.getLogger(LocalStepFunctions.class);

    private record Listener(String functionId, List<String> statuses) {}

    private final Map<String, JsonNode> machines = new LinkedHashMap<>();
    private final Map<String, LocalExecution> executions = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<JsonNode>> tokens = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new ArrayList<>();
    private final LocalLambda lambda;
    private final double retryScale;

    LocalStepFunctions(
            SamTemplate template, Path templateFile, LocalValues values, LocalLambda lambda, double retryScale) {
        this.lambda = lambda;
        this.retryScale = retryScale;
        template.resources("AWS::Serverless::StateMachine").forEach((id, properties) -> {
            try {
                String text = Files.readString(templateFile.resolveSibling(
                        properties.path("DefinitionUri").asString()));
                for (var substitution :
                        properties.path("DefinitionSubstitutions").properties()) {
                    text = text.replace("${" + substitution.getKey() + "}", values.string(substitution.getValue()));
                }
                machines.put(id, Json.tree(text.getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        template.resources("AWS::Serverless::Function")
                .forEach((id, properties) -> properties
                        .path("Events")
                        .properties()
                        .forEach(event -> {
                            JsonNode pattern =
                                    event.getValue().path("Properties").path("Pattern");
                            if ("EventBridgeRule"
                                            .equals(event.getValue()
                                                    .path("Type")
                                                    .asString())
                                    && pattern.path("source").toString().contains("aws.states")) {
                                List<String> statuses = new ArrayList<>();
                                pattern.path("detail").path("status").forEach(s -> statuses.add(s.asString()));
                                listeners.add(new Listener(id, statuses));
                            }
                        }));
    }

    static String machineArn(String id) {
        return "arn:aws:states:" + REGION + ":" + ACCOUNT + ":stateMachine:" + id;
    }

    /** The state machines' definitions as the local engine runs them (substitutions applied). */
    public Map<String, JsonNode> definitions() {
        return Map.copyOf(machines);
    }

    /** An execution, for tests that read its history or the largest state it carried. */
    Optional<LocalExecution> execution(String arn) {
        return Optional.ofNullable(executions.get(arn));
    }

    // ---- the protocol

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        AwsJsonProtocol.serve(
                exchange,
                "application/x-amz-json-1.0",
                "com.amazonaws.swf.service.v2.model#",
                (operation, request) -> switch (operation) {
                    case "StartExecution" -> start(request);
                    case "DescribeExecution" -> describe(find(request));
                    case "StopExecution" -> stop(find(request), request);
                    case "SendTaskSuccess" -> decide(request, null);
                    case "SendTaskFailure" ->
                        decide(
                                request,
                                new LocalExecution.StatesError(
                                        request.path("error").asString(""),
                                        request.path("cause").asString("")));
                    case "GetExecutionHistory" -> history(find(request), request);
                    case "RedriveExecution" -> redrive(find(request));
                    default ->
                        throw new Refused(
                                "UnknownOperationException",
                                "The local Step Functions does not serve " + operation + ".");
                });
    }

    private ObjectNode start(JsonNode request) throws Refused {
        String machineArn = request.path("stateMachineArn").asString();
        String machineId = machineArn.substring(machineArn.lastIndexOf(':') + 1);
        JsonNode definition = machines.get(machineId);
        if (definition == null) {
            throw new Refused("StateMachineDoesNotExist", "State machine does not exist: " + machineArn);
        }
        String name = request.path("name").asString(UUID.randomUUID().toString());
        String input = request.path("input").asString("{}");
        String arn = "arn:aws:states:" + REGION + ":" + ACCOUNT + ":execution:" + machineId + ":" + name;
        LocalExecution created = new LocalExecution(
                arn, name, machineArn(machineId), input, definition, this::invoke, tokenBook(), retryScale);
        LocalExecution existing = executions.putIfAbsent(arn, created);
        if (existing != null) {
            // Step Functions' idempotency: the same name and input is the same execution.
            if (!existing.input.equals(input) || existing.status() != LocalExecution.Status.RUNNING) {
                throw new Refused("ExecutionAlreadyExists", "Execution already exists: " + arn);
            }
            return Json.MAPPER
                    .createObjectNode()
                    .put("executionArn", arn)
                    .put("startDate", seconds(existing.startDate));
        }
        launch(created, false);
        return Json.MAPPER.createObjectNode().put("executionArn", arn).put("startDate", seconds(created.startDate));
    }

    private void launch(LocalExecution execution, boolean redrive) {
        Thread.ofVirtual().name("sfn-" + execution.name).start(() -> {
            execution.run(redrive);
            LOG.info("execution {} ended {}", execution.name, execution.status());
            notifyListeners(execution);
        });
    }

    private LocalExecution find(JsonNode request) throws Refused {
        String arn = request.path("executionArn").asString();
        LocalExecution execution = executions.get(arn);
        if (execution == null) {
            throw new Refused("ExecutionDoesNotExist", "Execution does not exist: " + arn);
        }
        return execution;
    }

    private static ObjectNode describe(LocalExecution execution) {
        ObjectNode answer = Json.MAPPER
                .createObjectNode()
                .put("executionArn", execution.arn)
                .put("stateMachineArn", execution.stateMachineArn)
                .put("name", execution.name)
                .put("status", execution.status().name())
                .put("startDate", seconds(execution.startDate))
                .put("input", execution.input)
                .put("redriveCount", execution.redriveCount());
        if (execution.stopDate() != null) {
            answer.put("stopDate", seconds(execution.stopDate()));
        }
        if (execution.output() != null && execution.status() == LocalExecution.Status.SUCCEEDED) {
            answer.put("output", execution.output());
        }
        if (execution.error() != null) {
            answer.put("error", execution.error()).put("cause", execution.cause());
        }
        return answer;
    }

    private ObjectNode stop(LocalExecution execution, JsonNode request) throws Refused {
        if (execution.status() != LocalExecution.Status.RUNNING) {
            throw new Refused("ValidationException", "Execution is not running: " + execution.arn);
        }
        execution.stop(
                request.path("error").asString(null), request.path("cause").asString(null));
        return Json.MAPPER.createObjectNode().put("stopDate", seconds(Instant.now()));
    }

    private ObjectNode decide(JsonNode request, LocalExecution.StatesError failure) throws Refused {
        String token = request.path("taskToken").asString();
        CompletableFuture<JsonNode> waiting = tokens.remove(token);
        if (waiting == null || waiting.isDone()) {
            throw new Refused("TaskDoesNotExist", "Task does not exist anymore");
        }
        if (failure == null) {
            waiting.complete(Json.tree(request.path("output").asString("{}").getBytes(StandardCharsets.UTF_8)));
        } else {
            waiting.completeExceptionally(failure);
        }
        return Json.MAPPER.createObjectNode();
    }

    private static ObjectNode history(LocalExecution execution, JsonNode request) {
        List<ObjectNode> events = new ArrayList<>(execution.history());
        if (request.path("reverseOrder").asBoolean(false)) {
            events = events.reversed();
        }
        int from = request.path("nextToken").asString("").matches("\\d{1,9}")
                ? Integer.parseInt(request.get("nextToken").asString())
                : 0;
        int size = Math.min(1000, Math.max(1, request.path("maxResults").asInt(100)));
        ObjectNode answer = Json.MAPPER.createObjectNode();
        ArrayNode page = answer.putArray("events");
        for (int i = from; i < Math.min(events.size(), from + size); i++) {
            page.add(events.get(i));
        }
        if (from + size < events.size()) {
            answer.put("nextToken", Integer.toString(from + size));
        }
        return answer;
    }

    private ObjectNode redrive(LocalExecution execution) throws Refused {
        if (execution.status() == LocalExecution.Status.RUNNING
                || execution.status() == LocalExecution.Status.SUCCEEDED) {
            throw new Refused("ExecutionNotRedrivable", "Execution is " + execution.status() + ": " + execution.arn);
        }
        launch(execution, true);
        return Json.MAPPER.createObjectNode().put("redriveDate", seconds(Instant.now()));
    }

    // ---- the engine's sides

    private JsonNode invoke(String functionArn, JsonNode payload) throws LocalExecution.StatesError {
        if (!lambda.exists(functionArn)) {
            throw new LocalExecution.StatesError(
                    "Lambda.ResourceNotFoundException", "Function not found: " + functionArn);
        }
        try {
            return Json.tree(lambda.invoke(functionArn, Json.writeBytes(payload)));
        } catch (LocalLambda.FunctionError failed) {
            throw new LocalExecution.StatesError(failed.errorType, failed.payload());
        }
    }

    private LocalExecution.Tokens tokenBook() {
        return new LocalExecution.Tokens() {
            @Override
            public CompletableFuture<JsonNode> await(String token) {
                CompletableFuture<JsonNode> decision = new CompletableFuture<>();
                tokens.put(token, decision);
                return decision;
            }

            @Override
            public void forget(String token) {
                tokens.remove(token);
            }
        };
    }

    private void notifyListeners(LocalExecution execution) {
        String status = execution.status().name();
        for (Listener listener : listeners) {
            if (!listener.statuses().isEmpty() && !listener.statuses().contains(status)) {
                continue;
            }
            ObjectNode event = Json.MAPPER
                    .createObjectNode()
                    .put("version", "0")
                    .put("id", UUID.randomUUID().toString())
                    .put("detail-type", "Step Functions Execution Status Change")
                    .put("source", "aws.states")
                    .put("account", ACCOUNT)
                    .put("time", Instant.now().toString())
                    .put("region", REGION);
            event.putArray("resources").add(execution.arn);
            ObjectNode detail = event.putObject("detail")
                    .put("executionArn", execution.arn)
                    .put("stateMachineArn", execution.stateMachineArn)
                    .put("name", execution.name)
                    .put("status", status)
                    .put("startDate", execution.startDate.toEpochMilli())
                    .put("input", execution.input);
            if (execution.stopDate() != null) {
                detail.put("stopDate", execution.stopDate().toEpochMilli());
            }
            detail.put("error", execution.error()).put("cause", execution.cause());
            try {
                lambda.invoke(listener.functionId(), Json.writeBytes(event));
            } catch (LocalLambda.FunctionError failed) {
                LOG.warn(
                        "{} failed on the status change of {}: {}",
                        listener.functionId(),
                        execution.name,
                        failed.errorType);
            }
        }
    }

    private static double seconds(Instant instant) {
        return instant.toEpochMilli() / 1000.0;
    }
}

package app.devskyy.agents;

import app.devskyy.agents.tools.ToolRegistry;
import app.devskyy.agents.tools.Toolbox;
import app.devskyy.core.Json;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.auth.Role;
import app.devskyy.core.aws.Outages;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.BodySchema;
import app.devskyy.llm.metering.Caller;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The agents' MCP server: tools to list agents, start a run (asynchronous: it answers the run's id,
 * since a gateway request cannot wait for a run), get a run, decide a pending approval, and the
 * tool registry's read-only tools; a run's result as a resource
 * ({@code devskyy://workspaces/{workspaceId}/runs/{runId}/result}). Every tool takes an optional
 * {@code workspaceId} (required when the credential reaches more than one workspace); input
 * schemas come from the same documents the HTTP routes and the registry use. A refusal (no such
 * run, a missing role, a budget spent) is a tool result with {@code isError}, never a protocol error.
 */
final class McpTools {

    static final String SERVER_NAME = "devskyy-agents";
    static final String RESULT_URI = "devskyy://workspaces/{workspaceId}/runs/{runId}/result";
    private static final Pattern RESULT =
            Pattern.compile("devskyy://workspaces/([A-Za-z0-9_-]{1,64})/runs/([A-Za-z0-9_-]{1,64})/result");

    private static final BodySchema START = BodySchema.load(McpTools.class, "start-run");
    private static final BodySchema APPROVAL = BodySchema.load(McpTools.class, "approval");
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

    private final AgentCatalogue catalogue;
    private final Runs runs;
    private final RunStore store;
    private final Toolbox toolbox;
    private final McpJsonMapper mapper = McpJsonDefaults.getMapper();

    McpTools(AgentCatalogue catalogue, Runs runs, RunStore store, Toolbox toolbox) {
        this.catalogue = catalogue;
        this.runs = runs;
        this.store = store;
        this.toolbox = toolbox;
    }

    /**
     * Builds the SDK's stateless server with these tools and answers the transport it listens on,
     * which the route hands each request to; built once per cold start.
     */
    McpEndpoint server(String version) {
        McpEndpoint endpoint = new McpEndpoint(mapper);
        McpServer.sync(endpoint)
                .serverInfo(SERVER_NAME, version)
                .instructions("DevSkyy agents: start a run with runs.start, poll runs.get until its status is"
                        + " succeeded, failed or cancelled (or awaiting_approval: decide with runs.decide), then read"
                        + " the result resource.")
                .capabilities(McpSchema.ServerCapabilities.builder()
                        .tools(false)
                        .resources(false, false)
                        .build())
                .tools(tools())
                .resourceTemplates(List.of(resultResource()))
                .build();
        return endpoint;
    }

    private List<SyncToolSpecification> tools() {
        List<SyncToolSpecification> tools = new ArrayList<>();
        tools.add(tool(
                "agents.list",
                "List agents",
                "The workspace's agents: name, purpose, tools.",
                object(),
                Role.READ_ONLY,
                (caller, args) -> Json.MAPPER.valueToTree(Map.of(
                        "agents",
                        catalogue.all().stream()
                                .map(a -> Map.of(
                                        "name",
                                        a.name(),
                                        "title",
                                        a.title(),
                                        "purpose",
                                        a.purpose(),
                                        "tools",
                                        a.tools()))
                                .toList()))));
        ObjectNode start = (ObjectNode) START.document().deepCopy();
        start.remove("$schema");
        ((ObjectNode) start.path("properties"))
                .putObject("idempotencyKey")
                .put("type", "string")
                .put("pattern", "^[\\x21-\\x7E]{1,255}$")
                .put("description", "the same key starts at most one run in 24 hours");
        tools.add(tool(
                "runs.start",
                "Start an agent run",
                "Starts a run and answers its id at once; poll runs.get for its progress.",
                start,
                Role.API_USER,
                (caller, args) -> {
                    Optional<String> key =
                            Optional.ofNullable(args.remove("idempotencyKey")).map(JsonNode::asString);
                    if (!START.accepts(args)) {
                        throw ApiProblem.badRequest("The arguments do not satisfy the start-run schema.");
                    }
                    AgentItems.Run run = runs.start(
                                    caller, args, Json.write(args).getBytes(StandardCharsets.UTF_8), key)
                            .run();
                    return Json.MAPPER
                            .createObjectNode()
                            .put("runId", run.runId())
                            .put("status", run.status())
                            .put("resultUri", resultUri(run));
                }));
        ObjectNode getRun = object();
        getRun.putArray("required").add("runId");
        ((ObjectNode) getRun.path("properties")).set("runId", runIdSchema());
        tools.add(tool(
                "runs.get",
                "Get a run",
                "A run: status, plan, steps with their tool calls, usage, the pending approval, result and citations.",
                getRun,
                Role.READ_ONLY,
                (caller, args) -> {
                    AgentItems.Run run = runs.require(
                            caller.workspaceId(), args.path("runId").asString());
                    return Json.MAPPER.valueToTree(RunViews.of(run, store.steps(run.runId())));
                }));
        ObjectNode decide = (ObjectNode) APPROVAL.document().deepCopy();
        decide.remove("$schema");
        ((ObjectNode) decide.path("properties")).set("runId", runIdSchema());
        ((ArrayNode) decide.path("required")).add("runId");
        tools.add(tool(
                "runs.decide",
                "Approve or reject a pending step",
                "Decides the approval a run awaits (approve, optionally with instructions, or reject with a reason);"
                        + " the run's approver role is needed.",
                decide,
                Role.API_USER,
                (caller, args) -> {
                    String runId = args.remove("runId").asString();
                    AgentItems.Run run = runs.decide(caller, runId, args);
                    return Json.MAPPER.valueToTree(RunViews.of(run, store.steps(run.runId())));
                }));
        for (ToolRegistry.Spec spec : toolbox.registry().all()) {
            if (spec.sideEffecting()) {
                // Side effects happen only inside a run, after its approval.
                continue;
            }
            ObjectNode schema = (ObjectNode) spec.inputSchema().deepCopy();
            tools.add(tool(spec.name(), spec.title(), spec.description(), schema, Role.READ_ONLY, (caller, args) -> {
                Toolbox.Result result = toolbox.call(spec, caller, null, null, args);
                if (!result.ok()) {
                    throw ApiProblem.of(422, result.status(), "Tool call failed", result.error());
                }
                return result.output();
            }));
        }
        return tools;
    }

    private static ObjectNode object() {
        ObjectNode schema = Json.MAPPER.createObjectNode().put("type", "object").put("additionalProperties", false);
        schema.putObject("properties");
        return schema;
    }

    private static ObjectNode runIdSchema() {
        return Json.MAPPER.createObjectNode().put("type", "string").put("pattern", "^run_[a-f0-9]{28}$");
    }

    private static String resultUri(AgentItems.Run run) {
        return "devskyy://workspaces/" + run.workspaceId() + "/runs/" + run.runId() + "/result";
    }

    /** A tool: its schema with {@code workspaceId} added, its work as a function of the caller and the arguments. */
    private SyncToolSpecification tool(
            String name,
            String title,
            String description,
            ObjectNode schema,
            Role required,
            BiFunction<Caller, ObjectNode, JsonNode> work) {
        ((ObjectNode) schema.path("properties"))
                .putObject("workspaceId")
                .put("type", "string")
                .put("pattern", "^[A-Za-z0-9_-]{1,64}$")
                .put("description", "the workspace; optional when the credential reaches only one");
        Map<String, Object> inputSchema = Json.MAPPER.convertValue(schema, OBJECT);
        return new SyncToolSpecification(
                McpSchema.Tool.builder(name, inputSchema)
                        .title(title)
                        .description(description)
                        .build(),
                (context, request) -> {
                    try {
                        ObjectNode args = request.arguments() == null
                                ? Json.MAPPER.createObjectNode()
                                : (ObjectNode) Json.MAPPER.valueToTree(request.arguments());
                        JsonNode workspace = args.remove("workspaceId");
                        Caller caller = Caller.named(
                                principal(context),
                                Optional.ofNullable(workspace).map(JsonNode::asString),
                                "the workspaceId argument",
                                required);
                        JsonNode output = work.apply(caller, args);
                        return McpSchema.CallToolResult.builder()
                                .addContent(new McpSchema.TextContent(Json.write(output)))
                                .structuredContent(Json.MAPPER.convertValue(output, OBJECT))
                                .isError(false)
                                .build();
                    } catch (ApiProblem refused) {
                        return failed(refused.slug() + ": " + refused.detail());
                    } catch (RuntimeException broken) {
                        if (!Outages.isOutage(broken)) {
                            throw broken;
                        }
                        // What HTTP answers with 503 and Retry-After, a tool answers as a result to retry.
                        return failed("service-unavailable: a dependency is down; retry in a few seconds");
                    }
                });
    }

    private static McpSchema.CallToolResult failed(String text) {
        return McpSchema.CallToolResult.builder()
                .addContent(new McpSchema.TextContent(text))
                .isError(true)
                .build();
    }

    private SyncResourceTemplateSpecification resultResource() {
        return new SyncResourceTemplateSpecification(
                McpSchema.ResourceTemplate.builder()
                        .uriTemplate(RESULT_URI)
                        .name("run-result")
                        .title("A run's result")
                        .description("The final result of a succeeded run, as JSON, with its citations.")
                        .mimeType("application/json")
                        .build(),
                (context, request) -> {
                    Matcher uri = RESULT.matcher(request.uri());
                    if (!uri.matches()) {
                        throw new IllegalArgumentException("not a run result URI");
                    }
                    Caller caller =
                            Caller.named(principal(context), Optional.of(uri.group(1)), "the URI", Role.READ_ONLY);
                    AgentItems.Run run = runs.require(caller.workspaceId(), uri.group(2));
                    ObjectNode body = Json.MAPPER
                            .createObjectNode()
                            .put("runId", run.runId())
                            .put("status", run.status());
                    RunViews.Run view = RunViews.of(run, List.of());
                    body.set("result", view.result());
                    body.set("citations", view.citations());
                    return new McpSchema.ReadResourceResult(List.of(
                            new McpSchema.TextResourceContents(request.uri(), "application/json", Json.write(body))));
                });
    }

    private static Principal principal(McpTransportContext context) {
        return (Principal) context.get(McpEndpoint.PRINCIPAL);
    }
}

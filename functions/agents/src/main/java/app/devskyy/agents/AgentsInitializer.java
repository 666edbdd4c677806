package app.devskyy.agents;

import app.devskyy.agents.knowledge.KnowledgeBase;
import app.devskyy.agents.knowledge.KnowledgeRoutes;
import app.devskyy.agents.tools.ToolRegistry;
import app.devskyy.agents.tools.ToolRoutes;
import app.devskyy.agents.tools.ToolSetup;
import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.SessionTable;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.billing.Entitlements;
import app.devskyy.core.config.Config;
import app.devskyy.core.events.FunctionCatalog;
import app.devskyy.core.events.FunctionFamily;
import app.devskyy.core.http.HttpApiFunction;
import app.devskyy.core.http.ProblemFormat;
import app.devskyy.core.http.Router;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.core.privacy.PrivacyTask;
import app.devskyy.core.snapstart.Priming;
import app.devskyy.core.snapstart.PrimingEvents;
import app.devskyy.llm.metering.Budgets;
import app.devskyy.llm.metering.LlmServices;
import app.devskyy.llm.metering.Money;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Builds the agents family: the runs API ({@code agents}, HTTP), the state machine's task
 * functions ({@code agentPlan}, {@code agentRetrieve}, {@code agentExecute}, {@code agentValidate},
 * {@code agentApproval}, {@code agentEmit}, {@code agentFinish}) and the listener of executions that
 * end outside the state machine's own paths ({@code agentExecutionEnded}). One module backs every
 * Lambda; each builds only the function its {@code SPRING_CLOUD_FUNCTION_DEFINITION} names.
 */
public class AgentsInitializer implements FunctionFamily {

    public static final String API = "agents";

    /** Run requests hold a goal, inputs and at most a 100-step plan. */
    static final long MAX_BODY_BYTES = 256 * 1024;

    @Override
    public FunctionCatalog catalog() {
        return FunctionCatalog.of()
                .with(API, AgentsInitializer::api)
                .with("agentPlan", config -> {
                    Parts p = Parts.of(config);
                    return new PlanStep(p.store(), p.catalogue(), p.model(), p.telemetry(), p.clock());
                })
                .with("agentRetrieve", config -> {
                    Parts p = Parts.of(config);
                    return new RetrieveStep(p.store(), p.knowledge(), p.telemetry(), p.clock());
                })
                .with("agentExecute", config -> {
                    Parts p = Parts.of(config);
                    return new ExecuteStep(
                            p.store(), p.catalogue(), p.model(), p.tools(config).toolbox(), p.telemetry(), p.clock());
                })
                .with("agentValidate", config -> {
                    Parts p = Parts.of(config);
                    return new ValidateStep(
                            p.store(),
                            p.catalogue(),
                            p.model(),
                            config.integer("AGENT_MAX_REVISIONS", 2),
                            p.telemetry(),
                            p.clock());
                })
                .with("agentApproval", config -> {
                    Parts p = Parts.withoutModel(config);
                    return new ApprovalStep(p.store(), p.telemetry(), p.clock());
                })
                .with("agentEmit", config -> {
                    Parts p = Parts.of(config);
                    return new EmitStep(p.store(), p.catalogue(), p.model(), p.budget(), p.telemetry(), p.clock());
                })
                .with("agentFinish", config -> {
                    Parts p = Parts.withoutModel(config);
                    return new FinishStep(p.store(), p.budget(), p.telemetry(), p.clock());
                })
                .with("agentExecutionEnded", config -> {
                    Parts p = Parts.withoutModel(config);
                    return new ExecutionEndedListener(p.store(), p.budget(), p.telemetry(), p.clock());
                })
                .with("agentsPrivacy", config -> {
                    // The table goes through the registry; the vectors of the person's own workspaces, through the
                    // knowledge base.
                    KnowledgeBase knowledge = Parts.of(config).knowledge();
                    return PrivacyTask.fromConfig(
                            "agents",
                            AgentPersonalData.ITEMS,
                            config,
                            subject -> subject.ownWorkspaces().forEach(knowledge::deleteAll));
                });
    }

    private record Parts(
            AwsClients aws,
            DynamoDbClient dynamoDb,
            DynamoTables tables,
            RunStore store,
            AgentCatalogue catalogue,
            LlmServices llm,
            RunBudget budget,
            AgentModel model,
            KnowledgeBase knowledge,
            Entitlements entitlements,
            Telemetry telemetry,
            Clock clock) {

        /** The tools and integrations: built only by the functions that call tools (the key is decrypted for them alone). */
        ToolSetup.Parts tools(Config config) {
            return ToolSetup.fromConfig(config, aws, tables, llm, knowledge, clock);
        }

        /** The parts of a function that calls no model (the LLM gateway is not built). */
        static Parts withoutModel(Config config) {
            return of(config, false);
        }

        static Parts of(Config config) {
            return of(config, true);
        }

        private static Parts of(Config config, boolean callsModels) {
            AwsClients aws = new AwsClients(config);
            DynamoDbClient dynamoDb = aws.dynamoDb();
            // One Enhanced Client over the function's one DynamoDB client, shared by every store.
            DynamoTables tables = new DynamoTables(dynamoDb);
            Clock clock = Clock.systemUTC();
            RunStore store = new RunStore(
                    dynamoDb,
                    tables,
                    config.required("AGENTS_TABLE", "AgentsTable"),
                    Duration.ofDays(config.integer("AGENT_RUN_RETENTION_DAYS", 90)),
                    clock);
            // One view of the plan's limits per function: budgets, run counts and knowledge storage read it.
            Entitlements entitlements = Entitlements.fromConfig(config, tables, clock);
            LlmServices llm =
                    callsModels ? LlmServices.fromConfig(config, aws, dynamoDb, tables, entitlements, clock) : null;
            RunBudget budget = new RunBudget(
                    llm != null
                            ? llm.budgets()
                            : new Budgets(
                                    dynamoDb, tables, config.required("LLM_TABLE", "LlmTable"), entitlements, clock),
                    store);
            KnowledgeBase knowledge = llm == null
                    ? null
                    : KnowledgeBase.fromConfig(
                            config, aws, dynamoDb, tables, llm.meter(), llm.routing(), entitlements, clock);
            return new Parts(
                    aws,
                    dynamoDb,
                    tables,
                    store,
                    AgentCatalogue.bundled(ToolRegistry.bundled()),
                    llm,
                    budget,
                    llm == null ? null : new AgentModel(llm.meter(), llm.routing(), store, budget),
                    knowledge,
                    entitlements,
                    new Telemetry(config),
                    clock);
        }
    }

    static HttpApiFunction api(Config config) {
        Parts p = Parts.of(config);
        Executions executions = new StepFunctionsExecutions(
                p.aws().configure(SfnClient.builder(), "SFN").build(),
                config.required("AGENT_STATE_MACHINE_ARN", "AgentRunStateMachine"));
        Runs runs = new Runs(
                p.store(),
                p.budget(),
                p.catalogue(),
                executions,
                p.llm().routing(),
                p.llm().gateway()::reachableProviders,
                new Runs.Defaults(
                        config.integer("AGENT_DEFAULT_MAX_STEPS", 20),
                        config.integer("AGENT_DEFAULT_MAX_WALL_SECONDS", 3600),
                        Money.micros(Double.parseDouble(config.string("AGENT_DEFAULT_COST_CAP_USD", "1.00"))),
                        config.integer("AGENT_APPROVAL_TIMEOUT_SECONDS", 86_400),
                        config.integer("AGENT_RUN_RETENTION_DAYS", 90)),
                p.entitlements(),
                p.llm().consents(),
                p.clock());
        Authenticator authenticator = SessionTable.authenticator(config, p.dynamoDb(), p.tables());
        Router.Builder routes =
                new AgentRoutes(p.catalogue(), runs, p.store(), authenticator, p.clock()).addTo(Router.builder());
        new KnowledgeRoutes(p.knowledge(), authenticator).addTo(routes);
        ToolSetup.Parts tools = p.tools(config);
        new ToolRoutes(tools.toolbox().registry(), tools.integrations(), tools.http(), authenticator).addTo(routes);
        McpEndpoint mcp = new McpTools(p.catalogue(), runs, p.store(), tools.toolbox())
                .server(config.string("DEVSKYY_VERSION", "0.1.0"));
        new McpRoutes(mcp, authenticator, config.required("AUTH_ISSUER", "http://localhost:3000")).addTo(routes);
        HttpApiFunction function =
                new HttpApiFunction(routes.build(), new Telemetry(config), MAX_BODY_BYTES, ProblemFormat.RFC_9457);
        Priming.register(
                API,
                List.of(
                        () -> function.prime(PrimingEvents.get("/api/v1/agents/workspaces/ws_prime/agents")),
                        () -> function.prime(PrimingEvents.request(
                                "POST", "/api/v1/agents/workspaces/ws_prime/runs", "{\"agent\":1}")),
                        () -> function.prime(PrimingEvents.get("/api/v1/agents/workspaces/ws_prime/tools")),
                        () -> function.prime(PrimingEvents.request(
                                "POST", "/api/v1/agents/workspaces/ws_prime/knowledge/search", "{\"query\":1}")),
                        () -> function.prime(PrimingEvents.request(
                                "POST", "/api/v1/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"))));
        return function;
    }
}

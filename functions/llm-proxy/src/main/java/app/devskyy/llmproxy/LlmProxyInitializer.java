package app.devskyy.llmproxy;

import app.devskyy.core.auth.SessionTable;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.config.Config;
import app.devskyy.core.events.FunctionCatalog;
import app.devskyy.core.http.HttpApiFunction;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.core.ratelimit.RateLimits;
import app.devskyy.core.snapstart.Priming;
import app.devskyy.core.snapstart.PrimingEvents;
import app.devskyy.core.upstash.UpstashClient;
import app.devskyy.llm.ChatGateway;
import app.devskyy.llm.CircuitBreakers;
import app.devskyy.llm.Prices;
import app.devskyy.llm.ProviderRegistry;
import app.devskyy.llm.Routing;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.lambda.powertools.parameters.ssm.SSMProvider;

/** Builds the LLM proxy by hand and registers its one function, {@code llm}. */
public class LlmProxyInitializer implements ApplicationContextInitializer<GenericApplicationContext> {

    public static final String FUNCTION = "llm";
    /** Chat bodies carry conversations and inline images: more room than a command, within Lambda's 6 MB. */
    static final long MAX_BODY_BYTES = 5L * 1024 * 1024;

    @Override
    public void initialize(GenericApplicationContext context) {
        FunctionCatalog.of().with(FUNCTION, config -> create(config)).register(Config.fromEnvironment(), context);
    }

    public static HttpApiFunction create(Config config) {
        AwsClients aws = new AwsClients(config);
        DynamoDbClient dynamoDb = aws.dynamoDb();
        String table = config.required("LLM_TABLE", "LlmTable");
        // One Enhanced Client over the function's one DynamoDB client, shared by every store.
        DynamoTables tables = new DynamoTables(dynamoDb);
        Clock clock = Clock.systemUTC();
        Optional<UpstashClient> upstash = UpstashClient.fromConfig(config);
        CircuitBreakers breakers = new CircuitBreakers(
                upstash.map(CircuitBreakers::upstash).orElseGet(() -> CircuitBreakers.inInstance(clock)),
                config.integer("LLM_BREAKER_FAILURES", 5),
                Duration.ofSeconds(60),
                Duration.ofSeconds(config.integer("LLM_BREAKER_COOLDOWN_SECONDS", 30)));
        ChatGateway gateway = new ChatGateway(
                ProviderRegistry.fromConfig(config, aws),
                breakers,
                new ChatGateway.Policy(
                        config.millis("LLM_DEADLINE_MS", Duration.ofSeconds(25)),
                        config.millis("LLM_ATTEMPT_TIMEOUT_MS", Duration.ofSeconds(20)),
                        config.integer("LLM_ATTEMPTS_PER_PROVIDER", 2),
                        config.millis("LLM_BACKOFF_MS", Duration.ofMillis(250)),
                        config.millis("LLM_LONGEST_RETRY_WAIT_MS", Duration.ofSeconds(4))));
        Duration cacheTtl = Duration.ofSeconds(config.integer("LLM_CACHE_TTL_SECONDS", 3600));
        ResponseCache cache = upstash.map(u -> ResponseCache.upstash(u, cacheTtl))
                .orElseGet(() -> ResponseCache.dynamoDb(tables, table, cacheTtl, clock));
        Budgets budgets = new Budgets(dynamoDb, tables, table, clock);
        UsageLedger ledger = new UsageLedger(dynamoDb, tables, table, clock);
        ProxyService proxy = new ProxyService(
                routing(config, aws),
                gateway,
                config.optional("LLM_PRICES").map(Prices::parse).orElseGet(Prices::bundled),
                budgets,
                ledger,
                cache,
                RateLimits.fromConfig(config, dynamoDb),
                new ProxyService.Defaults(
                        config.integer("LLM_DEFAULT_RPM", 600),
                        config.integer("LLM_DEFAULT_TPM", 2_000_000),
                        config.integer("LLM_MAX_TOKENS_UNDER_BUDGET", 4096),
                        "redacted".equals(config.string("LLM_LOG_PROMPTS", "off"))),
                clock);
        HttpApiFunction function = new HttpApiFunction(
                new LlmRoutes(proxy, budgets, ledger, SessionTable.authenticator(config, dynamoDb, tables), clock)
                        .router(),
                new Telemetry(config),
                MAX_BODY_BYTES,
                new OpenAiErrors());
        Priming.register(
                FUNCTION,
                List.of(
                        () -> function.prime(PrimingEvents.get(LlmRoutes.BASE + "/models")),
                        () -> function.prime(
                                PrimingEvents.request("POST", LlmRoutes.BASE + "/chat/completions", "{\"model\":1}"))));
        return function;
    }

    /**
     * The routing document: {@code LLM_ROUTING} (JSON) where set, else the SSM parameter named by
     * {@code LLM_ROUTING_PARAMETER} (read once per cold start), else the bundled one.
     */
    static Routing routing(Config config, AwsClients aws) {
        Optional<String> inline = config.optional("LLM_ROUTING").filter(s -> !s.isBlank());
        if (inline.isPresent()) {
            return Routing.parse(inline.get());
        }
        return config.optional("LLM_ROUTING_PARAMETER")
                .filter(s -> !s.isBlank())
                .map(name -> Routing.parse(SSMProvider.builder()
                        .withClient(aws.configure(SsmClient.builder(), "SSM").build())
                        .build()
                        .get(name)))
                .orElseGet(Routing::bundled);
    }
}

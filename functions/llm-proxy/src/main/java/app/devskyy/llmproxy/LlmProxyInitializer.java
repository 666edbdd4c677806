package app.devskyy.llmproxy;

import app.devskyy.core.auth.SessionTable;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.billing.Entitlements;
import app.devskyy.core.config.Config;
import app.devskyy.core.events.FunctionCatalog;
import app.devskyy.core.events.FunctionFamily;
import app.devskyy.core.http.HttpApiFunction;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.core.privacy.PrivacyTask;
import app.devskyy.core.ratelimit.RateLimits;
import app.devskyy.core.snapstart.Priming;
import app.devskyy.core.snapstart.PrimingEvents;
import app.devskyy.core.upstash.UpstashClient;
import app.devskyy.llm.metering.Budgets;
import app.devskyy.llm.metering.LlmPersonalData;
import app.devskyy.llm.metering.LlmServices;
import app.devskyy.llm.metering.UsageLedger;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Builds the LLM proxy by hand and registers its one function, {@code llm}. */
public class LlmProxyInitializer implements FunctionFamily {

    public static final String FUNCTION = "llm";
    /** Chat bodies carry conversations and inline images: more room than a command, within Lambda's 6 MB. */
    static final long MAX_BODY_BYTES = 5L * 1024 * 1024;

    @Override
    public FunctionCatalog catalog() {
        return FunctionCatalog.of()
                .with(FUNCTION, config -> create(config))
                .with("llmPrivacy", config -> PrivacyTask.fromConfig("llm", LlmPersonalData.ITEMS, config));
    }

    public static HttpApiFunction create(Config config) {
        AwsClients aws = new AwsClients(config);
        DynamoDbClient dynamoDb = aws.dynamoDb();
        String table = config.required("LLM_TABLE", "LlmTable");
        // One Enhanced Client over the function's one DynamoDB client, shared by every store.
        DynamoTables tables = new DynamoTables(dynamoDb);
        Clock clock = Clock.systemUTC();
        LlmServices llm = LlmServices.fromConfig(
                config, aws, dynamoDb, tables, Entitlements.fromConfig(config, tables, clock), clock);
        Optional<UpstashClient> upstash = llm.upstash();
        Duration cacheTtl = Duration.ofSeconds(config.integer("LLM_CACHE_TTL_SECONDS", 3600));
        ResponseCache cache = upstash.map(u -> ResponseCache.upstash(u, cacheTtl))
                .orElseGet(() -> ResponseCache.dynamoDb(tables, table, cacheTtl, clock));
        Budgets budgets = llm.budgets();
        UsageLedger ledger = llm.ledger();
        ProxyService proxy = new ProxyService(
                llm.routing(),
                llm.meter(),
                llm.prices(),
                budgets,
                ledger,
                cache,
                RateLimits.fromConfig(config, dynamoDb),
                new ProxyService.Defaults(
                        config.integer("LLM_DEFAULT_RPM", 600),
                        config.integer("LLM_DEFAULT_TPM", 2_000_000),
                        llm.maxTokensUnderBudget(),
                        "redacted".equals(config.string("LLM_LOG_PROMPTS", "off"))),
                llm.consents(),
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
}

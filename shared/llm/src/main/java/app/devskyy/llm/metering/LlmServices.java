package app.devskyy.llm.metering;

import app.devskyy.core.CircuitBreakers;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.billing.Entitlements;
import app.devskyy.core.config.Config;
import app.devskyy.core.privacy.Consents;
import app.devskyy.core.upstash.UpstashClient;
import app.devskyy.llm.ChatGateway;
import app.devskyy.llm.Prices;
import app.devskyy.llm.ProviderRegistry;
import app.devskyy.llm.Routing;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.lambda.powertools.parameters.ssm.SSMProvider;

/**
 * The model-calling parts every family that calls models builds the same way from the same
 * settings: routing, the gateway with its circuit breakers, prices, budgets, the usage ledger and
 * the metered call over them. The LLM proxy and the agents share the LLM table, so a workspace's
 * budget is one budget whichever family spends it.
 */
public record LlmServices(
        Routing routing,
        ChatGateway gateway,
        Prices prices,
        Budgets budgets,
        UsageLedger ledger,
        MeteredChat meter,
        Consents consents,
        Optional<UpstashClient> upstash,
        int maxTokensUnderBudget) {

    /** The LLM services a function's settings describe; budgets default to {@code entitlements}' plan limits. */
    public static LlmServices fromConfig(
            Config config,
            AwsClients aws,
            DynamoDbClient dynamoDb,
            DynamoTables tables,
            Entitlements entitlements,
            Clock clock) {
        String table = config.required("LLM_TABLE", "LlmTable");
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
        Prices prices = config.optional("LLM_PRICES").map(Prices::parse).orElseGet(Prices::bundled);
        Budgets budgets = new Budgets(dynamoDb, tables, table, entitlements, clock);
        UsageLedger ledger = new UsageLedger(dynamoDb, tables, table, clock);
        int maxTokensUnderBudget = config.integer("LLM_MAX_TOKENS_UNDER_BUDGET", 4096);
        Consents consents = Consents.fromConfig(config, tables, clock);
        return new LlmServices(
                routing(config, aws),
                gateway,
                prices,
                budgets,
                ledger,
                new MeteredChat(gateway, prices, budgets, ledger, consents, maxTokensUnderBudget),
                consents,
                upstash,
                maxTokensUnderBudget);
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

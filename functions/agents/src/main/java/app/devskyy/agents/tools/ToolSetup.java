package app.devskyy.agents.tools;

import app.devskyy.agents.knowledge.KnowledgeBase;
import app.devskyy.core.CircuitBreakers;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.billing.BillingItems;
import app.devskyy.core.config.Config;
import app.devskyy.core.crypto.DataKeys;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.llm.metering.LlmServices;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Builds the toolbox and the integrations store a function's settings describe. */
public final class ToolSetup {

    /** The integrations and the toolbox over them. */
    public record Parts(IntegrationStore integrations, Toolbox toolbox, SafeHttp http) {}

    private ToolSetup() {}

    public static Parts fromConfig(
            Config config, AwsClients aws, DynamoTables tables, LlmServices llm, KnowledgeBase knowledge, Clock clock) {
        PersonalDataCipher cipher = DataKeys.personalDataCipher(config, aws);
        IntegrationStore integrations =
                new IntegrationStore(tables, config.required("AGENTS_TABLE", "AgentsTable"), cipher, clock);
        // host:port pairs let through the address checks: the local server's mock shops, never set in AWS.
        Set<String> allowed = Arrays.stream(
                        config.string("TOOLS_ALLOWED_PRIVATE_HOSTS", "").split(","))
                .map(String::strip)
                .filter(s -> s.matches("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}"))
                .collect(Collectors.toSet());
        SafeHttp http = new SafeHttp(Duration.ofSeconds(config.integer("TOOLS_HTTP_TIMEOUT_SECONDS", 10)), allowed);
        RestApi api = new RestApi(http);
        WooCommerceTools shop = new WooCommerceTools(integrations, api);
        WordPressTools site = new WordPressTools(integrations, api);
        String billing = config.required("BILLING_TABLE", "BillingTable");
        Map<String, Tool> tools = Map.of(
                "knowledge.search", new KnowledgeSearchTool(knowledge),
                "woocommerce.products", shop.products(),
                "woocommerce.orders", shop.orders(),
                "woocommerce.coupon.create", shop.createCoupon(),
                "wordpress.posts", site.posts(),
                "wordpress.draft.create", site.createDraft(),
                "web.fetch", new WebFetchTool(http),
                "analytics.usage",
                        new AnalyticsTool(
                                llm.ledger(),
                                tables.table(billing, BillingItems.Subscription.SCHEMA),
                                tables.table(billing, BillingItems.Payment.SCHEMA),
                                clock));
        CircuitBreakers breakers = new CircuitBreakers(
                llm.upstash().map(CircuitBreakers::upstash).orElseGet(() -> CircuitBreakers.inInstance(clock)),
                config.integer("TOOLS_BREAKER_FAILURES", 5),
                Duration.ofSeconds(60),
                Duration.ofSeconds(config.integer("TOOLS_BREAKER_COOLDOWN_SECONDS", 30)));
        AuditLog audit = AuditLog.fromConfig(config, tables, cipher, clock);
        Toolbox toolbox = new Toolbox(
                ToolRegistry.bundled(),
                tools,
                breakers,
                audit,
                clock,
                Duration.ofMillis(config.integer("TOOLS_BACKOFF_MS", 200)));
        return new Parts(integrations, toolbox, http);
    }
}

package app.devskyy.webhooks;

import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.auth.SessionTable;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.billing.Entitlements;
import app.devskyy.core.config.Config;
import app.devskyy.core.crypto.DataKeys;
import app.devskyy.core.events.FunctionCatalog;
import app.devskyy.core.events.FunctionFamily;
import app.devskyy.core.http.HttpApiFunction;
import app.devskyy.core.http.Router;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.core.privacy.PrivacyTask;
import app.devskyy.core.snapstart.Priming;
import app.devskyy.core.snapstart.PrimingEvents;
import java.time.Clock;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the webhooks family: the receivers and billing view ({@code webhooks}, HTTP) and the
 * queue's processor ({@code webhookProcessor}). One module backs both Lambdas; each builds only the
 * function its {@code SPRING_CLOUD_FUNCTION_DEFINITION} names (both when none is named).
 */
public class WebhooksInitializer implements FunctionFamily {

    public static final String RECEIVER = "webhooks";
    public static final String PROCESSOR = "webhookProcessor";

    @Override
    public FunctionCatalog catalog() {
        return FunctionCatalog.of()
                .with(RECEIVER, WebhooksInitializer::receiver)
                .with(PROCESSOR, WebhooksInitializer::processor)
                .with("billingPrivacy", config -> PrivacyTask.fromConfig("billing", BillingPersonalData.ITEMS, config));
    }

    private record Parts(
            AwsClients aws,
            DynamoDbClient dynamoDb,
            DynamoTables tables,
            EventLedger ledger,
            BillingStore billing,
            Entitlements entitlements,
            BillingEffects effects,
            AuditLog audit,
            Clock clock) {

        static Parts of(Config config) {
            AwsClients aws = new AwsClients(config);
            DynamoDbClient dynamoDb = aws.dynamoDb();
            Clock clock = Clock.systemUTC();
            String billingTable = config.required("BILLING_TABLE", "BillingTable");
            // One Enhanced Client over the function's one DynamoDB client, shared by every store.
            DynamoTables tables = new DynamoTables(dynamoDb);
            AuditLog audit = AuditLog.fromConfig(config, tables, DataKeys.personalDataCipher(config, aws), clock);
            BillingStore billing = new BillingStore(dynamoDb, tables, billingTable, clock);
            Entitlements entitlements = Entitlements.fromConfig(config, tables, clock);
            return new Parts(
                    aws,
                    dynamoDb,
                    tables,
                    new EventLedger(dynamoDb, tables, config.required("IDEMPOTENCY_TABLE", "IdempotencyTable"), clock),
                    billing,
                    entitlements,
                    new BillingEffects(billing, entitlements, audit, clock),
                    audit,
                    clock);
        }
    }

    public static HttpApiFunction receiver(Config config) {
        Parts parts = Parts.of(config);
        WebhookQueue queue = new WebhookQueue(
                parts.aws().configure(SqsClient.builder(), "SQS").build(),
                config.required("WEBHOOK_QUEUE_URL", "WebhookQueue"));
        PaymentProviders providers = PaymentProviders.fromConfig(config, parts.aws(), parts.clock());
        Purchases purchases = new Purchases(
                providers,
                parts.billing(),
                parts.effects(),
                parts.ledger(),
                parts.entitlements(),
                parts.audit(),
                links(config),
                parts.clock());
        Router.Builder routes = new WebhookRoutes(
                        WebhookSecrets.from(config, parts.aws()), parts.ledger(), queue, parts.audit(), parts.clock())
                .addTo(Router.builder());
        new BillingRoutes(
                        parts.billing(),
                        parts.entitlements(),
                        purchases,
                        new Refunds(providers, parts.billing(), parts.audit(), parts.clock()),
                        SessionTable.authenticator(config, parts.dynamoDb(), parts.tables()))
                .addTo(routes);
        HttpApiFunction function = new HttpApiFunction(routes.build(), new Telemetry(config));
        Priming.register(
                RECEIVER,
                List.of(
                        () -> function.prime(PrimingEvents.request("POST", "/api/v1/webhooks/stripe", "{}")),
                        () -> function.prime(PrimingEvents.get("/api/v1/billing/subscription")),
                        () -> function.prime(PrimingEvents.request(
                                "POST", "/api/v1/billing/workspaces/ws_priming/checkout", "{\"plan\":\"pro\"}"))));
        return function;
    }

    /** Where providers send the browser back: the frontend's billing page ({@code APP_BASE_URL} and paths). */
    static Purchases.Links links(Config config) {
        String base = config.required("APP_BASE_URL", "http://localhost:5173").replaceAll("/+$", "");
        return new Purchases.Links(
                base + config.string("BILLING_SUCCESS_PATH", "/billing?checkout=success&session={CHECKOUT_SESSION_ID}"),
                base + config.string("BILLING_CANCEL_PATH", "/billing?checkout=cancelled"),
                base + config.string("BILLING_PORTAL_RETURN_PATH", "/billing"),
                base + config.string("BILLING_PHONEPE_RETURN_PATH", "/billing?order="));
    }

    static WebhookProcessor processor(Config config) {
        Parts parts = Parts.of(config);
        return new WebhookProcessor(PROCESSOR, parts.ledger(), parts.effects(), new Telemetry(config));
    }
}

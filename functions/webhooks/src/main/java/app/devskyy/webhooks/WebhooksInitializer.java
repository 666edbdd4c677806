package app.devskyy.webhooks;

import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.auth.SessionTable;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.billing.Entitlements;
import app.devskyy.core.config.Config;
import app.devskyy.core.crypto.DataKeys;
import app.devskyy.core.events.FunctionCatalog;
import app.devskyy.core.http.HttpApiFunction;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.core.snapstart.Priming;
import app.devskyy.core.snapstart.PrimingEvents;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the webhooks family: the receivers and billing view ({@code webhooks}, HTTP) and the
 * queue's processor ({@code webhookProcessor}). One module backs both Lambdas; each builds only the
 * function its {@code SPRING_CLOUD_FUNCTION_DEFINITION} names (both when none is named).
 */
public class WebhooksInitializer implements ApplicationContextInitializer<GenericApplicationContext> {

    public static final String RECEIVER = "webhooks";
    public static final String PROCESSOR = "webhookProcessor";

    @Override
    public void initialize(GenericApplicationContext context) {
        FunctionCatalog.of()
                .with(RECEIVER, WebhooksInitializer::receiver)
                .with(PROCESSOR, WebhooksInitializer::processor)
                .register(Config.fromEnvironment(), context);
    }

    private record Parts(
            AwsClients aws,
            DynamoDbClient dynamoDb,
            DynamoTables tables,
            EventLedger ledger,
            BillingStore billing,
            Entitlements entitlements,
            AuditLog audit,
            Clock clock) {

        static Parts of(Config config) {
            AwsClients aws = new AwsClients(config);
            DynamoDbClient dynamoDb = aws.dynamoDb();
            Clock clock = Clock.systemUTC();
            String billingTable = config.required("BILLING_TABLE", "BillingTable");
            // One Enhanced Client over the function's one DynamoDB client, shared by every store.
            DynamoTables tables = new DynamoTables(dynamoDb);
            AuditLog audit = new AuditLog(
                    tables,
                    config.required("AUDIT_TABLE", "AuditTable"),
                    DataKeys.personalDataCipher(config, aws),
                    Duration.ofDays(config.integer("AUDIT_RETENTION_DAYS", 365)),
                    clock);
            return new Parts(
                    aws,
                    dynamoDb,
                    tables,
                    new EventLedger(dynamoDb, tables, config.required("IDEMPOTENCY_TABLE", "IdempotencyTable"), clock),
                    new BillingStore(tables, billingTable, clock),
                    Entitlements.fromConfig(config, tables, clock),
                    audit,
                    clock);
        }
    }

    public static HttpApiFunction receiver(Config config) {
        Parts parts = Parts.of(config);
        WebhookQueue queue = new WebhookQueue(
                parts.aws().configure(SqsClient.builder(), "SQS").build(),
                config.required("WEBHOOK_QUEUE_URL", "WebhookQueue"));
        HttpApiFunction function = new HttpApiFunction(
                new WebhookRoutes(
                                WebhookSecrets.from(config, parts.aws()),
                                parts.ledger(),
                                queue,
                                parts.billing(),
                                parts.entitlements(),
                                parts.audit(),
                                SessionTable.authenticator(config, parts.dynamoDb(), parts.tables()),
                                parts.clock())
                        .router(),
                new Telemetry(config));
        Priming.register(
                RECEIVER,
                List.of(
                        () -> function.prime(PrimingEvents.request("POST", "/api/v1/webhooks/stripe", "{}")),
                        () -> function.prime(PrimingEvents.get("/api/v1/billing/subscription"))));
        return function;
    }

    static WebhookProcessor processor(Config config) {
        Parts parts = Parts.of(config);
        return new WebhookProcessor(
                PROCESSOR,
                parts.ledger(),
                new BillingEffects(parts.billing(), parts.entitlements(), parts.audit()),
                new Telemetry(config));
    }
}

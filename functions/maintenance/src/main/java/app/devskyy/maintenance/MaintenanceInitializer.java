package app.devskyy.maintenance;

import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.PersonContacts;
import app.devskyy.core.auth.PublishedKeys;
import app.devskyy.core.auth.SessionTable;
import app.devskyy.core.auth.TokenSettings;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.config.Config;
import app.devskyy.core.crypto.DataKeys;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.core.events.FunctionCatalog;
import app.devskyy.core.events.FunctionFamily;
import app.devskyy.core.http.HttpApiFunction;
import app.devskyy.core.http.Router;
import app.devskyy.core.notify.Notifier;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.core.privacy.PrivacyTask;
import app.devskyy.core.privacy.RequestFiles;
import app.devskyy.core.privacy.Subjects;
import app.devskyy.core.snapstart.Priming;
import app.devskyy.core.snapstart.PrimingEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Builds the maintenance family: the platform admins' routes ({@code maintenance}, HTTP), one
 * function per scheduled job ({@link JobCatalog}), and its privacy task ({@code maintenancePrivacy}).
 * Each Lambda builds only the function its definition names.
 */
public class MaintenanceInitializer implements FunctionFamily {

    public static final String API = "maintenance";

    @Override
    public FunctionCatalog catalog() {
        return FunctionCatalog.of()
                .with(API, MaintenanceInitializer::api)
                .with(SecurityScanJob.NAME, config -> {
                    Parts p = Parts.of(config);
                    return new SecurityScanJob(
                            p.findings(),
                            p.runs(),
                            p.directory(),
                            new Subjects(p.dynamoDb(), config.required("AUTH_TABLE", "AuthTable"), p.pii()),
                            AuditLog.fromConfig(config, p.tables(), p.pii(), p.clock()),
                            new SecurityScanJob.Thresholds(
                                    config.integer("FORGED_WEBHOOK_THRESHOLD", 10),
                                    config.integer("CREDENTIAL_STUFFING_ACCOUNTS", 10),
                                    config.integer("LOCKOUT_SPIKE_THRESHOLD", 20),
                                    Duration.ofDays(config.integer("SIGNING_KEY_ROTATION_DAYS", 90)),
                                    Duration.ofDays(config.integer("WEBHOOK_SECRET_ROTATION_DAYS", 365))),
                            new PublishedKeys(p.tables(), config.required("AUTH_TABLE", "AuthTable"), p.clock())::read,
                            webhookSecretsSetAt(config, p.aws()),
                            Arrays.stream(config.string("CORS_ALLOWED_ORIGINS", "")
                                            .split(","))
                                    .map(String::strip)
                                    .filter(o -> !o.isEmpty())
                                    .toList(),
                            p.notifier(),
                            p.telemetry(),
                            p.budget(),
                            p.clock());
                })
                .with(SpendAnomalyJob.NAME, config -> {
                    Parts p = Parts.of(config);
                    return new SpendAnomalyJob(
                            p.findings(),
                            p.runs(),
                            p.dynamoDb(),
                            config.required("LLM_TABLE", "LlmTable"),
                            p.directory(),
                            p.notifier(),
                            Double.parseDouble(config.string("SPEND_ANOMALY_K", "5")),
                            config.integer("SPEND_ANOMALY_MIN_MICROS", 1_000_000),
                            p.telemetry(),
                            p.budget(),
                            p.clock());
                })
                .with(DsrDeadlineJob.NAME, config -> {
                    Parts p = Parts.of(config);
                    return new DsrDeadlineJob(
                            p.findings(),
                            p.runs(),
                            p.dynamoDb(),
                            config.required("GDPR_TABLE", "GdprTable"),
                            p.directory(),
                            p.notifier(),
                            p.telemetry(),
                            p.budget(),
                            p.clock());
                })
                .with(RetentionJob.NAME, config -> {
                    Parts p = Parts.of(config);
                    return new RetentionJob(
                            p.findings(),
                            p.runs(),
                            p.dynamoDb(),
                            config.required("AUDIT_TABLE", "AuditTable"),
                            config.required("LLM_TABLE", "LlmTable"),
                            config.required("GDPR_TABLE", "GdprTable"),
                            config.required("BILLING_TABLE", "BillingTable"),
                            Duration.ofDays(config.integer("LLM_USAGE_IDENTIFIED_DAYS", 90)),
                            RequestFiles.fromConfig(config, p.aws())::delete,
                            p.notifier(),
                            p.telemetry(),
                            p.budget(),
                            p.clock());
                })
                .with(BillingReconciliationJob.NAME, config -> {
                    Parts p = Parts.of(config);
                    SqsClient sqs =
                            p.aws().configure(SqsClient.builder(), "SQS").build();
                    String queue = config.required("WEBHOOK_QUEUE_URL", "WebhookQueue");
                    return new BillingReconciliationJob(
                            p.findings(),
                            p.runs(),
                            p.dynamoDb(),
                            config.required("BILLING_TABLE", "BillingTable"),
                            event -> sqs.sendMessage(r -> r.queueUrl(queue).messageBody(event)),
                            p.notifier(),
                            p.telemetry(),
                            p.budget(),
                            p.clock());
                })
                .with(AgentRunsJob.NAME, config -> {
                    Parts p = Parts.of(config);
                    SfnClient sfn =
                            p.aws().configure(SfnClient.builder(), "SFN").build();
                    return new AgentRunsJob(
                            p.findings(),
                            p.runs(),
                            p.dynamoDb(),
                            config.required("AGENTS_TABLE", "AgentsTable"),
                            (executionArn, error) -> {
                                try {
                                    sfn.stopExecution(r -> r.executionArn(executionArn)
                                            .error(error)
                                            .cause("The run passed its wall-time limit."));
                                } catch (ExecutionDoesNotExistException gone) {
                                    // Ended and forgotten: nothing to stop.
                                }
                            },
                            p.directory(),
                            p.notifier(),
                            p.telemetry(),
                            p.budget(),
                            p.clock());
                })
                .with(DeadLetterJob.NAME, config -> {
                    Parts p = Parts.of(config);
                    SqsClient sqs =
                            p.aws().configure(SqsClient.builder(), "SQS").build();
                    return new DeadLetterJob(
                            p.findings(),
                            p.runs(),
                            Map.of("webhooks", config.required("WEBHOOK_DLQ_URL", "WebhookDeadLetterQueue")),
                            url -> {
                                Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(url)
                                                .attributeNames(
                                                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                                        .attributes();
                                return attributes.values().stream()
                                        .mapToLong(Long::parseLong)
                                        .sum();
                            },
                            p.notifier(),
                            p.telemetry(),
                            p.budget(),
                            p.clock());
                })
                .with(KeyRotationJob.NAME, config -> {
                    Parts p = Parts.of(config);
                    SecretsManagerClient secrets = p.aws()
                            .configure(SecretsManagerClient.builder(), "SECRETS_MANAGER")
                            .build();
                    String arn = config.required("AUTH_SECRET_ARN");
                    TokenSettings tokens = TokenSettings.from(config);
                    return new KeyRotationJob(
                            p.findings(),
                            p.runs(),
                            () -> secrets.getSecretValue(r -> r.secretId(arn)).secretString(),
                            json -> secrets.putSecretValue(r -> r.secretId(arn).secretString(json)),
                            new PublishedKeys(p.tables(), config.required("AUTH_TABLE", "AuthTable"), p.clock()),
                            Duration.ofDays(config.integer("SIGNING_KEY_ROTATION_DAYS", 90)),
                            Duration.ofSeconds(config.integer("KEY_PUBLICATION_SECONDS", 900)),
                            // Until no instance signs with the old key and no token it signed is current.
                            Duration.ofSeconds(config.integer("AUTH_SECRET_CACHE_SECONDS", 300))
                                    .plus(tokens.lifetime())
                                    .plus(Authenticator.CLOCK_SKEW),
                            p.telemetry(),
                            p.budget(),
                            p.clock());
                })
                .with(
                        "maintenancePrivacy",
                        config -> PrivacyTask.fromConfig("maintenance", MaintenancePersonalData.ITEMS, config));
    }

    private record Parts(
            AwsClients aws,
            DynamoDbClient dynamoDb,
            DynamoTables tables,
            PersonalDataCipher pii,
            FindingStore findings,
            RunStore runs,
            AuthDirectory directory,
            Notifier notifier,
            Telemetry telemetry,
            Duration budget,
            Clock clock) {

        static Parts of(Config config) {
            AwsClients aws = new AwsClients(config);
            DynamoDbClient dynamoDb = aws.dynamoDb();
            DynamoTables tables = new DynamoTables(dynamoDb);
            PersonalDataCipher pii = DataKeys.personalDataCipher(config, aws);
            String table = config.required("MAINTENANCE_TABLE", "MaintenanceTable");
            String authTable = config.required("AUTH_TABLE", "AuthTable");
            return new Parts(
                    aws,
                    dynamoDb,
                    tables,
                    pii,
                    new FindingStore(dynamoDb, table),
                    new RunStore(dynamoDb, table),
                    new AuthDirectory(dynamoDb, authTable, new PersonContacts(tables, authTable, pii)),
                    Notifier.fromConfig(config, aws),
                    new Telemetry(config),
                    // Below the job functions' timeout, so that a run keeps its cursor before Lambda stops it.
                    Duration.ofSeconds(config.integer("JOB_BUDGET_SECONDS", 600)),
                    Clock.systemUTC());
        }
    }

    /**
     * When the webhook secrets' current value was set: the creation of the secret's
     * {@code AWSCURRENT} version ({@code WEBHOOK_SECRETS_ARN}); nothing without a secret (locally
     * the webhooks read development values from settings).
     */
    private static Supplier<Optional<Instant>> webhookSecretsSetAt(Config config, AwsClients aws) {
        Optional<String> arn = config.optional("WEBHOOK_SECRETS_ARN").filter(a -> !a.isBlank());
        if (arn.isEmpty()) {
            return Optional::empty;
        }
        SecretsManagerClient secrets =
                aws.configure(SecretsManagerClient.builder(), "SECRETS_MANAGER").build();
        return () -> secrets.listSecretVersionIds(r -> r.secretId(arn.get())).versions().stream()
                .filter(v -> v.versionStages().contains("AWSCURRENT"))
                .map(v -> v.createdDate())
                .findFirst();
    }

    static HttpApiFunction api(Config config) {
        Parts p = Parts.of(config);
        LambdaClient lambda =
                p.aws().configure(LambdaClient.builder(), "LAMBDA").build();
        SqsClient sqs = p.aws().configure(SqsClient.builder(), "SQS").build();
        Map<String, String> deadLetters = Map.of(
                "webhooks",
                config.required("WEBHOOK_DLQ_ARN", "arn:aws:sqs:us-east-1:000000000000:WebhookDeadLetterQueue"));
        Authenticator authenticator = SessionTable.authenticator(config, p.dynamoDb(), p.tables());
        Router.Builder routes = new MaintenanceRoutes(
                        p.findings(),
                        p.runs(),
                        (function, input) -> lambda.invoke(r -> r.functionName(config.required(function, function))
                                .invocationType(InvocationType.EVENT)
                                .payload(SdkBytes.fromUtf8String(input))),
                        queue -> Optional.ofNullable(deadLetters.get(queue))
                                .map(arn -> sqs.startMessageMoveTask(r -> r.sourceArn(arn))
                                        .taskHandle()),
                        authenticator,
                        AuditLog.fromConfig(config, p.tables(), p.pii(), p.clock()),
                        p.clock())
                .addTo(Router.builder());
        HttpApiFunction function = new HttpApiFunction(routes.build(), p.telemetry());
        Priming.register(API, List.of(() -> function.prime(PrimingEvents.get("/api/v1/maintenance/jobs"))));
        return function;
    }
}

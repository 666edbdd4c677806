package app.devskyy.gdpr;

import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.PersonContacts;
import app.devskyy.core.auth.SessionTable;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.config.Config;
import app.devskyy.core.crypto.DataKeys;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.core.events.FunctionCatalog;
import app.devskyy.core.events.FunctionFamily;
import app.devskyy.core.http.HttpApiFunction;
import app.devskyy.core.http.Router;
import app.devskyy.core.mail.Mailer;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.core.privacy.PrivacyTask;
import app.devskyy.core.privacy.Purposes;
import app.devskyy.core.privacy.RequestFiles;
import app.devskyy.core.privacy.Subjects;
import app.devskyy.core.ratelimit.RateLimits;
import app.devskyy.core.snapstart.Priming;
import app.devskyy.core.snapstart.PrimingEvents;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Builds the GDPR family: its HTTP function, {@code gdpr} (consent and data subject requests), and
 * its tasks of the data subject request state machine ({@code gdprRequestBegin},
 * {@code gdprRequestFinish}, {@code gdprRequestFailed}, and {@code gdprPrivacy}, its own share of
 * an export or erasure). Each Lambda builds only the function its definition names.
 */
public class GdprInitializer implements FunctionFamily {

    public static final String FUNCTION = "gdpr";

    @Override
    public FunctionCatalog catalog() {
        return FunctionCatalog.of()
                .with(FUNCTION, GdprInitializer::create)
                .with("gdprRequestBegin", config -> {
                    Parts p = Parts.of(config);
                    return new RequestStep<>(
                            "gdprRequestBegin", s -> p.processing().begin(s.requestId()), p.telemetry());
                })
                .with("gdprRequestFinish", config -> {
                    Parts p = Parts.of(config);
                    return new RequestStep<>("gdprRequestFinish", p.processing()::finish, p.telemetry());
                })
                .with("gdprRequestFailed", config -> {
                    Parts p = Parts.of(config);
                    return new RequestStep<>("gdprRequestFailed", p.processing()::fail, p.telemetry());
                })
                // The GDPR table's share, and the audit log's, which is the core's and every family's.
                .with(
                        "gdprPrivacy",
                        config -> PrivacyTask.fromConfig(
                                "gdpr",
                                Stream.concat(GdprPersonalData.ITEMS.stream(), AuditLog.PERSONAL_DATA.stream())
                                        .toList(),
                                config));
    }

    /** What every function of the family is built from. */
    private record Parts(
            AwsClients aws,
            DynamoDbClient dynamoDb,
            DynamoTables tables,
            PersonalDataCipher pii,
            RequestStore store,
            Requests requests,
            RequestProcessing processing,
            Authenticator authenticator,
            Telemetry telemetry,
            Clock clock) {

        static Parts of(Config config) {
            AwsClients aws = new AwsClients(config);
            DynamoDbClient dynamoDb = aws.dynamoDb();
            DynamoTables tables = new DynamoTables(dynamoDb);
            Clock clock = Clock.systemUTC();
            String table = config.required("GDPR_TABLE", "GdprTable");
            String authTable = config.required("AUTH_TABLE", "AuthTable");
            PersonalDataCipher pii = DataKeys.personalDataCipher(config, aws);
            AuditLog audit = AuditLog.fromConfig(config, tables, pii, clock);
            String frontend =
                    config.required("APP_BASE_URL", "http://localhost:5173").replaceAll("/+$", "");
            RequestStore store = new RequestStore(dynamoDb, tables, table);
            Subjects subjects = new Subjects(dynamoDb, authTable, pii);
            PersonContacts contacts = new PersonContacts(tables, authTable, pii);
            RequestFiles files = RequestFiles.fromConfig(config, aws);
            String stateMachine = config.required("GDPR_STATE_MACHINE_ARN", "DataSubjectRequestStateMachine");
            SfnClient sfn = aws.configure(SfnClient.builder(), "SFN").build();
            Requests requests = new Requests(
                    store,
                    SessionTable.sessionStarts(tables, authTable),
                    contacts,
                    Mailer.fromConfig(config, aws),
                    pii,
                    audit,
                    frontend + config.string("GDPR_REQUESTS_PATH", "/privacy/requests/"),
                    frontend + config.string("GDPR_CONFIRM_PATH", "/privacy/confirm?token="),
                    Duration.ofSeconds(config.integer("GDPR_FRESH_LOGIN_SECONDS", 600)),
                    subjects,
                    (name, input) -> sfn.startExecution(
                            r -> r.stateMachineArn(stateMachine).name(name).input(input)),
                    files,
                    Duration.ofSeconds(config.integer("GDPR_ARCHIVE_LINK_SECONDS", 900)),
                    clock);
            RequestProcessing processing = new RequestProcessing(
                    store,
                    requests,
                    subjects,
                    contacts,
                    pii,
                    files,
                    PrivacyFacts.bundled(),
                    Duration.ofDays(config.integer("GDPR_ARCHIVE_DAYS", 7)),
                    clock);
            return new Parts(
                    aws,
                    dynamoDb,
                    tables,
                    pii,
                    store,
                    requests,
                    processing,
                    SessionTable.authenticator(config, dynamoDb, tables),
                    new Telemetry(config),
                    clock);
        }
    }

    public static HttpApiFunction create(Config config) {
        Parts p = Parts.of(config);
        Authenticator authenticator = p.authenticator();
        Router.Builder routes = new ConsentRoutes(
                        new ConsentStore(p.tables(), config.required("GDPR_TABLE", "GdprTable")),
                        Purposes.bundled(),
                        p.pii(),
                        authenticator,
                        p.clock())
                .addTo(Router.builder());
        new RequestRoutes(
                        p.requests(),
                        PrivacyFacts.bundled(),
                        authenticator,
                        RateLimits.fromConfig(config, p.dynamoDb()))
                .addTo(routes);
        HttpApiFunction function = new HttpApiFunction(routes.build(), new Telemetry(config));
        Priming.register(
                FUNCTION,
                List.of(
                        () -> function.prime(PrimingEvents.get("/api/v1/gdpr/purposes")),
                        () -> function.prime(PrimingEvents.get("/api/v1/gdpr/consents"))));
        return function;
    }
}

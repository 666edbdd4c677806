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
import app.devskyy.core.http.HttpApiFunction;
import app.devskyy.core.http.Router;
import app.devskyy.core.mail.Mailer;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.core.privacy.Purposes;
import app.devskyy.core.ratelimit.RateLimits;
import app.devskyy.core.snapstart.Priming;
import app.devskyy.core.snapstart.PrimingEvents;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Builds the GDPR family: its one HTTP function, {@code gdpr} (consent and data subject requests). */
public class GdprInitializer implements ApplicationContextInitializer<GenericApplicationContext> {

    public static final String FUNCTION = "gdpr";

    @Override
    public void initialize(GenericApplicationContext context) {
        FunctionCatalog.of().with(FUNCTION, GdprInitializer::create).register(Config.fromEnvironment(), context);
    }

    public static HttpApiFunction create(Config config) {
        AwsClients aws = new AwsClients(config);
        DynamoDbClient dynamoDb = aws.dynamoDb();
        DynamoTables tables = new DynamoTables(dynamoDb);
        Clock clock = Clock.systemUTC();
        String table = config.required("GDPR_TABLE", "GdprTable");
        String authTable = config.required("AUTH_TABLE", "AuthTable");
        PersonalDataCipher pii = DataKeys.personalDataCipher(config, aws);
        Authenticator authenticator = SessionTable.authenticator(config, dynamoDb, tables);
        AuditLog audit = new AuditLog(
                tables,
                config.required("AUDIT_TABLE", "AuditTable"),
                pii,
                Duration.ofDays(config.integer("AUDIT_RETENTION_DAYS", 365)),
                clock);
        String frontend =
                config.required("APP_BASE_URL", "http://localhost:5173").replaceAll("/+$", "");
        Requests requests = new Requests(
                new RequestStore(dynamoDb, tables, table),
                SessionTable.sessionStarts(tables, authTable),
                new PersonContacts(tables, authTable, pii),
                Mailer.fromConfig(config, aws),
                pii,
                audit,
                frontend + config.string("GDPR_REQUESTS_PATH", "/privacy/requests/"),
                frontend + config.string("GDPR_CONFIRM_PATH", "/privacy/confirm?token="),
                Duration.ofSeconds(config.integer("GDPR_FRESH_LOGIN_SECONDS", 600)),
                clock);
        Router.Builder routes = new ConsentRoutes(
                        new ConsentStore(tables, table), Purposes.bundled(), pii, authenticator, clock)
                .addTo(Router.builder());
        new RequestRoutes(requests, authenticator, RateLimits.fromConfig(config, dynamoDb)).addTo(routes);
        HttpApiFunction function = new HttpApiFunction(routes.build(), new Telemetry(config));
        Priming.register(
                FUNCTION,
                List.of(
                        () -> function.prime(PrimingEvents.get("/api/v1/gdpr/purposes")),
                        () -> function.prime(PrimingEvents.get("/api/v1/gdpr/consents"))));
        return function;
    }
}

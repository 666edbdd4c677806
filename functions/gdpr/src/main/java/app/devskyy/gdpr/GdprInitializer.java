package app.devskyy.gdpr;

import app.devskyy.core.auth.SessionTable;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.config.Config;
import app.devskyy.core.crypto.DataKeys;
import app.devskyy.core.events.FunctionCatalog;
import app.devskyy.core.http.HttpApiFunction;
import app.devskyy.core.http.Router;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.core.privacy.Purposes;
import app.devskyy.core.snapstart.Priming;
import app.devskyy.core.snapstart.PrimingEvents;
import java.time.Clock;
import java.util.List;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Builds the GDPR family: its one HTTP function, {@code gdpr} (consent, so far). */
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
        HttpApiFunction function = new HttpApiFunction(
                new ConsentRoutes(
                                new ConsentStore(tables, config.required("GDPR_TABLE", "GdprTable")),
                                Purposes.bundled(),
                                DataKeys.personalDataCipher(config, aws),
                                SessionTable.authenticator(config, dynamoDb, tables),
                                Clock.systemUTC())
                        .addTo(Router.builder())
                        .build(),
                new Telemetry(config));
        Priming.register(
                FUNCTION,
                List.of(
                        () -> function.prime(PrimingEvents.get("/api/v1/gdpr/purposes")),
                        () -> function.prime(PrimingEvents.get("/api/v1/gdpr/consents"))));
        return function;
    }
}

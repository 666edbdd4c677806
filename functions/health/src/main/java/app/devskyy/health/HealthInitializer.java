package app.devskyy.health;

import app.devskyy.core.OutboundHttp;
import app.devskyy.core.auth.SessionTable;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.config.Config;
import app.devskyy.core.events.FunctionCatalog;
import app.devskyy.core.events.FunctionFamily;
import app.devskyy.core.http.HttpApiFunction;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.core.privacy.OpenRequests;
import app.devskyy.core.snapstart.Priming;
import app.devskyy.core.snapstart.PrimingEvents;
import app.devskyy.core.upstash.UpstashClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Builds the health family by hand and registers its one function, {@code health}. No scanning,
 * no reflection-driven wiring: this class is the whole object graph.
 */
public class HealthInitializer implements FunctionFamily {

    public static final String FUNCTION = "health";

    @Override
    public FunctionCatalog catalog() {
        return FunctionCatalog.of().with(FUNCTION, config -> create(config));
    }

    /** The function and its collaborators; also what tests and the benchmark's baseline call. */
    public static HttpApiFunction create(Config config) {
        HealthConfig settings = HealthConfig.from(config);
        List<DependencyCheck> checks = new ArrayList<>();
        DynamoDbClient dynamoDb = new AwsClients(config).dynamoDb();
        settings.tables().forEach((logical, table) -> checks.add(new DynamoDbTableCheck(logical, table, dynamoDb)));
        settings.upstashUrl()
                .ifPresent(url -> checks.add(new UpstashCheck(
                        new UpstashClient(
                                HttpUrl.get(url), settings.upstashToken().orElseThrow(), OutboundHttp.client()),
                        HttpUrl.get(url).host())));
        HealthService service = new HealthService(
                checks,
                settings.checkTimeout(),
                settings.deadline(),
                settings.reuseFor(),
                settings.warnAfter(),
                Clock.systemUTC());
        HttpApiFunction function = new HttpApiFunction(
                new HealthRoutes(
                                service,
                                BuildInfo.load(),
                                SessionTable.authenticator(config, dynamoDb, new DynamoTables(dynamoDb)),
                                config.optional("GDPR_TABLE")
                                        .filter(t -> !t.isBlank())
                                        .map(table -> () ->
                                                OpenRequests.overdue(dynamoDb, table, System.currentTimeMillis())))
                        .router(),
                new Telemetry(config));
        // The hot path minus the dependencies: routing, handlers, JSON, problems, response mapping.
        Priming.register(
                FUNCTION,
                List.of(
                        () -> function.prime(PrimingEvents.get("/health/live")),
                        () -> function.prime(PrimingEvents.get("/version")),
                        () -> function.prime(PrimingEvents.get("/health/unknown"))));
        return function;
    }
}

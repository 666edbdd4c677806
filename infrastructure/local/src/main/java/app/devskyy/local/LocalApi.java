package app.devskyy.local;

import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.config.Config;
import app.devskyy.core.http.CorsPolicy;
import app.devskyy.core.testing.EmbeddedDynamoDb;
import app.devskyy.core.testing.FunctionStarter;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The local API: every HTTP route of {@code template.yaml} on localhost, each request turned
 * into a payload-2.0 event and handed to its function through Spring Cloud Function's
 * {@link FunctionInvoker}, as Lambda does; DynamoDB Local embedded, with the template's tables.
 *
 * <p>Options: {@code --port N} (or {@code PORT}, default 3000), {@code --data-dir DIR} (or
 * {@code DATA_DIR}, default {@code .local-data}), {@code --template FILE} (default
 * {@code template.yaml} in the working directory).
 */
public final class LocalApi implements AutoCloseable {

    private static final String REGION = "us-east-1";

    /** How long a delivered message stays invisible locally (SQS's visibility timeout, shortened for development). */
    static final String VISIBILITY_SETTING = "LOCAL_SQS_VISIBILITY_MS";

    private final EmbeddedDynamoDb dynamoDb;
    private final HttpServer server;
    private final LocalQueues queues;

    private LocalApi(EmbeddedDynamoDb dynamoDb, HttpServer server, LocalQueues queues) {
        this.dynamoDb = dynamoDb;
        this.server = server;
        this.queues = queues;
    }

    public static void main(String[] args) throws Exception {
        // Before the first logger exists: humans read this server's logs, so plain lines, not JSON.
        System.setProperty("log4j2.configurationFile", "classpath:log4j2-local.xml");
        Options options = Options.parse(args, System.getenv());
        LocalApi api = start(options);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(api::close));
        LoggerFactory.getLogger(LocalApi.class)
                .info("local API listening on http://localhost:{} (docs at /docs)", api.port());
    }

    /** Starts DynamoDB Local, creates the tables, starts every function and listens. */
    public static LocalApi start(Options options) throws IOException {
        Logger log = LoggerFactory.getLogger(LocalApi.class);
        SamTemplate template = SamTemplate.load(options.template());
        LocalValues values = new LocalValues(template.parameterDefaults(), REGION);

        // Bound first: the functions' settings name the port (the token issuer), which may be chosen by the system.
        HttpServer server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 64);
        EmbeddedDynamoDb dynamoDb = EmbeddedDynamoDb.start(options.dataDir().resolve("dynamodb"));
        Path outbox = options.dataDir().resolve("outbox");
        Map<String, String> localSettings = localSettings(
                dynamoDb,
                LocalSecrets.load(options.dataDir()),
                server.getAddress().getPort(),
                outbox);
        // Emailed links point at the local frontend: the first origin the template allows.
        localSettings.put("APP_BASE_URL", template.cors(values).allowOrigins().getFirst());
        try (DynamoDbClient client = new AwsClients(Config.of(localSettings)).dynamoDb()) {
            dynamoDb.createTables(client, template.tables());
        }

        Map<String, FunctionInvoker> functions = new LinkedHashMap<>();
        for (SamTemplate.FunctionSpec function : template.functions()) {
            Map<String, String> settings = new LinkedHashMap<>();
            function.environment().forEach((name, value) -> {
                String resolved = values.string(value);
                if (resolved != null) {
                    settings.put(name, resolved);
                }
            });
            settings.putAll(localSettings);
            settings.putAll(options.settings());
            long start = System.nanoTime();
            functions.put(
                    function.logicalId(),
                    FunctionStarter.start(function.mainClass(values), function.definition(values), settings));
            log.info("started {} in {} ms", function.logicalId(), (System.nanoTime() - start) / 1_000_000);
        }

        CorsPolicy cors = template.cors(values);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        LocalQueues queues = new LocalQueues(
                template, functions, Long.parseLong(options.settings().getOrDefault(VISIBILITY_SETTING, "2000")));
        server.createContext(LocalQueues.PATH, queues);
        server.createContext(
                "/",
                new LocalGateway(
                        new ApiGatewayRoutes(template.httpRoutes()),
                        functions,
                        cors,
                        Files.readString(options.template().resolveSibling("infrastructure/openapi.yaml")),
                        outbox));
        server.start();
        return new LocalApi(dynamoDb, server, queues);
    }

    /**
     * What the local deployment differs in: DynamoDB Local as endpoint, development values where
     * production would need real settings, and no EMF metrics on the terminal.
     */
    private static Map<String, String> localSettings(
            EmbeddedDynamoDb dynamoDb, LocalSecrets secrets, int port, Path outbox) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("DEVSKYY_ENV", "local");
        settings.put("DEVSKYY_METRICS", "off");
        settings.put("AWS_REGION", REGION);
        settings.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.endpoint().toString());
        settings.put("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:" + port + LocalQueues.PATH);
        settings.put("AUTH_SECRET", secrets.authSecret());
        settings.put("AUTH_JWKS", secrets.publicJwks());
        settings.put("PII_DATA_KEY", secrets.personalDataKey());
        settings.put("AUTH_ISSUER", "http://localhost:" + port);
        settings.put("MAIL_OUTBOX_DIR", outbox.toString());
        return settings;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The template's queues, for inspecting what waits in them. */
    public LocalQueues queues() {
        return queues;
    }

    /** Takes DynamoDB Local away while the functions keep running: how outage tests make one. */
    void stopDynamoDb() {
        dynamoDb.close();
    }

    public URI dynamoDbEndpoint() {
        return dynamoDb.endpoint();
    }

    @Override
    public void close() {
        queues.close();
        server.stop(0);
        dynamoDb.close();
    }

    /**
     * Command line and environment options; a flag wins over the environment. {@code settings}
     * are given to every function last, over the local ones (tests point providers at their mock servers).
     */
    public record Options(int port, Path dataDir, Path template, Map<String, String> settings) {

        public Options {
            settings = Map.copyOf(settings);
        }

        public Options(int port, Path dataDir, Path template) {
            this(port, dataDir, template, Map.of());
        }

        public static Options parse(String[] args, Map<String, String> env) {
            String port = env.getOrDefault("PORT", "3000");
            String dataDir = env.getOrDefault("DATA_DIR", ".local-data");
            String template = "template.yaml";
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--port" -> port = require(args[i], value);
                    case "--data-dir" -> dataDir = require(args[i], value);
                    case "--template" -> template = require(args[i], value);
                    default ->
                        throw new IllegalArgumentException(
                                "unknown option " + args[i] + " (options: --port N, --data-dir DIR, --template FILE)");
                }
                i++;
            }
            int portNumber;
            try {
                portNumber = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--port takes a number, not " + port);
            }
            return new Options(
                    portNumber,
                    Path.of(dataDir).toAbsolutePath(),
                    Path.of(template).toAbsolutePath());
        }

        private static String require(String option, String value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }
    }
}

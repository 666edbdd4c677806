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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
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
 * {@code template.yaml} in the working directory), {@code --cors-origins A,B} (or
 * {@code CORS_ALLOWED_ORIGINS}, default {@link #DEV_SERVER_ORIGINS}): the browser origins allowed to
 * call the API, with credentials; {@code --super-admin-email E} (or {@code DEVSKYY_SUPER_ADMIN_EMAIL}):
 * the account that becomes platform super admin when it signs up.
 */
public final class LocalApi implements AutoCloseable {

    private static final String REGION = "us-east-1";

    /** The auth secret's name in the local Secrets Manager (AuthSecretArn in AWS). */
    static final String AUTH_SECRET_NAME = "devskyy/local/auth";

    /** The usual frontend dev servers (Vite, Angular, Next on its fallback port, Astro, webpack), on both loopback names. */
    static final List<String> DEV_SERVER_ORIGINS = Stream.of(5173, 5174, 4200, 3001, 4321, 8080)
            .flatMap(port -> Stream.of("http://localhost:" + port, "http://127.0.0.1:" + port))
            .toList();

    /** How long a delivered message stays invisible locally (SQS's visibility timeout, shortened for development). */
    static final String VISIBILITY_SETTING = "LOCAL_SQS_VISIBILITY_MS";

    /** How the local Step Functions scales the definitions' retry intervals (1: as written; tests shorten them). */
    static final String RETRY_SCALE_SETTING = "LOCAL_SFN_RETRY_SCALE";

    private final EmbeddedDynamoDb dynamoDb;
    private final HttpServer server;
    private final LocalQueues queues;
    private final LocalLambda lambda;
    private final LocalStepFunctions stepFunctions;
    private final Map<String, Map<String, String>> settings;

    private LocalApi(
            EmbeddedDynamoDb dynamoDb,
            HttpServer server,
            LocalQueues queues,
            LocalLambda lambda,
            LocalStepFunctions stepFunctions,
            Map<String, Map<String, String>> settings) {
        this.dynamoDb = dynamoDb;
        this.settings = Map.copyOf(settings);
        this.server = server;
        this.queues = queues;
        this.lambda = lambda;
        this.stepFunctions = stepFunctions;
    }

    public static void main(String[] args) throws Exception {
        // Before the first logger exists: humans read this server's logs, so plain lines, not JSON.
        System.setProperty("log4j2.configurationFile", "classpath:log4j2-local.xml");
        Options options = Options.parse(args, System.getenv());
        LocalApi api = start(options);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(api::close));
        Logger log = LoggerFactory.getLogger(LocalApi.class);
        log.info(
                "browser origins allowed (--cors-origins, CORS_ALLOWED_ORIGINS): {}",
                String.join(", ", options.corsOrigins()));
        log.info(
                "scheduled jobs (--schedules, LOCAL_SCHEDULES) are {}; /docs/jobs runs one now",
                options.schedules() ? "on" : "off");
        options.superAdminEmail()
                .ifPresent(email -> log.info(
                        "the account {} becomes platform super admin when it signs up (--super-admin-email)", email));
        log.info("local API listening on http://localhost:{} (docs at /docs)", api.port());
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
        LocalSecrets secrets = LocalSecrets.load(options.dataDir());
        // Served from the start: the auth function reads its secret while it starts.
        LocalSecretsManager secretsManager = new LocalSecretsManager(
                options.dataDir().resolve("secrets").resolve("manager"), REGION, Clock.systemUTC());
        server.createContext(LocalSecretsManager.PATH, secretsManager);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        Map<String, String> localSettings = localSettings(
                dynamoDb,
                secrets,
                secretsManager.ensure(AUTH_SECRET_NAME, secrets.authSecret()),
                server.getAddress().getPort(),
                outbox);
        // Emailed links point at the local frontend: the first allowed origin.
        localSettings.put("APP_BASE_URL", options.corsOrigins().getFirst());
        // The knowledge base's vectors beside the DynamoDB Local files, so both survive a restart.
        localSettings.put(
                "KNOWLEDGE_LUCENE_DIR",
                options.dataDir().resolve("knowledge-vectors").toString());
        localSettings.put("CORS_ALLOWED_ORIGINS", String.join(",", options.corsOrigins()));
        options.superAdminEmail().ifPresent(email -> localSettings.put("AUTH_LOCAL_SUPER_ADMIN_EMAIL", email));
        try (DynamoDbClient client = new AwsClients(Config.of(localSettings)).dynamoDb()) {
            dynamoDb.createTables(client, template.tables());
        }

        Map<String, FunctionInvoker> functions = new LinkedHashMap<>();
        Map<String, Map<String, String>> startedWith = new LinkedHashMap<>();
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
            startedWith.put(function.logicalId(), Map.copyOf(settings));
            long start = System.nanoTime();
            functions.put(
                    function.logicalId(),
                    FunctionStarter.start(function.mainClass(values), function.definition(values), settings));
            log.info("started {} in {} ms", function.logicalId(), (System.nanoTime() - start) / 1_000_000);
        }

        CorsPolicy cors = template.cors(values).withOrigins(options.corsOrigins());
        LocalLambda lambda = new LocalLambda(functions);
        server.createContext(LocalLambda.PATH, lambda);
        LocalQueues queues = new LocalQueues(
                template, lambda, Long.parseLong(options.settings().getOrDefault(VISIBILITY_SETTING, "2000")));
        server.createContext(LocalQueues.PATH, queues);
        LocalStepFunctions stepFunctions = new LocalStepFunctions(
                template,
                options.template(),
                values,
                lambda,
                Double.parseDouble(options.settings().getOrDefault(RETRY_SCALE_SETTING, "1")));
        server.createContext(LocalStepFunctions.PATH, stepFunctions);
        LocalSchedules schedules = new LocalSchedules(template.schedules(), lambda, Clock.systemUTC());
        server.createContext(LocalSchedules.PATH, schedules);
        if (options.schedules()) {
            schedules.start();
        }
        server.createContext(
                LocalObjects.PATH, new LocalObjects(options.dataDir().resolve("objects"), REGION, Clock.systemUTC()));
        server.createContext(
                "/",
                new LocalGateway(
                        new ApiGatewayRoutes(template.httpRoutes()),
                        functions,
                        cors,
                        options.template().resolveSibling("infrastructure/openapi.yaml"),
                        outbox));
        return new LocalApi(dynamoDb, server, queues, lambda, stepFunctions, startedWith);
    }

    /**
     * What the local deployment differs in: DynamoDB Local as endpoint, development values where
     * production would need real settings, and no EMF metrics on the terminal.
     */
    private static Map<String, String> localSettings(
            EmbeddedDynamoDb dynamoDb, LocalSecrets secrets, String authSecretArn, int port, Path outbox) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("DEVSKYY_ENV", "local");
        settings.put("DEVSKYY_METRICS", "off");
        settings.put("AWS_REGION", REGION);
        settings.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.endpoint().toString());
        settings.put("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:" + port + LocalQueues.PATH);
        settings.put("AWS_ENDPOINT_URL_SFN", "http://127.0.0.1:" + port + LocalStepFunctions.PATH);
        settings.put("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + port + LocalObjects.PATH);
        // Lambda's Invoke (the maintenance routes run a job now): the SDK adds /2015-03-31/functions/… itself.
        settings.put("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:" + port);
        settings.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:" + port + LocalSecretsManager.PATH);
        settings.put("AUTH_SECRET_ARN", authSecretArn);
        settings.put("PII_DATA_KEY", secrets.personalDataKey());
        settings.put("AUTH_ISSUER", "http://localhost:" + port);
        settings.put("MAIL_OUTBOX_DIR", outbox.toString());
        // No S3 Vectors bucket locally: the knowledge base keeps its vectors in a Lucene index.
        settings.put("KNOWLEDGE_VECTOR_BUCKET", "");
        return settings;
    }

    /** The environment a function of the template was started with (by logical id): to start it again elsewhere. */
    public Map<String, String> settings(String logicalId) {
        Map<String, String> started = settings.get(logicalId);
        if (started == null) {
            throw new IllegalArgumentException("no function " + logicalId + " in the template");
        }
        return started;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The template's queues, for inspecting what waits in them. */
    public LocalQueues queues() {
        return queues;
    }

    /**
     * Invokes a function of the template directly, by logical id, as Lambda's Invoke does for an
     * IAM principal (the auth operations function has no other way in); the raw answer, or for a
     * function error its {@code errorType} and {@code errorMessage}, as Lambda's Invoke answers.
     */
    byte[] invoke(String logicalId, byte[] event) {
        if (!lambda.exists(logicalId)) {
            throw new IllegalArgumentException("no function " + logicalId + " in the template");
        }
        try {
            return lambda.invoke(logicalId, event);
        } catch (LocalLambda.FunctionError failed) {
            return failed.payload().getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The template's state machines and their executions. */
    public LocalStepFunctions stepFunctions() {
        return stepFunctions;
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
    public record Options(
            int port,
            Path dataDir,
            Path template,
            Map<String, String> settings,
            List<String> corsOrigins,
            Optional<String> superAdminEmail,
            boolean schedules) {

        public Options {
            settings = Map.copyOf(settings);
            corsOrigins = List.copyOf(corsOrigins);
            if (corsOrigins.isEmpty() || corsOrigins.contains("*")) {
                throw new IllegalArgumentException("--cors-origins takes origins such as http://localhost:5173, not *");
            }
        }

        public Options(int port, Path dataDir, Path template, Map<String, String> settings) {
            this(port, dataDir, template, settings, DEV_SERVER_ORIGINS, Optional.empty(), false);
        }

        public Options(int port, Path dataDir, Path template) {
            this(port, dataDir, template, Map.of());
        }

        public static Options parse(String[] args, Map<String, String> env) {
            String port = env.getOrDefault("PORT", "3000");
            String dataDir = env.getOrDefault("DATA_DIR", ".local-data");
            String template = "template.yaml";
            String origins = env.getOrDefault("CORS_ALLOWED_ORIGINS", String.join(",", DEV_SERVER_ORIGINS));
            String superAdmin = env.get("DEVSKYY_SUPER_ADMIN_EMAIL");
            String schedules = env.getOrDefault("LOCAL_SCHEDULES", "off");
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--port" -> port = require(args[i], value);
                    case "--data-dir" -> dataDir = require(args[i], value);
                    case "--template" -> template = require(args[i], value);
                    case "--cors-origins" -> origins = require(args[i], value);
                    case "--super-admin-email" -> superAdmin = require(args[i], value);
                    case "--schedules" -> schedules = require(args[i], value);
                    default ->
                        throw new IllegalArgumentException("unknown option " + args[i]
                                + " (options: --port N, --data-dir DIR, --template FILE, --cors-origins A,B,"
                                + " --super-admin-email EMAIL, --schedules on|off)");
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
                    Path.of(template).toAbsolutePath(),
                    Map.of(),
                    Arrays.stream(origins.split(","))
                            .map(String::strip)
                            .filter(o -> !o.isEmpty())
                            .toList(),
                    Optional.ofNullable(superAdmin).filter(s -> !s.isBlank()),
                    switch (schedules) {
                        case "on" -> true;
                        case "off" -> false;
                        default -> throw new IllegalArgumentException("--schedules takes on or off, not " + schedules);
                    });
        }

        private static String require(String option, String value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }
    }
}

package app.devskyy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import app.devskyy.core.Json;
import app.devskyy.core.events.ScheduleExpression;
import app.devskyy.core.testing.Events;
import app.devskyy.core.testing.TemplateTables;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * template.yaml against the official SAM schema, and the invariants the project keeps: every
 * function on java25 with SnapStart and a live alias, through FunctionInvoker, naming a function
 * its initializer registers.
 */
class TemplateTest {

    static SamTemplate template;
    static LocalValues values;

    @BeforeAll
    static void load() throws Exception {
        template = SamTemplate.load(Events.repositoryRoot().resolve("template.yaml"));
        values = new LocalValues(template.parameterDefaults(), "us-east-1");
    }

    @Test
    void shortFormIntrinsicsAreReadIntoTheirLongForms() {
        JsonNode tables =
                template.root().at("/Resources/HealthFunction/Properties/Environment/Variables/HEALTH_TABLES");
        assertThat(tables.get("Fn::Sub").asString()).startsWith("idempotency=${IdempotencyTable}");
        JsonNode arn = template.root().at("/Resources/HealthFunction/Properties/Policies/0/Statement/0/Resource/0");
        assertThat(arn.get("Fn::GetAtt")).hasSize(2);
        assertThat(arn.get("Fn::GetAtt").get(0).asString()).isEqualTo("IdempotencyTable");
    }

    @Test
    void templateIsValidAgainstTheOfficialSamSchema() {
        List<Error> errors = samSchema().validate(template.root());
        assertThat(errors).as("SAM schema violations").isEmpty();
    }

    @Test
    void theSchemaCheckCatchesABrokenFunction() {
        ObjectNode broken = (ObjectNode) template.root().deepCopy();
        ((ObjectNode) broken.at("/Resources/HealthFunction/Properties"))
                .put("MemorySize", "a lot")
                .put("NoSuchProperty", true);
        assertThat(samSchema().validate(broken)).isNotEmpty();
    }

    /** The official SAM schema; the test is reported skipped, never passed, where it is absent. */
    private static Schema samSchema() {
        Path schemaFile = Events.repositoryRoot().resolveSibling("shared").resolve("schemas/sam.schema.json");
        assumeThat(Files.exists(schemaFile))
                .as("the SAM schema at " + schemaFile)
                .isTrue();
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                .getSchema(Json.MAPPER.readTree(schemaFile.toFile()));
    }

    @Test
    void everyFunctionRunsOnJava25WithSnapStartAndALiveAlias() {
        JsonNode globals = template.root().path("Globals").path("Function");
        assertThat(template.functions()).isNotEmpty();
        for (SamTemplate.FunctionSpec function : template.functions()) {
            JsonNode own = function.properties();
            assertThat(setting(own, globals, "Runtime").asString())
                    .as(function.logicalId())
                    .isEqualTo("java25");
            assertThat(setting(own, globals, "SnapStart").path("ApplyOn").asString())
                    .as(function.logicalId())
                    .isEqualTo("PublishedVersions");
            assertThat(setting(own, globals, "AutoPublishAlias").asString())
                    .as(function.logicalId())
                    .isEqualTo("live");
            assertThat(setting(own, globals, "Handler").asString())
                    .as(function.logicalId())
                    .isEqualTo("org.springframework.cloud.function.adapter.aws.FunctionInvoker::handleRequest");
            assertThat(setting(own, globals, "Tracing").asString()).isEqualTo("Active");
            assertThat(own.path("LoggingConfig").has("LogGroup"))
                    .as(function.logicalId() + " has its own log group")
                    .isTrue();
        }
    }

    @Test
    void everyDefinitionNamesAFunctionItsInitializerRegisters(@TempDir Path dataDir) throws Exception {
        LocalSecrets secrets = LocalSecrets.load(dataDir);
        // The auth function reads its secret while it is built: from a local Secrets Manager, as locally.
        try (LocalSecretsManager.Served secretsManager = LocalSecretsManager.serve(
                dataDir.resolve("secrets-manager"), LocalApi.AUTH_SECRET_NAME, secrets.authSecret())) {
            Map<String, String> settings = Map.of(
                    "DEVSKYY_ENV",
                    "local",
                    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
                    secretsManager.endpoint(),
                    "AUTH_SECRET_ARN",
                    secretsManager.arn(),
                    "PII_DATA_KEY",
                    secrets.personalDataKey(),
                    "MAIL_OUTBOX_DIR",
                    dataDir.resolve("outbox").toString());
            everyDefinitionIsRegistered(settings);
        }
    }

    private void everyDefinitionIsRegistered(Map<String, String> settings) throws Exception {
        for (SamTemplate.FunctionSpec function : template.functions()) {
            String mainClass = function.mainClass(values);
            String definition = function.definition(values);
            assertThat(mainClass).as(function.logicalId() + " MAIN_CLASS").isNotBlank();
            assertThat(definition)
                    .as(function.logicalId() + " SPRING_CLOUD_FUNCTION_DEFINITION")
                    .isNotBlank();
            @SuppressWarnings("unchecked")
            ApplicationContextInitializer<GenericApplicationContext> initializer =
                    (ApplicationContextInitializer<GenericApplicationContext>)
                            Class.forName(mainClass).getDeclaredConstructor().newInstance();
            try (GenericApplicationContext context = new GenericApplicationContext()) {
                settings.forEach(System::setProperty);
                try {
                    initializer.initialize(context);
                } finally {
                    settings.keySet().forEach(System::clearProperty);
                }
                assertThat(context.containsBeanDefinition(definition))
                        .as(function.logicalId() + " registers " + definition)
                        .isTrue();
            }
        }
    }

    @Test
    void everyRouteGoesToAFunctionOfTheTemplate() {
        List<String> functionIds = template.functions().stream()
                .map(SamTemplate.FunctionSpec::logicalId)
                .toList();
        assertThat(template.httpRoutes()).isNotEmpty();
        assertThat(template.httpRoutes())
                .allSatisfy(route -> assertThat(functionIds).contains(route.functionId()));
    }

    @Test
    void tablesKeepTheirDataAndExpireThroughTtl() {
        assertThat(template.tables()).isNotEmpty();
        for (TemplateTables.Table table : template.tables()) {
            JsonNode resource = template.root().path("Resources").path(table.logicalId());
            assertThat(resource.path("DeletionPolicy").asString())
                    .as(table.logicalId())
                    .isEqualTo("Retain");
            // The people's keys alone have no point-in-time recovery: a key an erasure deleted must stay deleted.
            boolean keys = table.logicalId().equals("DataKeyTable");
            assertThat(table.properties()
                            .at("/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled")
                            .asBoolean())
                    .as(table.logicalId() + " PITR")
                    .isEqualTo(!keys);
            if (keys) {
                assertThat(table.properties().path("DeletionProtectionEnabled").asBoolean())
                        .isTrue();
            }
            assertThat(table.properties().path("BillingMode").asString()).isEqualTo("PAY_PER_REQUEST");
        }
    }

    /**
     * Every schedule is one EventBridge Scheduler can run and the jobs route and the local server
     * read alike: an expression of the supported subset in UTC, Scheduler's placeholders in the
     * input (the scheduled time is what a job is idempotent on), retries and a dead-letter queue;
     * it targets a function (through its live alias, SAM's AutoPublishAlias) whose definition is
     * registered, which everyDefinitionNamesAFunctionItsInitializerRegisters checks.
     */
    @Test
    void everyScheduleRunsAJobWithItsScheduledTimeRetriesAndADeadLetterQueue() {
        List<SamTemplate.Schedule> schedules = template.schedules();
        assertThat(schedules).hasSizeGreaterThanOrEqualTo(3);
        assertThat(template.root().at("/Globals/Function/AutoPublishAlias").asString())
                .isEqualTo("live");
        for (SamTemplate.Schedule schedule : schedules) {
            assertThat(ScheduleExpression.parse(schedule.expression()).next(Instant.EPOCH))
                    .isAfter(Instant.EPOCH);
            assertThat(schedule.timezone()).isEqualTo("UTC");
            assertThat(schedule.input())
                    .contains(
                            "<aws.scheduler.scheduled-time>",
                            "<aws.scheduler.execution-id>",
                            "<aws.scheduler.schedule-arn>");
            JsonNode properties = template.root()
                    .path("Resources")
                    .path(schedule.functionId())
                    .path("Properties")
                    .path("Events")
                    .path("Schedule")
                    .path("Properties");
            assertThat(properties.at("/RetryPolicy/MaximumRetryAttempts").asInt())
                    .isPositive();
            assertThat(properties.at("/DeadLetterConfig/Type").asString()).isEqualTo("SQS");
            String job =
                    schedule.functionId().substring(0, schedule.functionId().length() - "Function".length());
            assertThat(template.root().path("Resources").has(job + "ErrorsAlarm"))
                    .as(schedule.functionId() + " has an alarm")
                    .isTrue();
        }
    }

    private static JsonNode setting(JsonNode own, JsonNode globals, String name) {
        return own.has(name) ? own.get(name) : globals.path(name);
    }

    /**
     * Every Task of every state machine names a function of the template through its {@code live}
     * alias (a substitution {@code !Ref <Function>.Alias}), the state machine may invoke exactly
     * those aliases, and the functions named are step functions of the agents family.
     */
    @Test
    void everyAslTaskNamesARegisteredStepFunctionThroughItsAlias() throws Exception {
        Map<String, JsonNode> machines = template.resources("AWS::Serverless::StateMachine");
        assertThat(machines).isNotEmpty();
        Set<String> functions = new TreeSet<>();
        template.functions().forEach(f -> functions.add(f.logicalId()));
        for (var machine : machines.entrySet()) {
            JsonNode properties = machine.getValue();
            JsonNode definition = Json.tree(Files.readAllBytes(Events.repositoryRoot()
                    .resolve(properties.path("DefinitionUri").asString())));
            Set<String> named = new TreeSet<>();
            collectTasks(definition, named);
            assertThat(named).as(machine.getKey() + " tasks").isNotEmpty();
            Set<String> aliases = new TreeSet<>();
            for (String placeholder : named) {
                assertThat(placeholder).as("a Task resource is a substitution").matches("\\$\\{[A-Za-z]+}");
                JsonNode value = properties
                        .path("DefinitionSubstitutions")
                        .path(placeholder.substring(2, placeholder.length() - 1));
                String ref = value.path("Ref").asString("");
                assertThat(ref).as(placeholder + " names a function's alias").endsWith(".Alias");
                String function = ref.substring(0, ref.length() - ".Alias".length());
                assertThat(functions)
                        .as(placeholder + " names a function of the template")
                        .contains(function);
                JsonNode environment = template.root()
                        .path("Resources")
                        .path(function)
                        .path("Properties")
                        .path("Environment")
                        .path("Variables");
                assertThat(environment.path("MAIN_CLASS").asString())
                        .as(function + " is built by a family's initializer")
                        .matches("app\\.devskyy\\.[a-z]+\\.[A-Za-z]+Initializer");
                aliases.add(ref);
            }
            Set<String> invokable = new TreeSet<>();
            properties
                    .path("Policies")
                    .forEach(policy -> policy.path("Statement").forEach(statement -> {
                        if (statement.path("Action").asString("").equals("lambda:InvokeFunction")) {
                            statement
                                    .path("Resource")
                                    .forEach(r -> invokable.add(r.path("Ref").asString()));
                        }
                    }));
            assertThat(invokable)
                    .as(machine.getKey() + " may invoke exactly its tasks' aliases")
                    .isEqualTo(aliases);
        }
    }

    /** The resource of each Task: a Lambda ARN, or the FunctionName of a lambda:invoke integration. */
    private static void collectTasks(JsonNode node, Set<String> named) {
        if (node.isObject()) {
            if ("Task".equals(node.path("Type").asString())) {
                String resource = node.path("Resource").asString();
                named.add(
                        resource.startsWith("arn:aws:states:::lambda:invoke")
                                ? node.path("Parameters").path("FunctionName").asString()
                                : resource);
            }
            node.forEach(child -> collectTasks(child, named));
        } else if (node.isArray()) {
            node.forEach(child -> collectTasks(child, named));
        }
    }
}

package app.devskyy.local;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.auth.AuthInitializer;
import app.devskyy.core.Json;
import app.devskyy.core.http.BodySchema;
import app.devskyy.core.testing.CfnYaml;
import app.devskyy.core.testing.Events;
import app.devskyy.llmproxy.LlmProxyInitializer;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** template.yaml, infrastructure/openapi.yaml and events/ describe the same routes. */
class OpenApiContractTest {

    static SamTemplate template;
    static JsonNode spec;

    @BeforeAll
    static void load() throws IOException {
        Path root = Events.repositoryRoot();
        template = SamTemplate.load(root.resolve("template.yaml"));
        spec = CfnYaml.parse(Files.readString(root.resolve("infrastructure/openapi.yaml")));
    }

    private static Set<String> templateOperations() {
        Set<String> routes = new TreeSet<>();
        template.httpRoutes().stream().filter(r -> !r.path().contains("+}")).forEach(r -> routes.add(r.key()));
        return routes;
    }

    @Test
    void theSpecIsOpenApi31() {
        assertThat(spec.path("openapi").asString()).startsWith("3.1.");
    }

    @Test
    void templateRoutesAndSpecOperationsAreTheSameSet() {
        assertThat(ResponseContract.SPEC.operationKeys()).isEqualTo(templateOperations());
    }

    @Test
    void theFallbackRouteIsDeclaredInBoth() {
        Set<String> greedy = new TreeSet<>();
        template.httpRoutes().stream().filter(r -> r.path().contains("+}")).forEach(r -> greedy.add(r.key()));
        Set<String> declared = new TreeSet<>();
        spec.path("x-fallback-routes").forEach(route -> declared.add(route.asString()));
        assertThat(greedy).isEqualTo(declared);
    }

    @Test
    void requestBodySchemasAreTheFilesTheFunctionsValidateWith() {
        Path root = Events.repositoryRoot();
        spec.path("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    JsonNode schema = op.getValue().at("/requestBody/content/application~1json/schema/$ref");
                    if (!schema.isMissingNode()) {
                        Path file = root.resolve("infrastructure")
                                .resolve(schema.asString())
                                .normalize();
                        assertThat(file).as(op.getKey() + " " + path.getKey()).exists();
                        assertThat(file.toString()).contains("/src/main/resources/schemas/");
                    }
                }));
    }

    @Test
    void everyOperationHasASampleEventAndEverySampleEventHasARoute() throws IOException {
        Set<String> sampled = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Events.repositoryRoot().resolve("events"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                JsonNode event = Json.tree(Files.readAllBytes(file));
                if (event.has("Records")) {
                    // An SQS event (a queue's consumer), not an HTTP request.
                    assertThat(event.at("/Records/0/eventSource").asString())
                            .as(file.toString())
                            .isEqualTo("aws:sqs");
                    continue;
                }
                if (event.has("operation")) {
                    // A direct invocation of the auth operations function (IAM only), not an HTTP request.
                    assertThat(file.getFileName().toString())
                            .as(file.toString())
                            .startsWith("operations-");
                    assertThat(event.path("operation").asString()).isEqualTo("bootstrap-super-admin");
                    continue;
                }
                if (event.has("runId")) {
                    // A Step Functions task's state (an agent run's step), not an HTTP request.
                    assertThat(file.getFileName().toString())
                            .as(file.toString())
                            .startsWith("step-");
                    assertThat(event.path("workspaceId").asString())
                            .as(file.toString())
                            .startsWith("ws_");
                    continue;
                }
                if (event.has("scheduledTime")) {
                    // What EventBridge Scheduler delivers to a maintenance job, not an HTTP request.
                    assertThat(file.getFileName().toString())
                            .as(file.toString())
                            .startsWith("schedule-");
                    assertThat(event.path("scheduleArn").asString()).startsWith("arn:aws:scheduler:");
                    continue;
                }
                if (event.has("action") && !event.has("done")) {
                    // A family's privacy task, ordered by the data subject request state machine.
                    assertThat(file.getFileName().toString())
                            .as(file.toString())
                            .startsWith("privacy-");
                    assertThat(event.path("action").asString()).isIn("export", "erase", "rekey");
                    continue;
                }
                if (event.has("requestId") && !event.has("version")) {
                    // A task's state in the data subject request state machine.
                    assertThat(file.getFileName().toString())
                            .as(file.toString())
                            .startsWith("step-request-");
                    assertThat(event.path("requestId").asString()).startsWith("dsr_");
                    continue;
                }
                if (event.has("detail-type")) {
                    // An EventBridge event (an execution's status change), not an HTTP request.
                    assertThat(file.getFileName().toString())
                            .as(file.toString())
                            .startsWith("eventbridge-");
                    assertThat(event.path("source").asString()).isEqualTo("aws.states");
                    continue;
                }
                assertThat(event.path("version").asString())
                        .as(file + " is payload 2.0")
                        .isEqualTo("2.0");
                String routeKey = event.path("routeKey").asString();
                assertThat(template.httpRoutes().stream().map(SamTemplate.HttpRoute::key))
                        .as(file + " names a route of the template")
                        .contains(routeKey);
                String method = event.at("/requestContext/http/method").asString();
                assertThat(routeKey).as(file + " routeKey matches its method").startsWith(method + " ");
                assertThat(new ApiGatewayRoutes(template.httpRoutes())
                                .select(method, event.path("rawPath").asString())
                                .map(selected -> selected.route().key()))
                        .as(file + " is routed by its routeKey")
                        .contains(routeKey);
                sampled.add(routeKey);
            }
        }
        assertThat(sampled).containsAll(templateOperations());
    }

    @Test
    void swaggerParserReadsTheSpecWithoutAMessage() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser()
                .readLocation(
                        Events.repositoryRoot()
                                .resolve("infrastructure/openapi.yaml")
                                .toUri()
                                .toString(),
                        null,
                        options);
        assertThat(result.getMessages()).isEmpty();
        assertThat(result.getOpenAPI().getPaths()).hasSizeGreaterThan(40);
    }

    /** Swagger UI fills its bodies with these examples: each must pass the function's own validation. */
    @Test
    void everyRequestExampleIsAcceptedByTheFunctionsSchema() {
        List<String> checked = new ArrayList<>();
        spec.path("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    JsonNode media = op.getValue().at("/requestBody/content/application~1json");
                    String ref = media.at("/schema/$ref").asString("");
                    if (ref.isEmpty()) {
                        return;
                    }
                    assertThat(media.has("example"))
                            .as(op.getKey() + " " + path.getKey() + " has an example")
                            .isTrue();
                    String name = ref.substring(ref.lastIndexOf('/') + 1).replace(".json", "");
                    Class<?> owner = ref.contains("/llm-proxy/") ? LlmProxyInitializer.class : AuthInitializer.class;
                    BodySchema.load(owner, name).check(media.get("example"));
                    checked.add(name);
                }));
        assertThat(checked).hasSizeGreaterThan(20);
    }
}

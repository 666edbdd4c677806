package app.devskyy.local;

import app.devskyy.core.http.CorsPolicy;
import app.devskyy.core.testing.CfnYaml;
import app.devskyy.core.testing.TemplateTables;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What the local server and the tests need from {@code template.yaml}: the functions with their
 * environment, the HTTP API routes, the tables and the CORS configuration. The template is the one
 * source of truth; nothing here is declared a second time.
 */
public final class SamTemplate {

    /** An HTTP API route: API Gateway's method ({@code ANY} included) and path template. */
    public record HttpRoute(String method, String path, String functionId) {

        public String key() {
            return method + " " + path;
        }
    }

    /** A function, with the Globals merged in as SAM merges them. */
    public record FunctionSpec(String logicalId, JsonNode properties, Map<String, JsonNode> environment) {

        public String mainClass(LocalValues values) {
            return values.string(environment.get("MAIN_CLASS"));
        }

        public String definition(LocalValues values) {
            return values.string(environment.get("SPRING_CLOUD_FUNCTION_DEFINITION"));
        }
    }

    private final JsonNode root;

    private SamTemplate(JsonNode root) {
        this.root = root;
    }

    public static SamTemplate load(Path file) throws IOException {
        return new SamTemplate(CfnYaml.read(file));
    }

    public JsonNode root() {
        return root;
    }

    /** Each parameter's default value, as text (a list parameter's default is comma-separated). */
    public Map<String, String> parameterDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        root.path("Parameters").properties().forEach(p -> {
            JsonNode value = p.getValue().get("Default");
            if (value != null) {
                defaults.put(p.getKey(), value.asString());
            }
        });
        return defaults;
    }

    public List<FunctionSpec> functions() {
        List<FunctionSpec> functions = new ArrayList<>();
        JsonNode globals =
                root.path("Globals").path("Function").path("Environment").path("Variables");
        resources("AWS::Serverless::Function").forEach((id, properties) -> {
            Map<String, JsonNode> environment = new LinkedHashMap<>();
            globals.properties().forEach(e -> environment.put(e.getKey(), e.getValue()));
            properties
                    .path("Environment")
                    .path("Variables")
                    .properties()
                    .forEach(e -> environment.put(e.getKey(), e.getValue()));
            functions.add(new FunctionSpec(id, properties, environment));
        });
        return functions;
    }

    /** Every {@code HttpApi} event of every function. */
    public List<HttpRoute> httpRoutes() {
        List<HttpRoute> routes = new ArrayList<>();
        resources("AWS::Serverless::Function")
                .forEach((id, properties) -> properties
                        .path("Events")
                        .properties()
                        .forEach(event -> {
                            if ("HttpApi".equals(event.getValue().path("Type").asString())) {
                                JsonNode route = event.getValue().path("Properties");
                                routes.add(new HttpRoute(
                                        route.path("Method").asString().toUpperCase(Locale.ROOT),
                                        route.path("Path").asString(),
                                        id));
                            }
                        }));
        return routes;
    }

    /** A {@code ScheduleV2} event: the function it targets, its expression and its input template. */
    public record Schedule(String functionId, String expression, String timezone, String input) {}

    /** Every {@code ScheduleV2} event of every function. */
    public List<Schedule> schedules() {
        List<Schedule> schedules = new ArrayList<>();
        resources("AWS::Serverless::Function")
                .forEach((id, properties) -> properties
                        .path("Events")
                        .properties()
                        .forEach(event -> {
                            if ("ScheduleV2"
                                    .equals(event.getValue().path("Type").asString())) {
                                JsonNode schedule = event.getValue().path("Properties");
                                schedules.add(new Schedule(
                                        id,
                                        schedule.path("ScheduleExpression").asString(),
                                        schedule.path("ScheduleExpressionTimezone")
                                                .asString("UTC"),
                                        schedule.path("Input").asString("{}")));
                            }
                        }));
        return schedules;
    }

    public List<TemplateTables.Table> tables() {
        return TemplateTables.of(root);
    }

    /** The CORS policy of the (one) HTTP API, with parameters at their defaults. */
    public CorsPolicy cors(LocalValues values) {
        JsonNode cors = resources("AWS::Serverless::HttpApi").values().stream()
                .map(p -> p.path("CorsConfiguration"))
                .findFirst()
                .orElseThrow();
        return new CorsPolicy(
                values.list(cors.get("AllowOrigins")),
                values.list(cors.get("AllowMethods")),
                values.list(cors.get("AllowHeaders")),
                values.list(cors.get("ExposeHeaders")),
                cors.path("AllowCredentials").asBoolean(false),
                cors.path("MaxAge").asInt(0));
    }

    /** Resource logical id to its {@code Properties}, for one resource type, in template order. */
    public Map<String, JsonNode> resources(String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        root.path("Resources").properties().forEach(r -> {
            if (type.equals(r.getValue().path("Type").asString())) {
                found.put(r.getKey(), r.getValue().path("Properties"));
            }
        });
        return found;
    }
}

package app.devskyy.local;

import app.devskyy.core.Json;
import app.devskyy.core.testing.CfnYaml;
import app.devskyy.core.testing.Events;
import com.networknt.schema.Error;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * The spec as a check of live answers: finds the operation a request path belongs to, the response
 * the spec declares for the answer's status, and validates the body against that response's schema
 * for the answer's media type (JSON Schema 2020-12, formats asserted, so a time that is not RFC 3339
 * fails). Every answer of the end-to-end tests' {@link ApiClient} passes through it, and
 * {@link ResponseContractTest} replays the sample events through it.
 */
final class ResponseContract {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    static final ResponseContract SPEC = load();

    private static final String BASE = "https://contract.devskyy.test/openapi.json";

    record Operation(String method, String template, Pattern pattern, JsonNode node) {

        /** {@code METHOD /template}, as template.yaml names routes. */
        String key() {
            return method + " " + template;
        }
    }

    private final JsonNode spec;
    private final List<Operation> operations;
    private final SchemaRegistry registry;
    /** (operation, status) pairs answered and validated: what the coverage assertion counts. */
    final Set<String> validated = ConcurrentHashMap.newKeySet();

    private ResponseContract(JsonNode spec) {
        this.spec = spec;
        List<Operation> found = new ArrayList<>();
        spec.path("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    if (!METHODS.contains(op.getKey())) {
                        return;
                    }
                    String template = path.getKey();
                    String regex = Pattern.quote(template).replaceAll("\\{[A-Za-z]+}", "\\\\E[^/]+\\\\Q");
                    found.add(new Operation(
                            op.getKey().toUpperCase(Locale.ROOT), template, Pattern.compile(regex), op.getValue()));
                }));
        // Of the operations a path matches, the one with the most literal text wins, as in API Gateway.
        found.sort(Comparator.comparingInt((Operation o) ->
                        o.template().replaceAll("\\{[^}]+}", "").length())
                .reversed());
        this.operations = List.copyOf(found);
        this.registry = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemas(Map.of(BASE, Json.write(spec)))
                        .schemaRegistryConfig(SchemaRegistryConfig.builder()
                                .formatAssertionsEnabled(true)
                                .build()));
    }

    private static ResponseContract load() {
        Path file = Events.repositoryRoot().resolve("infrastructure/openapi.yaml");
        try {
            return new ResponseContract(DocsPage.bundled(CfnYaml.parse(Files.readString(file)), file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every operation the spec declares, as {@code METHOD /template}. */
    Set<String> operationKeys() {
        return operations.stream().map(Operation::key).collect(Collectors.toCollection(TreeSet::new));
    }

    Optional<Operation> operation(String method, String path) {
        String bare = path.split("\\?", 2)[0];
        return operations.stream()
                .filter(o ->
                        o.method().equals(method) && o.pattern().matcher(bare).matches())
                .findFirst();
    }

    /**
     * The violations of one answer: empty when it matches the spec. {@code strict} also counts a
     * status the operation does not declare; otherwise only 2xx and 5xx ones are (a client error the
     * spec does not list is a documentation gap, a success or server error a broken contract).
     */
    List<String> violations(String method, String path, int status, String contentType, String body, boolean strict) {
        Optional<Operation> operation = operation(method, path);
        if (operation.isEmpty()) {
            return List.of(); // the fallback routes' 404 and 405: not operations
        }
        Operation op = operation.get();
        String where = method + " " + op.template() + " " + status;
        JsonNode response = op.node().path("responses").path(Integer.toString(status));
        if (response.isMissingNode()) {
            boolean counts = strict || status < 400 || status >= 500;
            return counts ? List.of(where + ": status not declared by the spec") : List.of();
        }
        String pointer =
                "/paths/" + escape(op.template()) + "/" + method.toLowerCase(Locale.ROOT) + "/responses/" + status;
        String ref = response.path("$ref").asString("");
        if (ref.startsWith("#")) {
            pointer = ref.substring(1);
            response = spec.at(pointer);
        }
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            return body.isEmpty() ? done(where) : List.of(where + ": the spec declares no body, the answer has one");
        }
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!content.has(mediaType)) {
            return List.of(where + ": media type " + mediaType + " not declared (" + content.propertyNames() + ")");
        }
        JsonNode document;
        try {
            document = Json.tree(body.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException notJson) {
            return List.of(where + ": the body is not JSON");
        }
        List<Error> errors = registry.getSchema(
                        SchemaLocation.of(BASE + "#" + pointer + "/content/" + escape(mediaType) + "/schema"))
                .validate(document);
        if (!errors.isEmpty()) {
            return errors.stream()
                    .map(e -> where + ": " + e.getInstanceLocation() + " " + e.getMessage())
                    .toList();
        }
        return done(where);
    }

    private List<String> done(String where) {
        validated.add(where);
        return List.of();
    }

    private static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}

package app.devskyy.core.http;

import app.devskyy.core.Json;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A request body schema (JSON Schema 2020-12), loaded once from the classpath. The same files are
 * referenced by {@code infrastructure/openapi.yaml}, so the contract and the check cannot drift.
 */
public final class BodySchema {

    private static final SchemaRegistry REGISTRY =
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final Schema schema;

    private BodySchema(Schema schema) {
        this.schema = schema;
    }

    /** Loads {@code /schemas/<name>.json} from the classpath of {@code owner}. */
    public static BodySchema load(Class<?> owner, String name) {
        String resource = "/schemas/" + name + ".json";
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing schema resource " + resource);
            }
            return new BodySchema(REGISTRY.getSchema(Json.MAPPER.readTree(in)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Throws a 422 problem listing every violation (for documents a route assembles from parts of its body). */
    public void check(JsonNode document) {
        List<Error> errors = schema.validate(document);
        if (!errors.isEmpty()) {
            throw ApiProblem.validation(
                    errors.stream().map(BodySchema::toFieldError).toList());
        }
    }

    private static FieldError toFieldError(Error error) {
        String pointer = pointer(error);
        return new FieldError(pointer, error.getKeyword() + ": " + describe(error));
    }

    private static String pointer(Error error) {
        var path = error.getInstanceLocation();
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            pointer.append('/').append(element.toString().replace("~", "~0").replace("/", "~1"));
        }
        if (error.getProperty() != null && "required".equals(error.getKeyword())) {
            pointer.append('/').append(error.getProperty());
        }
        return pointer.toString();
    }

    /**
     * The validator's message names the instance location first ("$.name: ..."); the pointer
     * already says where, so keep only what is wrong. Messages never quote the offending value.
     */
    private static String describe(Error error) {
        String message = error.getMessage();
        int colon = message.indexOf(": ");
        return colon >= 0 && message.startsWith("$") ? message.substring(colon + 2) : message;
    }
}

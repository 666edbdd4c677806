package app.devskyy.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The DynamoDB tables that template.yaml defines: the one source the local server and every test create them from. */
public final class TemplateTables {

    /** An {@code AWS::DynamoDB::Table} resource: its logical id (the local table name) and its properties. */
    public record Table(String logicalId, JsonNode properties) {}

    private TemplateTables() {}

    public static List<Table> of(JsonNode template) {
        List<Table> tables = new ArrayList<>();
        template.path("Resources").properties().forEach(resource -> {
            if ("AWS::DynamoDB::Table".equals(resource.getValue().path("Type").asString(""))) {
                tables.add(new Table(resource.getKey(), resource.getValue().path("Properties")));
            }
        });
        return tables;
    }

    public static List<Table> of(Path template) {
        try {
            return of(CfnYaml.read(template));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

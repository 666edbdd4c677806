package app.devskyy.core.testing;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import tools.jackson.databind.JsonNode;

/**
 * DynamoDB Local (the {@code com.amazonaws:DynamoDBLocal} engine) inside this JVM, on a free
 * loopback port, with its database file in a folder that survives restarts.
 */
public final class EmbeddedDynamoDb implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDynamoDb.class);

    private final DynamoDBProxyServer server;
    private final URI endpoint;

    private EmbeddedDynamoDb(DynamoDBProxyServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    /**
     * Starts the engine. {@code dataDir} null keeps the data in memory (what most tests want).
     * sqlite4java's native library is looked up in {@code sqlite4java.library.path}, or else
     * beside the jars of the classpath (the build copies it to {@code target/lib}).
     */
    public static EmbeddedDynamoDb start(Path dataDir) {
        if (System.getProperty("sqlite4java.library.path") == null) {
            System.setProperty("sqlite4java.library.path", libraryDirectory().toString());
        }
        // A free port can be taken between the look-up and the bind: try another, twice.
        for (int attempt = 1; ; attempt++) {
            int port = LoopbackPorts.free();
            List<String> arguments = new ArrayList<>(List.of("-port", Integer.toString(port), "-disableTelemetry"));
            try {
                if (dataDir == null) {
                    arguments.addAll(List.of("-inMemory", "-sharedDb"));
                } else {
                    Files.createDirectories(dataDir);
                    arguments.addAll(List.of("-dbPath", dataDir.toString(), "-sharedDb"));
                }
                DynamoDBProxyServer server =
                        ServerRunner.createServerFromCommandLineArgs(arguments.toArray(String[]::new));
                server.start();
                return new EmbeddedDynamoDb(server, URI.create("http://127.0.0.1:" + port));
            } catch (Exception e) {
                if (attempt == 3) {
                    throw new IllegalStateException("DynamoDB Local did not start", e);
                }
            }
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Creates each table of the template that does not exist yet, under its logical id. */
    public void createTables(DynamoDbClient dynamoDb, List<TemplateTables.Table> tables) {
        for (TemplateTables.Table table : tables) {
            try {
                dynamoDb.createTable(createRequest(table));
                LOG.info("created table {}", table.logicalId());
            } catch (ResourceInUseException exists) {
                continue;
            }
            JsonNode ttl = table.properties().path("TimeToLiveSpecification");
            if (ttl.path("Enabled").asBoolean(false)) {
                dynamoDb.updateTimeToLive(r -> r.tableName(table.logicalId())
                        .timeToLiveSpecification(TimeToLiveSpecification.builder()
                                .attributeName(ttl.path("AttributeName").asString())
                                .enabled(true)
                                .build()));
            }
        }
    }

    static CreateTableRequest createRequest(TemplateTables.Table table) {
        JsonNode properties = table.properties();
        List<AttributeDefinition> attributes = new ArrayList<>();
        properties
                .path("AttributeDefinitions")
                .forEach(a -> attributes.add(AttributeDefinition.builder()
                        .attributeName(a.path("AttributeName").asString())
                        .attributeType(a.path("AttributeType").asString())
                        .build()));
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        properties.path("GlobalSecondaryIndexes").forEach(index -> {
            JsonNode projection = index.path("Projection");
            List<String> nonKey = new ArrayList<>();
            projection.path("NonKeyAttributes").forEach(n -> nonKey.add(n.asString()));
            indexes.add(GlobalSecondaryIndex.builder()
                    .indexName(index.path("IndexName").asString())
                    .keySchema(keySchema(index.path("KeySchema")))
                    .projection(Projection.builder()
                            .projectionType(projection.path("ProjectionType").asString("ALL"))
                            .nonKeyAttributes(nonKey.isEmpty() ? null : nonKey)
                            .build())
                    .build());
        });
        return CreateTableRequest.builder()
                .tableName(table.logicalId())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attributes)
                .keySchema(keySchema(properties.path("KeySchema")))
                .globalSecondaryIndexes(indexes.isEmpty() ? null : indexes)
                .build();
    }

    private static List<KeySchemaElement> keySchema(JsonNode keys) {
        List<KeySchemaElement> elements = new ArrayList<>();
        keys.forEach(k -> elements.add(KeySchemaElement.builder()
                .attributeName(k.path("AttributeName").asString())
                .keyType(k.path("KeyType").asString())
                .build()));
        return elements;
    }

    private static Path libraryDirectory() {
        try {
            // sqlite4java is a runtime dependency of DynamoDB Local, so it is looked up by name.
            Class<?> sqlite = Class.forName("com.almworks.sqlite4java.SQLite");
            Path jar = Path.of(
                    sqlite.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot locate sqlite4java's native library; set sqlite4java.library.path", e);
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("DynamoDB Local did not stop cleanly: {}", e.getClass().getName());
        }
    }
}

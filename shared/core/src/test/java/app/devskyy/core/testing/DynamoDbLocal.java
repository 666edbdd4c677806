package app.devskyy.core.testing;

import java.net.URI;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local for tests beside the code ({@code @ExtendWith(DynamoDbLocal.class)}): one
 * in-memory engine per JVM with the tables of template.yaml created once, under their logical ids,
 * so that a store's test runs against the same tables the template deploys. Tests keep apart by
 * the ids they write (a workspace or user of their own), not by tables of their own.
 */
public final class DynamoDbLocal implements BeforeAllCallback {

    private static EmbeddedDynamoDb engine;
    private static DynamoDbClient client;

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    private static synchronized void start() {
        if (engine != null) {
            return;
        }
        engine = EmbeddedDynamoDb.start(null);
        client = DynamoDbClient.builder()
                .endpointOverride(engine.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
        engine.createTables(client, TemplateTables.of(Events.repositoryRoot().resolve("template.yaml")));
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(engine::close));
    }

    /** A client of the engine, as a function's would be. */
    public static DynamoDbClient client() {
        start();
        return client;
    }

    public static URI endpoint() {
        start();
        return engine.endpoint();
    }
}

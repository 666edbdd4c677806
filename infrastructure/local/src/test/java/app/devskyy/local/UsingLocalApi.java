package app.devskyy.local;

import app.devskyy.core.testing.Events;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A test class that talks to its own local API, with a data folder of its own. */
abstract class UsingLocalApi {

    @TempDir
    static Path dataDir;

    static LocalApi api;

    @BeforeAll
    static void startLocalApi() throws IOException {
        // Plans arranged by a test apply at once: no entitlement is cached.
        api = LocalApi.start(new LocalApi.Options(
                0,
                dataDir,
                Events.repositoryRoot().resolve("template.yaml"),
                Map.of("BILLING_ENTITLEMENTS_CACHE_SECONDS", "0")));
    }

    @AfterAll
    static void stopLocalApi() {
        api.close();
    }

    /** A client of the local API's DynamoDB Local, for arranging and inspecting state. */
    static DynamoDbClient dynamoDb() {
        return dynamoDb(api);
    }

    /** The same, for test classes that start a local API of their own (with settings of their own). */
    static DynamoDbClient dynamoDb(LocalApi api) {
        return DynamoDbClient.builder()
                .endpointOverride(api.dynamoDbEndpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    /** Arranges a paid plan for a workspace, as the payment provider's webhook records it: directly in the table. */
    static void subscribe(LocalApi api, String workspaceId, String plan) {
        try (DynamoDbClient dynamoDb = dynamoDb(api)) {
            dynamoDb.putItem(r -> r.tableName("BillingTable")
                    .item(Map.of(
                            "pk", AttributeValue.fromS("WS#" + workspaceId),
                            "sk", AttributeValue.fromS("SUBSCRIPTION"),
                            "provider", AttributeValue.fromS("stripe"),
                            "subscriptionId", AttributeValue.fromS("sub_test_" + workspaceId),
                            "plan", AttributeValue.fromS(plan),
                            "status", AttributeValue.fromS("active"),
                            "version", AttributeValue.fromN("1"),
                            "updatedAt", AttributeValue.fromN("0"))));
        }
    }

    /** A new account's token as platform admin: signed up, granted the role, and refreshed into a token that says so. */
    static String platformAdmin(LocalApi api, String name) throws IOException {
        ApiClient client = new ApiClient(api.port());
        ApiClient.Answer login = client.account(ApiClient.unique(name), "correct horse battery");
        grantPlatformRole(
                api, client.get("/api/v1/auth/me", login.field("access_token")).field("id"), "admin");
        return client.post("/api/v1/auth/refresh", "{\"refresh_token\":\"" + login.field("refresh_token") + "\"}", null)
                .field("access_token");
    }

    /** Arranges a platform role, as an operator grants the first one: directly in the table. */
    static void grantPlatformRole(String userId, String role) {
        grantPlatformRole(api, userId, role);
    }

    static void grantPlatformRole(LocalApi api, String userId, String role) {
        try (DynamoDbClient dynamoDb = dynamoDb(api)) {
            dynamoDb.updateItem(r -> r.tableName("AuthTable")
                    .key(Map.of("pk", AttributeValue.fromS("USER#" + userId), "sk", AttributeValue.fromS("PROFILE")))
                    .updateExpression("SET platformRole = :role")
                    .expressionAttributeValues(Map.of(":role", AttributeValue.fromS(role))));
        }
    }
}

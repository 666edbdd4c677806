package app.devskyy.core.snapstart;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The AWS SDK's first calls, made before the snapshot without reaching AWS: a throwaway DynamoDB
 * client with placeholder credentials calls a responder of this JVM on a loopback port, which
 * answers every request with an empty JSON document, as DynamoDB answers an item not found. The
 * calls are those every function's stores make, so the client's pipeline, endpoint rules, request
 * marshalling, SigV4 signing, the HTTP client and response unmarshalling are all loaded and run
 * once. Nothing of it is kept: the responder stops, and the function's own clients, credentials
 * and connections are made after the restore, as before.
 */
final class SdkPriming {

    private SdkPriming() {}

    static void dynamoDb() {
        HttpServer responder;
        try {
            responder = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        } catch (IOException cannotListen) {
            return;
        }
        responder.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("content-type", "application/x-amz-json-1.0");
                exchange.sendResponseHeaders(200, empty.length);
                exchange.getResponseBody().write(empty);
            }
        });
        responder.start();
        try (DynamoDbClient client = DynamoDbClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(
                        URI.create("http://127.0.0.1:" + responder.getAddress().getPort()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming")))
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofMillis(200)))
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).apiCallTimeout(Duration.ofSeconds(1)))
                .build()) {
            Map<String, AttributeValue> key =
                    Map.of("pk", AttributeValue.fromS("priming"), "sk", AttributeValue.fromS("priming"));
            attempt(() -> client.getItem(r -> r.tableName("priming").key(key).consistentRead(true)));
            attempt(() -> client.query(r -> r.tableName("priming")
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("priming")))));
            attempt(() -> client.putItem(
                    r -> r.tableName("priming").item(key).conditionExpression("attribute_not_exists(pk)")));
            attempt(() -> client.updateItem(r -> r.tableName("priming")
                    .key(key)
                    .updateExpression("ADD n :one")
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))));
            attempt(() -> client.describeTable(r -> r.tableName("priming")));
        } finally {
            responder.stop(0);
        }
    }

    private static void attempt(Runnable call) {
        try {
            call.run();
        } catch (SdkException unexpected) {
            // A priming call that fails costs warmth only.
        }
    }
}

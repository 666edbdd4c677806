package app.devskyy.core.snapstart;

import app.devskyy.core.Concurrently;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.zip.CRC32;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The AWS SDK's first calls, made before the snapshot without reaching AWS: a throwaway DynamoDB
 * client with placeholder credentials calls a responder of this JVM on a loopback port, which
 * answers each operation as DynamoDB would, with an item of every attribute type, a page with a
 * next key, a whole table description. The calls are those every function's stores make, made on
 * virtual threads as the stores make them, so the client's pipeline, endpoint rules, request
 * marshalling, SigV4 signing, the HTTP client, the virtual threads' socket poller and the
 * unmarshalling of full answers are all loaded and run once (docs/performance.md lists what a
 * first request still loads). Nothing of it is kept: the responder stops, and the function's own
 * clients, credentials and connections are made after the restore, as before.
 */
final class SdkPriming {

    /** An item with every attribute type the stores write. */
    private static final String ITEM = """
            {"pk": {"S": "priming"}, "sk": {"S": "priming"}, "n": {"N": "1"}, "b": {"BOOL": true},
             "x": {"NULL": true}, "m": {"M": {"s": {"S": "x"}}}, "l": {"L": [{"S": "x"}, {"N": "2"}]},
             "ss": {"SS": ["a", "b"]}, "bin": {"B": "AA=="}}""";

    /** DynamoDB's answer to each operation primed, by the operation's name. */
    private static final Map<String, String> ANSWERS = Map.of(
            "GetItem",
            "{\"Item\": " + ITEM + "}",
            "Query",
            "{\"Items\": [" + ITEM
                    + "], \"Count\": 1, \"ScannedCount\": 1, \"LastEvaluatedKey\": {\"pk\": {\"S\": \"p\"}}}",
            "UpdateItem",
            "{\"Attributes\": " + ITEM + "}",
            "DescribeTable",
            """
            {"Table": {"TableName": "priming", "TableStatus": "ACTIVE", "ItemCount": 1, "TableSizeBytes": 1,
             "CreationDateTime": 1.7E9, "TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/priming",
             "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
             "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
             "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
             "ProvisionedThroughput": {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0},
             "GlobalSecondaryIndexes": [{"IndexName": "gsi1", "IndexStatus": "ACTIVE",
               "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}],
             "SSEDescription": {"Status": "ENABLED"}, "TableClassSummary": {"TableClass": "STANDARD"},
             "DeletionProtectionEnabled": false}}""");

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
                String target = String.valueOf(exchange.getRequestHeaders().getFirst("x-amz-target"));
                byte[] answer = ANSWERS.getOrDefault(target.substring(target.indexOf('.') + 1), "{}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("content-type", "application/x-amz-json-1.0");
                // DynamoDB signs its answers with a CRC32 the client checks: primed too.
                CRC32 crc = new CRC32();
                crc.update(answer);
                exchange.getResponseHeaders().add("x-amz-crc32", Long.toString(crc.getValue()));
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
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
            Concurrently.run(
                    () -> attempt(() ->
                            client.getItem(r -> r.tableName("priming").key(key).consistentRead(true))),
                    () -> attempt(() -> client.query(r -> r.tableName("priming")
                            .keyConditionExpression("pk = :pk")
                            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("priming"))))),
                    () -> attempt(() -> client.describeTable(r -> r.tableName("priming"))));
            Concurrently.run(
                    () -> attempt(() -> client.putItem(
                            r -> r.tableName("priming").item(key).conditionExpression("attribute_not_exists(pk)"))),
                    () -> attempt(() -> client.updateItem(r -> r.tableName("priming")
                            .key(key)
                            .updateExpression("ADD n :one")
                            .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))
                            .returnValues(ReturnValue.ALL_NEW))));
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

package app.devskyy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.config.Config;
import app.devskyy.core.testing.EmbeddedDynamoDb;
import app.devskyy.core.testing.Events;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticImmutableTableSchema;
import software.amazon.awssdk.enhanced.dynamodb.model.PutItemEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The core's AWS clients and Enhanced Client against DynamoDB Local, on the table the template
 * defines: a static immutable schema, and the conditional write that exactly-once effects use.
 */
class DynamoTablesTest {

    /** An idempotency record, shaped like docs/data-model.md describes. */
    record Claim(String pk, long expiresAt) {
        static final class Builder {
            private String pk;
            private long expiresAt;

            Builder pk(String value) {
                pk = value;
                return this;
            }

            Builder expiresAt(long value) {
                expiresAt = value;
                return this;
            }

            Claim build() {
                return new Claim(pk, expiresAt);
            }
        }
    }

    /** Built once, as every store's schema is. */
    static final StaticImmutableTableSchema<Claim, Claim.Builder> SCHEMA = StaticImmutableTableSchema.builder(
                    Claim.class, Claim.Builder.class)
            .newItemBuilder(Claim.Builder::new, Claim.Builder::build)
            .addAttribute(
                    String.class,
                    a -> a.name("pk")
                            .getter(Claim::pk)
                            .setter(Claim.Builder::pk)
                            .tags(StaticAttributeTags.primaryPartitionKey()))
            .addAttribute(
                    Long.class,
                    a -> a.name("expiresAt").getter(Claim::expiresAt).setter(Claim.Builder::expiresAt))
            .build();

    static EmbeddedDynamoDb engine;
    static DynamoDbClient client;
    static DynamoDbTable<Claim> claims;

    @BeforeAll
    static void start() throws Exception {
        engine = EmbeddedDynamoDb.start(null);
        SamTemplate template = SamTemplate.load(Events.repositoryRoot().resolve("template.yaml"));
        client = new AwsClients(Config.of(Map.of(
                        "DEVSKYY_ENV",
                        "local",
                        "AWS_REGION",
                        "us-east-1",
                        "AWS_ENDPOINT_URL_DYNAMODB",
                        engine.endpoint().toString())))
                .dynamoDb();
        engine.createTables(client, template.tables());
        claims = new DynamoTables(client).table("IdempotencyTable", SCHEMA);
    }

    @AfterAll
    static void stop() {
        client.close();
        engine.close();
    }

    @Test
    void storesAndReadsThroughTheStaticSchema() {
        claims.putItem(new Claim("stripe#evt_1", 1_800_000_000L));
        assertThat(claims.getItem(Key.builder().partitionValue("stripe#evt_1").build()))
                .isEqualTo(new Claim("stripe#evt_1", 1_800_000_000L));
    }

    @Test
    void aConditionalClaimSucceedsOnceOnly() {
        PutItemEnhancedRequest<Claim> claim = PutItemEnhancedRequest.builder(Claim.class)
                .item(new Claim("webhook#evt_2", 1_800_000_000L))
                .conditionExpression(Expression.builder()
                        .expression("attribute_not_exists(pk)")
                        .build())
                .build();
        claims.putItem(claim);
        assertThatThrownBy(() -> claims.putItem(claim)).isInstanceOf(ConditionalCheckFailedException.class);
    }
}

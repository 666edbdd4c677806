package app.devskyy.core.crypto;

import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.privacy.Category;
import app.devskyy.core.privacy.PersonalItems;
import app.devskyy.core.privacy.PersonalItems.Finder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The data key table ({@code DATA_KEY_TABLE}): one 256-bit key per person, stored wrapped, under
 * {@code KEY#<key id>}. The key id is a keyed hash of the user id, so the table names no one.
 * Erasing a person deletes their key, and every copy of their encrypted fields that deletion
 * cannot reach (point-in-time backups of the other tables, streams, exports) becomes unreadable.
 * The table itself has no point-in-time recovery, so a deleted key cannot be restored with it.
 */
public final class PersonKeys {

    /** The registry's view: the key is found by the subject's key id and deleted with them. */
    public static final List<PersonalItems> PERSONAL_DATA = List.of(PersonalItems.deleted(
            "DataKeyTable",
            "data key",
            Set.of(Category.CREDENTIALS),
            Finder.partition(item("{dataKeyId}").pk(), null)));

    private final DynamoDbClient dynamoDb;
    private final String table;

    public PersonKeys(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    static ItemKey item(String keyId) {
        return ItemKey.of("KEY#" + keyId, "KEY");
    }

    /** The wrapped key, if the person has one (none yet, or erased). */
    Optional<byte[]> wrapped(String keyId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(
                        r -> r.tableName(table).key(item(keyId).attributes()).consistentRead(true))
                .item();
        return item.containsKey("wrappedKey")
                ? Optional.of(item.get("wrappedKey").b().asByteArray())
                : Optional.empty();
    }

    /** Stores a new wrapped key, unless one was stored first (a concurrent first write): the stored one wins. */
    byte[] create(String keyId, byte[] wrapped, long nowMillis) {
        Map<String, AttributeValue> key = item(keyId).attributes();
        try {
            dynamoDb.putItem(r -> r.tableName(table)
                    .item(Map.of(
                            "pk", key.get("pk"),
                            "sk", key.get("sk"),
                            "wrappedKey", AttributeValue.fromB(SdkBytes.fromByteArray(wrapped)),
                            "createdAt", AttributeValue.fromN(Long.toString(nowMillis))))
                    .conditionExpression("attribute_not_exists(pk)"));
            return wrapped;
        } catch (ConditionalCheckFailedException first) {
            return wrapped(keyId).orElseThrow(() -> new IllegalStateException("a data key vanished as it was made"));
        }
    }
}

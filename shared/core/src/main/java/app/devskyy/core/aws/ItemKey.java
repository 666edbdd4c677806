package app.devskyy.core.aws;

import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The primary key of an item ({@code pk}, and {@code sk} where the table has one), as the
 * {@code *Items} classes build it: the one place a key's text is composed. It converts to what
 * the Enhanced Client and the low-level client each take.
 */
public record ItemKey(String pk, String sk) {

    public static ItemKey of(String pk, String sk) {
        return new ItemKey(pk, sk);
    }

    /** A key of a table with a partition key only. */
    public static ItemKey of(String pk) {
        return new ItemKey(pk, null);
    }

    public Key key() {
        return sk == null
                ? Key.builder().partitionValue(pk).build()
                : Key.builder().partitionValue(pk).sortValue(sk).build();
    }

    public Map<String, AttributeValue> attributes() {
        Map<String, AttributeValue> key = new HashMap<>();
        key.put("pk", AttributeValue.fromS(pk));
        if (sk != null) {
            key.put("sk", AttributeValue.fromS(sk));
        }
        return key;
    }
}

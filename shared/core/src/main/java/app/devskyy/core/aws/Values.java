package app.devskyy.core.aws;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reading and writing number attributes of low-level items, in one place. */
public final class Values {

    private Values() {}

    public static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    public static AttributeValue bool(boolean value) {
        return AttributeValue.fromBool(value);
    }

    /** A number attribute, or {@code absent} where the item has none. */
    public static long number(Map<String, AttributeValue> item, String attribute, long absent) {
        AttributeValue value = item == null ? null : item.get(attribute);
        return value == null || value.n() == null ? absent : Long.parseLong(value.n());
    }
}

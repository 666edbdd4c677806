package app.devskyy.core.aws;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reading and writing attributes of low-level items (and keys), in one place. */
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

    /** A string attribute, or {@code null} where there is none (or no item: a query's last page has no last key). */
    public static String string(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item == null ? null : item.get(attribute);
        return value == null ? null : value.s();
    }
}

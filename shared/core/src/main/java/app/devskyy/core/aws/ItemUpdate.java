package app.devskyy.core.aws;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * What the Enhanced Client cannot say: one {@code UpdateItem} with atomic counters ({@code ADD}),
 * attributes set, set only if absent, or removed, under an optional condition. Attribute names go
 * through placeholders, so reserved words ({@code status}, {@code name}, {@code day}) need no
 * care. Build one per write; {@link #apply} runs it, {@link #applyIf} reports a failed condition
 * as {@code false}, {@link #inTransaction} makes it one item of a transaction.
 */
public final class ItemUpdate {

    private final String table;
    private final ItemKey key;
    private final List<String> adds = new ArrayList<>();
    private final List<String> sets = new ArrayList<>();
    private final List<String> removes = new ArrayList<>();
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, AttributeValue> values = new HashMap<>();
    private String condition;

    private ItemUpdate(String table, ItemKey key) {
        this.table = table;
        this.key = key;
    }

    public static ItemUpdate of(String table, ItemKey key) {
        return new ItemUpdate(table, key);
    }

    private String name(String attribute) {
        String placeholder = "#" + attribute;
        names.put(placeholder, attribute);
        return placeholder;
    }

    private String value(String attribute, AttributeValue value) {
        String placeholder = ":" + attribute + values.size();
        values.put(placeholder, value);
        return placeholder;
    }

    /** Adds {@code delta} to a number attribute, atomically; an absent attribute counts from 0. */
    public ItemUpdate add(String attribute, long delta) {
        adds.add(name(attribute) + " " + value(attribute, Values.number(delta)));
        return this;
    }

    public ItemUpdate set(String attribute, AttributeValue value) {
        sets.add(name(attribute) + " = " + value(attribute, value));
        return this;
    }

    public ItemUpdate set(String attribute, String value) {
        return set(attribute, AttributeValue.fromS(value));
    }

    public ItemUpdate set(String attribute, long value) {
        return set(attribute, Values.number(value));
    }

    /** Sets the attribute only where the item has none yet (a TTL first set, a creation time). */
    public ItemUpdate setIfAbsent(String attribute, long value) {
        return setIfAbsent(attribute, Values.number(value));
    }

    public ItemUpdate setIfAbsent(String attribute, String value) {
        return setIfAbsent(attribute, AttributeValue.fromS(value));
    }

    private ItemUpdate setIfAbsent(String attribute, AttributeValue value) {
        String n = name(attribute);
        sets.add(n + " = if_not_exists(" + n + ", " + value(attribute, value) + ")");
        return this;
    }

    public ItemUpdate remove(String attribute) {
        removes.add(name(attribute));
        return this;
    }

    /**
     * A condition in DynamoDB's syntax, over {@code #attribute} names and the {@code :name} values
     * given (each an attribute value): {@code #pk} and every other {@code #name} stand for the attribute of that name.
     */
    public ItemUpdate condition(String expression, Map<String, AttributeValue> conditionValues) {
        for (String word : expression.split("[^#A-Za-z0-9_]+")) {
            if (word.startsWith("#")) {
                names.put(word, word.substring(1));
            }
        }
        values.putAll(conditionValues);
        this.condition = expression;
        return this;
    }

    public ItemUpdate condition(String expression) {
        return condition(expression, Map.of());
    }

    private String expression() {
        List<String> clauses = new ArrayList<>();
        if (!adds.isEmpty()) {
            clauses.add("ADD " + String.join(", ", adds));
        }
        if (!sets.isEmpty()) {
            clauses.add("SET " + String.join(", ", sets));
        }
        if (!removes.isEmpty()) {
            clauses.add("REMOVE " + String.join(", ", removes));
        }
        return String.join(" ", clauses);
    }

    private UpdateItemRequest.Builder request() {
        return UpdateItemRequest.builder()
                .tableName(table)
                .key(key.attributes())
                .updateExpression(expression())
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values.isEmpty() ? null : values);
    }

    /** Runs the update; returns the attributes it changed, as they are now. */
    public Map<String, AttributeValue> apply(DynamoDbClient dynamoDb) {
        return dynamoDb.updateItem(
                        request().returnValues(ReturnValue.UPDATED_NEW).build())
                .attributes();
    }

    /** Runs the update; {@code false} when its condition did not hold (nothing was written). */
    public boolean applyIf(DynamoDbClient dynamoDb) {
        try {
            apply(dynamoDb);
            return true;
        } catch (ConditionalCheckFailedException failed) {
            return false;
        }
    }

    /**
     * Runs the update; empty when it was written, otherwise the item as it stands (an empty map
     * where there is none), read in the same call: what a caller that must explain a refusal
     * (a rate limiter's wait) needs without a second read.
     */
    public Optional<Map<String, AttributeValue>> applyOrCurrent(DynamoDbClient dynamoDb) {
        try {
            dynamoDb.updateItem(request()
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return Optional.empty();
        } catch (ConditionalCheckFailedException failed) {
            return Optional.of(failed.hasItem() ? failed.item() : Map.of());
        }
    }

    public TransactWriteItem inTransaction() {
        return TransactWriteItem.builder()
                .update(Update.builder()
                        .tableName(table)
                        .key(key.attributes())
                        .updateExpression(expression())
                        .conditionExpression(condition)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values.isEmpty() ? null : values)
                        .build())
                .build();
    }
}

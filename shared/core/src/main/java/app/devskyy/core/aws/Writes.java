package app.devskyy.core.aws;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactWriteItemsEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Conditional writes and transactions, so that no store catches DynamoDB's exceptions itself: a
 * condition that fails is an answer ({@code false}, or the index of the item whose condition
 * failed), not an error; a transaction cancelled only by a concurrent one is tried again, and an
 * outage stays an exception (the HTTP layer answers it with 503).
 */
public final class Writes {

    /** The item must not exist yet. */
    public static final Expression NEW_ITEM =
            Expression.builder().expression("attribute_not_exists(pk)").build();

    /** The item must exist. */
    public static final Expression EXISTING_ITEM =
            Expression.builder().expression("attribute_exists(pk)").build();

    private static final int TRANSACTION_ATTEMPTS = 3;

    private Writes() {}

    /** Runs a conditional write; {@code false} when its condition failed. */
    public static boolean ifHolds(Runnable write) {
        try {
            write.run();
            return true;
        } catch (ConditionalCheckFailedException failed) {
            return false;
        }
    }

    /** Runs a conditional write that returns something; empty when its condition failed. */
    public static <T> Optional<T> ifHolds(Supplier<T> write) {
        try {
            return Optional.ofNullable(write.get());
        } catch (ConditionalCheckFailedException failed) {
            return Optional.empty();
        }
    }

    /** Puts the item unless one with its key exists; {@code false} when one did. */
    public static <T> boolean putIfAbsent(DynamoDbTable<T> table, T item) {
        return ifHolds(() -> table.putItem(r -> r.item(item).conditionExpression(NEW_ITEM)));
    }

    /** A condition over attribute values: {@code "passwordHash = :verified"} and its value. */
    public static Expression condition(String expression, String name, AttributeValue value) {
        return Expression.builder()
                .expression(expression)
                .putExpressionValue(name, value)
                .build();
    }

    /**
     * Writes the items all or none. Empty when it committed; otherwise the index of the first item
     * whose condition failed. A transaction cancelled by a concurrent one (no condition failed) is
     * tried again, twice, with a short pause; if it still conflicts, that conflict is thrown.
     */
    public static OptionalInt transaction(DynamoDbClient dynamoDb, List<TransactWriteItem> items) {
        return retrying(() -> dynamoDb.transactWriteItems(r -> r.transactItems(items)));
    }

    /** The Enhanced Client's transaction, with the same answer. */
    public static OptionalInt transaction(
            DynamoTables tables, Consumer<TransactWriteItemsEnhancedRequest.Builder> items) {
        return retrying(() -> tables.transact(items));
    }

    private static OptionalInt retrying(Runnable transaction) {
        for (int attempt = 1; ; attempt++) {
            try {
                transaction.run();
                return OptionalInt.empty();
            } catch (TransactionCanceledException cancelled) {
                var reasons = cancelled.cancellationReasons();
                for (int i = 0; i < reasons.size(); i++) {
                    if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
                        return OptionalInt.of(i);
                    }
                }
                if (attempt == TRANSACTION_ATTEMPTS) {
                    throw cancelled;
                }
                pause(20L << attempt);
            }
        }
    }

    /** A short wait between tries, which an interrupt ends early (the caller's next try still happens). */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

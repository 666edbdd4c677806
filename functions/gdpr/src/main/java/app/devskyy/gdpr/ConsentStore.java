package app.devskyy.gdpr;

import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.Values;
import app.devskyy.core.aws.Writes;
import app.devskyy.core.http.Paging;
import app.devskyy.core.privacy.ConsentItems;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;

/**
 * The consent items of the GDPR table ({@link ConsentItems}): a decision is written as a new
 * record of the person's history and as their current decision for the purpose, together.
 */
final class ConsentStore {

    private final DynamoTables tables;
    private final DynamoDbTable<ConsentItems.Current> current;
    private final DynamoDbTable<ConsentItems.Record> records;

    ConsentStore(DynamoTables tables, String table) {
        this.tables = tables;
        this.current = tables.table(table, ConsentItems.Current.SCHEMA);
        this.records = tables.table(table, ConsentItems.Record.SCHEMA);
    }

    /**
     * Records a decision; false when a record of the same person, purpose and millisecond exists
     * (the caller records it a millisecond later), so that no decision overwrites another.
     */
    boolean record(String userId, ConsentItems.Record decision) {
        ItemKey record = ConsentItems.record(userId, decision.decidedAt(), decision.purpose());
        ItemKey now = ConsentItems.current(userId, decision.purpose());
        return Writes.transaction(
                        tables,
                        t -> t.addPutItem(
                                        records,
                                        TransactPutItemEnhancedRequest.builder(ConsentItems.Record.class)
                                                .item(new ConsentItems.Record(
                                                        record.pk(),
                                                        record.sk(),
                                                        decision.purpose(),
                                                        decision.granted(),
                                                        decision.noticeVersion(),
                                                        decision.method(),
                                                        decision.decidedAt(),
                                                        decision.ipHash(),
                                                        decision.userAgentHash()))
                                                .conditionExpression(Writes.NEW_ITEM)
                                                .build())
                                .addPutItem(
                                        current,
                                        new ConsentItems.Current(
                                                now.pk(),
                                                now.sk(),
                                                decision.purpose(),
                                                decision.granted(),
                                                decision.noticeVersion(),
                                                decision.method(),
                                                decision.decidedAt())))
                .isEmpty();
    }

    /** The person's current decisions, one per purpose decided. */
    List<ConsentItems.Current> current(String userId) {
        return current
                .query(r -> r.consistentRead(true)
                        .queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                                .partitionValue(ConsentItems.person(userId))
                                .sortValue(ConsentItems.CURRENT)
                                .build())))
                .items()
                .stream()
                .toList();
    }

    record RecordPage(List<ConsentItems.Record> records, String nextCursor) {}

    /** A page of the person's decisions, newest first. */
    RecordPage history(String userId, int limit, Optional<String> after) {
        var page = records.query(r -> {
                    r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                                    .partitionValue(ConsentItems.person(userId))
                                    .sortValue(ConsentItems.RECORDS)
                                    .build()))
                            .scanIndexForward(false)
                            .limit(limit);
                    after.ifPresent(sk -> r.exclusiveStartKey(
                            ItemKey.of(ConsentItems.person(userId), sk).attributes()));
                })
                .iterator()
                .next();
        return new RecordPage(page.items(), Paging.nextCursor(Values.string(page.lastEvaluatedKey(), "sk")));
    }

    /** Every decision of the person, oldest first: the proof of consent. */
    List<ConsentItems.Record> allRecords(String userId) {
        return records
                .query(r -> r.consistentRead(true)
                        .queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                                .partitionValue(ConsentItems.person(userId))
                                .sortValue(ConsentItems.RECORDS)
                                .build())))
                .items()
                .stream()
                .toList();
    }
}

package app.devskyy.maintenance;

import app.devskyy.core.aws.Values;
import app.devskyy.core.notify.Notifier;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.core.privacy.OpenRequests;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Data subject request deadlines (hourly): the open requests of the GDPR table's queue
 * ({@link OpenRequests}, soonest due first) within a week of their deadline, within a day, and past
 * it. Each is a finding about the request, so each milestone is told to the privacy admins (the
 * platform's admins) once, whatever the number of runs; an overdue request is also escalated to
 * operations. A deadline that was extended is the extended one, and the reminder says so. The
 * findings resolve when the request closes (it leaves the queue) or moves to a later milestone.
 */
final class DsrDeadlineJob extends MaintenanceJob {

    static final String NAME = "dsrDeadlineJob";
    static final String DUE_IN_WEEK = "dsr-due-in-7-days";
    static final String DUE_IN_DAY = "dsr-due-in-1-day";
    static final String OVERDUE = "dsr-overdue";

    private static final int PAGE = 100;

    private final DynamoDbClient dynamoDb;
    private final String gdprTable;
    private final AuthDirectory directory;
    private final Notifier notifier;

    DsrDeadlineJob(
            FindingStore findings,
            RunStore runs,
            DynamoDbClient dynamoDb,
            String gdprTable,
            AuthDirectory directory,
            Notifier notifier,
            Telemetry telemetry,
            Duration budget,
            Clock clock) {
        super(NAME, findings, runs, telemetry, budget, clock);
        this.dynamoDb = dynamoDb;
        this.gdprTable = gdprTable;
        this.directory = directory;
        this.notifier = notifier;
    }

    @Override
    protected Set<String> rules() {
        return Set.of(DUE_IN_WEEK, DUE_IN_DAY, OVERDUE);
    }

    @Override
    protected String page(Instant slot, String cursor, Tally tally) {
        // Only what is due within the week: the queue is sorted by deadline.
        String horizon = OpenRequests.key(slot.plus(Duration.ofDays(7)).toEpochMilli(), "~");
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(gdprTable)
                .indexName(OpenRequests.INDEX)
                .keyConditionExpression("#queue = :open AND #key < :horizon")
                .expressionAttributeNames(Map.of("#queue", "queue", "#key", "queueKey"))
                .expressionAttributeValues(Map.of(
                        ":open", AttributeValue.fromS(OpenRequests.OPEN), ":horizon", AttributeValue.fromS(horizon)))
                .limit(PAGE);
        start(cursor).ifPresent(query::exclusiveStartKey);
        QueryResponse page = dynamoDb.query(query.build());
        List<String> admins = page.items().isEmpty() ? List.of() : directory.platformAdmins();
        for (Map<String, AttributeValue> request : page.items()) {
            tally.seen++;
            remind(request, slot, admins, tally);
        }
        return cursor(page.lastEvaluatedKey());
    }

    private void remind(Map<String, AttributeValue> request, Instant slot, List<String> admins, Tally tally) {
        String requestId = request.get("requestId").s();
        String type = Values.string(request, "type");
        boolean extended = Values.number(request, "extendedTo", 0) > 0;
        long deadline = extended ? Values.number(request, "extendedTo", 0) : Values.number(request, "dueAt", 0);
        long left = deadline - slot.toEpochMilli();
        String rule = left < 0 ? OVERDUE : left <= Duration.ofDays(1).toMillis() ? DUE_IN_DAY : DUE_IN_WEEK;
        String due = Instant.ofEpochMilli(deadline).toString();
        String summary = switch (rule) {
            case OVERDUE ->
                "The " + type + " request " + requestId + " is past its " + (extended ? "extended " : "") + "deadline, "
                        + due + ".";
            default ->
                "The " + type + " request " + requestId + " is due by " + due
                        + (extended ? " (extended; the person was told when it was)" : "") + ".";
        };
        String severity = rule.equals(OVERDUE) ? "high" : rule.equals(DUE_IN_DAY) ? "medium" : "low";
        if (tally.found(findings.record(rule, severity, requestId, summary, slot.toEpochMilli()))) {
            notifier.email(admins, "Data subject request: " + rule, "maintenance-finding", Map.of("summary", summary));
            if (rule.equals(OVERDUE)) {
                notifier.operations("Data subject request overdue", summary);
            }
        }
    }
}

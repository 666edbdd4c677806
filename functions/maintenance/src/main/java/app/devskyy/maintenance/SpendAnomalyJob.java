package app.devskyy.maintenance;

import app.devskyy.core.aws.Values;
import app.devskyy.core.notify.Notifier;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.llm.metering.LlmItems;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Spend anomalies (daily, for the day that just ended): each workspace that spent this month is
 * measured against its own trailing {@link #TRAILING_DAYS} days ({@link SpendBaseline}), and its
 * month's spend against its budget (80 % and 100 %). Each new finding is emailed to the
 * workspace's admins and published to operations. Anomalies stay open until acknowledged (the day
 * is past, the question is whether someone looked); a budget finding clears with the month.
 */
final class SpendAnomalyJob extends MaintenanceJob {

    static final String NAME = "spendAnomalyJob";
    static final String SPEND_ANOMALY = "spend-anomaly";
    static final String BUDGET_80 = "budget-80";
    static final String BUDGET_100 = "budget-100";
    static final int TRAILING_DAYS = 28;

    private static final int PAGE = 100;

    private final DynamoDbClient dynamoDb;
    private final String llmTable;
    private final AuthDirectory directory;
    private final Notifier notifier;
    private final double k;
    private final long minimumMicros;

    SpendAnomalyJob(
            FindingStore findings,
            RunStore runs,
            DynamoDbClient dynamoDb,
            String llmTable,
            AuthDirectory directory,
            Notifier notifier,
            double k,
            long minimumMicros,
            Telemetry telemetry,
            Duration budget,
            Clock clock) {
        super(NAME, findings, runs, telemetry, budget, clock);
        this.dynamoDb = dynamoDb;
        this.llmTable = llmTable;
        this.directory = directory;
        this.notifier = notifier;
        this.k = k;
        this.minimumMicros = minimumMicros;
    }

    @Override
    protected Set<String> rules() {
        return Set.of(BUDGET_80, BUDGET_100);
    }

    @Override
    protected String page(Instant slot, String cursor, Tally tally) {
        LocalDate day = LocalDate.ofInstant(slot, ZoneOffset.UTC).minusDays(1);
        String month = YearMonth.from(day).toString();
        ScanRequest.Builder scan = ScanRequest.builder()
                .tableName(llmTable)
                .filterExpression("sk = :spend")
                .expressionAttributeValues(Map.of(
                        ":spend",
                        AttributeValue.fromS(LlmItems.spend("", month, null).sk())))
                .limit(PAGE);
        start(cursor).ifPresent(scan::exclusiveStartKey);
        ScanResponse page = dynamoDb.scan(scan.build());
        for (Map<String, AttributeValue> spend : page.items()) {
            tally.seen++;
            String workspaceId =
                    spend.get("pk").s().substring(LlmItems.workspace("").length());
            anomaly(workspaceId, day, slot, tally);
            budget(workspaceId, month, Values.number(spend, "spent", 0), slot, tally);
        }
        return cursor(page.lastEvaluatedKey());
    }

    private void anomaly(String workspaceId, LocalDate day, Instant slot, Tally tally) {
        LocalDate first = day.minusDays(TRAILING_DAYS);
        Map<String, Long> byDay = new HashMap<>();
        dynamoDb.queryPaginator(r -> r.tableName(llmTable)
                        .keyConditionExpression("pk = :ws AND sk BETWEEN :from AND :to")
                        .expressionAttributeValues(Map.of(
                                ":ws", AttributeValue.fromS(LlmItems.workspace(workspaceId)),
                                ":from", AttributeValue.fromS(LlmItems.USAGE + first),
                                ":to", AttributeValue.fromS(LlmItems.usageDayEnd(day.toString())))))
                .items()
                .forEach(usage -> byDay.merge(usage.get("day").s(), Values.number(usage, "costMicros", 0), Long::sum));
        List<Long> history = new ArrayList<>();
        for (LocalDate d = first; d.isBefore(day); d = d.plusDays(1)) {
            history.add(byDay.getOrDefault(d.toString(), 0L));
        }
        long spent = byDay.getOrDefault(day.toString(), 0L);
        SpendBaseline baseline = SpendBaseline.of(history);
        if (!baseline.isAnomalous(spent, k, minimumMicros)) {
            return;
        }
        String summary = "Workspace " + workspaceId + " spent " + dollars(spent) + " on " + day + ", against a usual "
                + dollars(baseline.median()) + " a day over " + baseline.days() + " days.";
        if (tally.found(
                findings.record(SPEND_ANOMALY, "medium", workspaceId + ":" + day, summary, slot.toEpochMilli()))) {
            tell(workspaceId, "Unusual LLM spend", summary);
        }
    }

    private void budget(String workspaceId, String month, long spent, Instant slot, Tally tally) {
        Map<String, AttributeValue> settings = dynamoDb.getItem(r ->
                        r.tableName(llmTable).key(LlmItems.budget(workspaceId).attributes()))
                .item();
        long monthly = Values.number(settings, "monthlyMicros", 0);
        if (monthly <= 0) {
            return;
        }
        for (var threshold : List.of(Map.entry(BUDGET_100, 1.0), Map.entry(BUDGET_80, 0.8))) {
            if (spent >= monthly * threshold.getValue()) {
                String summary = "Workspace " + workspaceId + " spent " + dollars(spent) + " of its " + dollars(monthly)
                        + " budget for " + month + " (" + Math.round(100.0 * spent / monthly) + " %).";
                String severity = threshold.getKey().equals(BUDGET_100) ? "high" : "medium";
                if (tally.found(findings.record(
                        threshold.getKey(), severity, workspaceId + ":" + month, summary, slot.toEpochMilli()))) {
                    tell(workspaceId, "LLM budget " + (severity.equals("high") ? "reached" : "at 80 %"), summary);
                }
                return;
            }
        }
    }

    private void tell(String workspaceId, String subject, String summary) {
        notifier.email(
                directory.workspaceAdmins(workspaceId), subject, "maintenance-finding", Map.of("summary", summary));
        notifier.operations(subject, summary);
    }

    static String dollars(long micros) {
        return String.format(Locale.ROOT, "$%.2f", micros / 1_000_000.0);
    }
}

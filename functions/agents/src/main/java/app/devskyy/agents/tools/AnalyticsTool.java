package app.devskyy.agents.tools;

import app.devskyy.core.Json;
import app.devskyy.core.billing.BillingItems;
import app.devskyy.llm.metering.UsageLedger;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code analytics.usage}: the workspace's own LLM usage from the usage ledger (what {@code GET
 * /llm/.../usage} answers) and its subscription and latest payments from the billing table. Only the
 * caller's workspace is ever read.
 */
final class AnalyticsTool implements Tool {

    static final int MAX_DAYS = 31;
    static final int PAYMENTS = 10;

    private final UsageLedger ledger;
    private final DynamoDbTable<BillingItems.Subscription> subscriptions;
    private final DynamoDbTable<BillingItems.Payment> payments;
    private final Clock clock;

    AnalyticsTool(
            UsageLedger ledger,
            DynamoDbTable<BillingItems.Subscription> subscriptions,
            DynamoDbTable<BillingItems.Payment> payments,
            Clock clock) {
        this.ledger = ledger;
        this.subscriptions = subscriptions;
        this.payments = payments;
        this.clock = clock;
    }

    @Override
    public JsonNode call(Call call) throws ToolFailure {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        LocalDate from;
        LocalDate to;
        try {
            from = call.arguments().has("from")
                    ? LocalDate.parse(call.arguments().get("from").asString())
                    : today.withDayOfMonth(1);
            to = call.arguments().has("to")
                    ? LocalDate.parse(call.arguments().get("to").asString())
                    : today;
        } catch (DateTimeParseException malformed) {
            throw new ToolFailure("invalid_arguments", "from and to are dates, YYYY-MM-DD", false);
        }
        if (to.isBefore(from) || ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw new ToolFailure(
                    "invalid_arguments",
                    "from must not be after to, and the range at most " + MAX_DAYS + " days",
                    false);
        }
        String workspaceId = call.caller().workspaceId();
        ObjectNode usage = ledger.query(
                workspaceId, new UsageLedger.Query(from, to, Optional.empty(), Optional.empty(), Optional.empty()));
        usage.remove("rows");
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("llmUsage", usage);
        BillingItems.Subscription subscription = subscriptions.getItem(
                r -> r.key(BillingItems.subscription(workspaceId).key()));
        if (subscription != null) {
            out.putObject("subscription")
                    .put("provider", subscription.provider())
                    .put("plan", subscription.plan())
                    .put("status", subscription.status())
                    .put("cancelAtPeriodEnd", subscription.cancelAtPeriodEnd());
        }
        ArrayNode recent = out.putArray("payments");
        payments
                .query(r -> r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                                .partitionValue(BillingItems.workspace(workspaceId))
                                .sortValue(BillingItems.paymentsOf(BillingItems.PAYMENT))
                                .build()))
                        .limit(PAYMENTS))
                .items()
                .stream()
                .limit(PAYMENTS)
                .forEach(p -> recent.addObject()
                        .put("provider", p.provider())
                        .put("status", p.status())
                        .put("amount", p.amount())
                        .put("currency", p.currency()));
        return out;
    }
}

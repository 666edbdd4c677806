package app.devskyy.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.billing.BillingItems;
import app.devskyy.core.billing.Entitlements;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.core.testing.DynamoDbLocal;
import app.devskyy.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Billing effects against DynamoDB Local: events in any order leave the newest state, exactly once. */
@ExtendWith(DynamoDbLocal.class)
class BillingEffectsTest {

    private BillingEffects effects;
    private BillingStore store;
    private Entitlements entitlements;
    private String workspace;
    private final MutableClock clock = new MutableClock(Instant.ofEpochSecond(1_790_000_000L));

    @BeforeEach
    void setUp() {
        DynamoTables tables = new DynamoTables(DynamoDbLocal.client());
        store = new BillingStore(DynamoDbLocal.client(), tables, "BillingTable", clock);
        entitlements = new Entitlements(
                tables, "BillingTable", Entitlements.bundled(), clock, Duration.ZERO, Duration.ofDays(14));
        AuditLog audit = new AuditLog(
                tables, "AuditTable", new PersonalDataCipher(new byte[32]), Duration.ofDays(1), Clock.systemUTC());
        effects = new BillingEffects(store, entitlements, audit, clock);
        workspace = "ws_" + UUID.randomUUID().toString().replace("-", "");
    }

    private InboundEvent subscription(String type, long createdSeconds, String status) {
        return subscription(type, createdSeconds, status, "pro", 1_800_000_000L);
    }

    private InboundEvent subscription(String type, long createdSeconds, String status, String plan, long periodEnd) {
        String object = "{\"id\":\"sub_1\",\"object\":\"subscription\",\"customer\":\"cus_" + workspace
                + "\",\"status\":\""
                + status + "\",\"metadata\":{\"workspace_id\":\"" + workspace + "\"},\"current_period_end\":"
                + periodEnd + ",\"items\":{\"data\":[{\"price\":{\"id\":\"price_1\",\"lookup_key\":\"" + plan
                + "_monthly\"}}]}}";
        String id = "evt_" + type + createdSeconds;
        return new InboundEvent(
                "stripe",
                id,
                type,
                List.of("stripe#" + id),
                createdSeconds * 1000,
                Json.tree(("{\"data\":{\"object\":" + object + "}}").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anOlderEventArrivingLateChangesNothing() {
        assertThat(effects.apply(subscription("customer.subscription.updated", 200, "active")))
                .isEqualTo(BillingEffects.Outcome.APPLIED);
        assertThat(effects.apply(subscription("customer.subscription.created", 100, "incomplete")))
                .isEqualTo(BillingEffects.Outcome.OLDER_IGNORED);
        Entitlements.Entitlement now = entitlements.of(workspace);
        assertThat(now.plan()).isEqualTo("pro");
        assertThat(now.status()).isEqualTo("active");
        assertThat(now.currentPeriodEnd()).isEqualTo(Instant.ofEpochSecond(1_800_000_000L));
    }

    @Test
    void aDeletionWinsOverAnUpdateOfTheSameSecondAndEndsThePlan() {
        effects.apply(subscription("customer.subscription.deleted", 300, "active"));
        assertThat(effects.apply(subscription("customer.subscription.updated", 300, "active")))
                .isEqualTo(BillingEffects.Outcome.OLDER_IGNORED);
        assertThat(entitlements.of(workspace).status()).isEqualTo("canceled");
        assertThat(entitlements.of(workspace).plan()).isEqualTo("free");
    }

    @Test
    void anInvoiceOfACustomerNoWorkspaceKnowsIsParkedUntilTheCheckoutLinksIt() {
        String invoice = "{\"data\":{\"object\":{\"id\":\"in_" + workspace + "\",\"customer\":\"cus_p" + workspace
                + "\",\"amount_paid\":4900,\"currency\":\"usd\"}}}";
        InboundEvent paid = new InboundEvent(
                "stripe",
                "evt_i",
                "invoice.paid",
                List.of("stripe#evt_i" + workspace),
                10_000,
                Json.tree(invoice.getBytes(StandardCharsets.UTF_8)));
        assertThat(effects.apply(paid)).isEqualTo(BillingEffects.Outcome.PARKED);
        assertThat(store.payments(workspace)).isEmpty();
        String session = "{\"data\":{\"object\":{\"id\":\"cs_1\",\"client_reference_id\":\"" + workspace
                + "\",\"customer\":\"cus_p" + workspace + "\",\"mode\":\"subscription\"}}}";
        effects.apply(new InboundEvent(
                "stripe",
                "evt_k",
                "checkout.session.completed",
                List.of("stripe#evt_k" + workspace),
                20_000,
                Json.tree(session.getBytes(StandardCharsets.UTF_8))));
        assertThat(store.payments(workspace))
                .singleElement()
                .satisfies(p -> assertThat(p.amount()).isEqualTo(4900));
        assertThat(store.parked("stripe", "cus_p" + workspace)).isEmpty();
    }

    @Test
    void anUpgradeAppliesAtOnceAndADowngradeAtTheEndOfThePeriodPaidFor() {
        long periodEnd = clock.instant().getEpochSecond() + 10 * 86_400;
        effects.apply(subscription("customer.subscription.created", 100, "active", "pro", periodEnd));
        effects.apply(subscription("customer.subscription.updated", 200, "active", "team", periodEnd));
        assertThat(entitlements.of(workspace).plan())
                .as("an upgrade is at once")
                .isEqualTo("team");

        effects.apply(subscription("customer.subscription.updated", 300, "active", "pro", periodEnd));
        Entitlements.Entitlement paidFor = entitlements.of(workspace);
        assertThat(paidFor.plan()).as("the period paid for keeps its plan").isEqualTo("team");
        assertThat(paidFor.limits().get(Entitlements.SEATS)).isEqualTo(50);
        assertThat(paidFor.scheduledPlan()).isEqualTo("pro");
        assertThat(paidFor.scheduledAt()).isEqualTo(Instant.ofEpochSecond(periodEnd));

        clock.advance(Duration.ofDays(10));
        Entitlements.Entitlement after = entitlements.of(workspace);
        assertThat(after.plan()).isEqualTo("pro");
        assertThat(after.limits().get(Entitlements.SEATS)).isEqualTo(10);
        assertThat(after.scheduledPlan()).isNull();
        // The renewal's update names the lower plan with the next period: nothing is scheduled any more.
        effects.apply(subscription("customer.subscription.updated", 400, "active", "pro", periodEnd + 30 * 86_400));
        assertThat(store.subscription(workspace).orElseThrow().scheduledPlan()).isNull();
        assertThat(entitlements.of(workspace).plan()).isEqualTo("pro");
    }

    private InboundEvent phonePeOrder(String state, String order, long amount) {
        String body = "{\"event\":\"checkout.order." + state.toLowerCase(Locale.ROOT)
                + "\",\"payload\":{\"orderId\":\"OMO" + order + "\",\"merchantOrderId\":\"" + order
                + "\",\"state\":\"" + state + "\",\"amount\":" + amount
                + ",\"paymentDetails\":[{\"timestamp\":1790000100000,\"amount\":" + amount + "}]}}";
        String id = "checkout.order#OMO" + order + "#" + state;
        return new InboundEvent(
                "phonepe",
                id,
                "checkout.order." + state.toLowerCase(Locale.ROOT),
                List.of("phonepe#" + id),
                1_790_000_100_000L,
                Json.tree(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aPaidPhonePeOrderBuysItsPeriodOfItsPlanOnlyForTheAmountAsked() {
        long periodEnd = clock.instant().getEpochSecond() + 30 * 86_400;
        String order = "ord_" + workspace.substring(3, 27);
        store.putOrder(
                "phonepe",
                order,
                new BillingItems.Order(
                        null, null, workspace, "pro", 239_900, "inr", periodEnd, clock.millis(), null, 0));
        assertThat(effects.apply(phonePeOrder("COMPLETED", order, 100))).isEqualTo(BillingEffects.Outcome.APPLIED);
        assertThat(entitlements.of(workspace).plan())
                .as("an amount other than the order's buys nothing")
                .isEqualTo("free");

        String paid = "ord_" + workspace.substring(4, 28);
        store.putOrder(
                "phonepe",
                paid,
                new BillingItems.Order(
                        null, null, workspace, "pro", 239_900, "inr", periodEnd, clock.millis(), null, 0));
        effects.apply(phonePeOrder("COMPLETED", paid, 239_900));
        Entitlements.Entitlement bought = entitlements.of(workspace);
        assertThat(bought.plan()).isEqualTo("pro");
        assertThat(bought.provider()).isEqualTo("phonepe");
        assertThat(bought.currentPeriodEnd()).isEqualTo(Instant.ofEpochSecond(periodEnd));
        assertThat(bought.cancelAtPeriodEnd())
                .as("a PhonePe period does not renew")
                .isTrue();
        assertThat(store.payment(workspace, BillingItems.PAYMENT, "phonepe", paid))
                .hasValueSatisfying(p -> assertThat(p.status()).isEqualTo("paid"));
    }

    @Test
    void aRefundsWebhookRepeatingWhatTheRouteRecordedChangesNothingAndItsLaterStateUpdatesTheSameRecord() {
        store.putPayment(
                workspace,
                new BillingStore.Payment(
                        BillingItems.REFUND, "stripe", "re_1", "pending", 2900, "usd", "in_1", 1_790_000_000_000L),
                1_790_000_000_000L);
        String refund = "{\"data\":{\"object\":{\"id\":\"re_1\",\"object\":\"refund\",\"amount\":2900,"
                + "\"currency\":\"usd\",\"status\":\"%s\",\"created\":1790000000,\"metadata\":{\"workspace_id\":\""
                + workspace + "\",\"payment_id\":\"in_1\"}}}}";
        InboundEvent created = new InboundEvent(
                "stripe",
                "evt_rc",
                "refund.created",
                List.of("stripe#evt_rc" + workspace),
                1_790_000_001_000L,
                Json.tree(refund.formatted("pending").getBytes(StandardCharsets.UTF_8)));
        assertThat(effects.apply(created)).isEqualTo(BillingEffects.Outcome.OLDER_IGNORED);
        InboundEvent succeeded = new InboundEvent(
                "stripe",
                "evt_ru",
                "refund.updated",
                List.of("stripe#evt_ru" + workspace),
                1_790_000_009_000L,
                Json.tree(refund.formatted("succeeded").getBytes(StandardCharsets.UTF_8)));
        assertThat(effects.apply(succeeded)).isEqualTo(BillingEffects.Outcome.APPLIED);
        assertThat(store.payments(workspace)).singleElement().satisfies(p -> {
            assertThat(p.id()).isEqualTo("re_1");
            assertThat(p.status()).isEqualTo("succeeded");
            assertThat(p.reference()).isEqualTo("in_1");
            assertThat(p.occurredAt()).as("its place in the history is kept").isEqualTo(1_790_000_000_000L);
        });
    }
}

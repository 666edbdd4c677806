package app.devskyy.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.billing.Entitlements;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.core.testing.DynamoDbLocal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

    @BeforeEach
    void setUp() {
        DynamoTables tables = new DynamoTables(DynamoDbLocal.client());
        store = new BillingStore(tables, "BillingTable", Clock.systemUTC());
        entitlements = new Entitlements(
                tables, "BillingTable", Entitlements.bundled(), Clock.systemUTC(), Duration.ZERO, Duration.ofDays(14));
        AuditLog audit = new AuditLog(
                tables, "AuditTable", new PersonalDataCipher(new byte[32]), Duration.ofDays(1), Clock.systemUTC());
        effects = new BillingEffects(store, entitlements, audit);
        workspace = "ws_" + UUID.randomUUID().toString().replace("-", "");
    }

    private InboundEvent subscription(String type, long createdSeconds, String status) {
        String object = "{\"id\":\"sub_1\",\"object\":\"subscription\",\"customer\":\"cus_" + workspace
                + "\",\"status\":\""
                + status + "\",\"metadata\":{\"workspace_id\":\"" + workspace + "\"},\"current_period_end\":1800000000,"
                + "\"items\":{\"data\":[{\"price\":{\"id\":\"price_1\",\"lookup_key\":\"pro_monthly\"}}]}}";
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
}

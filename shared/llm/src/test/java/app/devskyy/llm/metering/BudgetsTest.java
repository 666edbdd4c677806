package app.devskyy.llm.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.auth.Role;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.billing.Entitlements;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.testing.DynamoDbLocal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Budget reservation arithmetic against DynamoDB Local and template.yaml's LLM table. */
@ExtendWith(DynamoDbLocal.class)
class BudgetsTest {

    private Budgets budgets;
    private String workspace;

    @BeforeEach
    void newWorkspace() {
        DynamoTables tables = new DynamoTables(DynamoDbLocal.client());
        budgets = new Budgets(
                DynamoDbLocal.client(),
                tables,
                "LlmTable",
                new Entitlements(
                        tables,
                        "BillingTable",
                        Entitlements.bundled(),
                        Clock.systemUTC(),
                        Duration.ZERO,
                        Duration.ZERO),
                Clock.systemUTC());
        workspace = "ws_" + UUID.randomUUID().toString().replace("-", "");
    }

    private Caller caller(String keyId) {
        return new Caller(
                workspace, keyId == null ? "user:usr_1" : "key:" + keyId, Optional.ofNullable(keyId), Role.ADMIN);
    }

    @Test
    void aReservationHoldsItsWorstCaseUntilSettledAtTheActualCost() {
        budgets.put(workspace, new Budgets.Settings(1_000L, null, null), "user:usr_1");
        Budgets.Reservation first = budgets.reserve(caller(null), 600);
        assertThat(budgets.spend(workspace, Optional.empty())).isEqualTo(new Budgets.Spend(0, 600));
        assertThatThrownBy(() -> budgets.reserve(caller(null), 600))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.status()).isEqualTo(429));
        budgets.settle(first, 200);
        assertThat(budgets.spend(workspace, Optional.empty())).isEqualTo(new Budgets.Spend(200, 200));
        budgets.settle(budgets.reserve(caller(null), 600), 600);
        assertThat(budgets.spend(workspace, Optional.empty())).isEqualTo(new Budgets.Spend(800, 800));
    }

    @Test
    void withoutABudgetSpendIsStillCountedSoABudgetSetLaterSeesIt() {
        budgets.settle(budgets.reserve(caller(null), 10_000), 700);
        assertThat(budgets.spend(workspace, Optional.empty())).isEqualTo(new Budgets.Spend(700, 700));
        budgets.put(workspace, new Budgets.Settings(1_000L, null, null), "user:usr_1");
        assertThatThrownBy(() -> budgets.reserve(caller(null), 400)).isInstanceOf(ApiProblem.class);
    }

    @Test
    void aKeyRefusedByItsOwnBudgetReleasesWhatItHeldOnTheWorkspace() {
        budgets.put(workspace, new Budgets.Settings(10_000L, null, null), "user:usr_1");
        budgets.putKey(workspace, "key_a", 100L, "user:usr_1");
        assertThatThrownBy(() -> budgets.reserve(caller("key_a"), 500)).isInstanceOf(ApiProblem.class);
        assertThat(budgets.spend(workspace, Optional.empty()).heldMicros()).isZero();
        Budgets.Reservation within = budgets.reserve(caller("key_a"), 80);
        assertThat(budgets.spend(workspace, Optional.of("key_a"))).isEqualTo(new Budgets.Spend(0, 80));
        budgets.settle(within, 30);
        assertThat(budgets.spend(workspace, Optional.of("key_a"))).isEqualTo(new Budgets.Spend(30, 30));
        assertThat(budgets.spend(workspace, Optional.empty())).isEqualTo(new Budgets.Spend(30, 30));
        assertThat(budgets.keyLimits(workspace)).containsEntry("key_a", 100L);
    }

    @Test
    void concurrentReservationsNeverHoldMoreThanTheBudget() throws Exception {
        budgets.put(workspace, new Budgets.Settings(1_000L, null, null), "user:usr_1");
        assertThat(heldOfConcurrent(24, 100)).isEqualTo(10);
        assertThat(budgets.spend(workspace, Optional.empty()).heldMicros()).isEqualTo(1_000);
    }

    @Test
    void withoutABudgetOfItsOwnAWorkspaceSpendsWithinItsPlansUnderConcurrency() throws Exception {
        // The free plan: 5 USD a month. Twenty-four calls of 0.50 USD at once: exactly ten are held.
        assertThat(heldOfConcurrent(24, 500_000)).isEqualTo(10);
        assertThat(budgets.spend(workspace, Optional.empty()).heldMicros()).isEqualTo(5_000_000);
        assertThat(budgets.monthlyLimit(workspace)).isEqualTo(5_000_000L);

        // On the pro plan (100 USD) the same workspace has room again; a budget of its own wins over the plan's.
        DynamoDbLocal.client()
                .putItem(r -> r.tableName("BillingTable")
                        .item(Map.of(
                                "pk", AttributeValue.fromS("WS#" + workspace),
                                "sk", AttributeValue.fromS("SUBSCRIPTION"),
                                "plan", AttributeValue.fromS("pro_monthly"),
                                "status", AttributeValue.fromS("active"))));
        assertThat(budgets.monthlyLimit(workspace)).isEqualTo(100_000_000L);
        budgets.reserve(caller(null), 10_000_000);
        budgets.put(workspace, new Budgets.Settings(2_000_000L, null, null), "user:usr_1");
        assertThat(budgets.monthlyLimit(workspace)).isEqualTo(2_000_000L);
    }

    /** Makes {@code calls} reservations of {@code micros} at once, eight at a time; how many were held. */
    private int heldOfConcurrent(int calls, long micros) throws Exception {
        List<Callable<Boolean>> reservations = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            reservations.add(() -> {
                try {
                    budgets.reserve(caller(null), micros);
                    return true;
                } catch (ApiProblem refused) {
                    return false;
                }
            });
        }
        int held = 0;
        try (var executor = Executors.newFixedThreadPool(8)) {
            for (Future<Boolean> reserved : executor.invokeAll(reservations)) {
                held += reserved.get() ? 1 : 0;
            }
        }
        return held;
    }
}

package app.devskyy.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpendBaselineTest {

    private static List<Long> steady(int days) {
        List<Long> history = new ArrayList<>();
        for (int i = 0; i < days; i++) {
            history.add(2_000_000L + (i % 3) * 100_000L);
        }
        return history;
    }

    @Test
    void aSpikeIsAnomalousAndDoesNotTeachTheBaseline() {
        List<Long> history = steady(28);
        SpendBaseline before = SpendBaseline.of(history);
        assertThat(before.isAnomalous(20_000_000, 5, 1_000_000)).isTrue();
        assertThat(before.isAnomalous(2_300_000, 5, 1_000_000)).isFalse();
        // The day after the spike, the spike is in the history; the median does not move.
        history.removeFirst();
        history.add(20_000_000L);
        SpendBaseline after = SpendBaseline.of(history);
        assertThat(after.median()).isEqualTo(before.median());
        assertThat(after.isAnomalous(2_200_000, 5, 1_000_000)).isFalse();
    }

    @Test
    void aShortHistoryOrASmallAmountIsNeverAnomalous() {
        assertThat(SpendBaseline.of(steady(5)).isAnomalous(50_000_000, 5, 1_000_000))
                .isFalse();
        List<Long> cents = new ArrayList<>();
        for (int i = 0; i < 28; i++) {
            cents.add(1_000L);
        }
        assertThat(SpendBaseline.of(cents).isAnomalous(500_000, 5, 1_000_000))
                .as("500x the usual, but half a dollar")
                .isFalse();
        List<Long> lateStart = new ArrayList<>(List.of(0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L));
        lateStart.addAll(steady(8));
        assertThat(SpendBaseline.of(lateStart).days())
                .as("the days before the first spend are no history")
                .isEqualTo(8);
    }
}

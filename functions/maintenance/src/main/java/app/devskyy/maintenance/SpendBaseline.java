package app.devskyy.maintenance;

import java.util.ArrayList;
import java.util.List;

/**
 * A workspace's usual daily spend, robustly: the median of its trailing days and their median
 * absolute deviation (scaled by 1.4826 to estimate a standard deviation), so that one spike neither
 * hides itself nor teaches the baseline to expect the next. A day is anomalous when it exceeds the
 * median by {@code k} such deviations, the deviation never taken below a tenth of the median (a
 * perfectly steady history would otherwise flag a cent more), and is worth telling at all.
 */
record SpendBaseline(long median, double deviation, int days) {

    /** The fewest days of history a baseline is drawn from. */
    static final int MIN_DAYS = 7;

    /** The baseline of the daily totals (micros), oldest first, from the first day with spend. */
    static SpendBaseline of(List<Long> daily) {
        List<Long> history = new ArrayList<>();
        for (long day : daily) {
            if (!history.isEmpty() || day > 0) {
                history.add(day);
            }
        }
        if (history.isEmpty()) {
            return new SpendBaseline(0, 0, 0);
        }
        long median = median(history);
        List<Long> deviations = history.stream().map(d -> Math.abs(d - median)).toList();
        return new SpendBaseline(median, 1.4826 * median(deviations), history.size());
    }

    boolean isAnomalous(long spend, double k, long minimum) {
        if (days < MIN_DAYS || spend < minimum) {
            return false;
        }
        return spend > median + k * Math.max(deviation, median * 0.1);
    }

    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}

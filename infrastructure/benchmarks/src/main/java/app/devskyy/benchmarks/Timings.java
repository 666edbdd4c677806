package app.devskyy.benchmarks;

import java.util.List;

/** Wall-clock samples of one call, and their percentiles: what the in-process benchmarks share. */
final class Timings {

    private Timings() {}

    /** Runs {@code call} {@code samples} times, adding each duration (ms) to {@code times}. */
    static void measure(Runnable call, int samples, List<Double> times) {
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            call.run();
            times.add((System.nanoTime() - start) / 1_000_000.0);
        }
    }

    /** The {@code q} quantile (nearest rank) of times sorted ascending. */
    static double percentile(List<Double> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}

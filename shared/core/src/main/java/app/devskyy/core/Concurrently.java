package app.devskyy.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs independent store calls at once, one virtual thread each, so that a request pays for one
 * round trip instead of one per call (docs/performance.md). Every task ends before this returns;
 * the first failure is then rethrown as it was (an {@code ApiProblem} stays one).
 */
public final class Concurrently {

    private Concurrently() {}

    public static void run(Runnable... tasks) {
        if (tasks.length == 1) {
            tasks[0].run();
            return;
        }
        RuntimeException first = null;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (Runnable task : tasks) {
                running.add(threads.submit(task));
            }
            for (Future<?> task : running) {
                try {
                    task.get();
                } catch (ExecutionException failed) {
                    if (first == null) {
                        first = failed.getCause() instanceof RuntimeException runtime
                                ? runtime
                                : new IllegalStateException(failed.getCause());
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    first = first == null ? new IllegalStateException("interrupted") : first;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}

package app.devskyy.benchmarks;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every AWS SDK call made in this JVM by service and operation, so that a benchmark can
 * report the store calls behind each request. The SDK loads it into every client it builds, from
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors} on the benchmarks'
 * class path (never in a deployed zip).
 */
public final class StoreCalls implements ExecutionInterceptor {

    private static final Map<String, LongAdder> CALLS = new ConcurrentHashMap<>();

    /**
     * A wait added to every call before it is sent ({@code -Dstore.latency.ms}, none by default): the
     * network round trip AWS would add, which DynamoDB Local on loopback does not have. Calls made at
     * once wait at once, so a request's added time grows by this much per wait it makes in turn.
     */
    static final long LATENCY_MILLIS = Long.getLong("store.latency.ms", 0);

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String call = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        CALLS.computeIfAbsent(call, c -> new LongAdder()).increment();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (LATENCY_MILLIS > 0) {
            try {
                Thread.sleep(LATENCY_MILLIS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Calls so far, by {@code Service.Operation}. */
    static Map<String, Long> snapshot() {
        Map<String, Long> counts = new TreeMap<>();
        CALLS.forEach((call, n) -> counts.put(call, n.sum()));
        return counts;
    }

    /** The calls made since {@code before} (a {@link #snapshot}), by service and operation. */
    static Map<String, Long> since(Map<String, Long> before) {
        Map<String, Long> delta = new TreeMap<>();
        snapshot().forEach((call, n) -> {
            long made = n - before.getOrDefault(call, 0L);
            if (made > 0) {
                delta.put(call, made);
            }
        });
        return delta;
    }
}

package app.devskyy.core.testing;

import java.util.HashMap;
import java.util.Map;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

/**
 * Starts a function family outside Lambda (the local server, the tests, the benchmark) exactly as
 * the Lambda runtime does: Spring Cloud Function's {@link FunctionInvoker}, the family's
 * initializer as {@code MAIN_CLASS}, and the function's environment.
 *
 * <p>A JVM has one environment, but the local server hosts every family in one process; so the
 * settings are handed over as system properties (which {@code Config} reads first) for the
 * duration of the start, when each family reads its configuration, and removed afterwards.
 */
public final class FunctionStarter {

    private FunctionStarter() {}

    /**
     * @param mainClass  the family's initializer ({@code MAIN_CLASS} in template.yaml)
     * @param definition the function name ({@code SPRING_CLOUD_FUNCTION_DEFINITION})
     * @param settings   the function's environment
     */
    public static synchronized FunctionInvoker start(
            String mainClass, String definition, Map<String, String> settings) {
        Map<String, String> previous = new HashMap<>();
        Map<String, String> environment = new HashMap<>(settings);
        // Lambda's environment names the function; the family's catalog builds only that one.
        environment.putIfAbsent("SPRING_CLOUD_FUNCTION_DEFINITION", definition);
        environment.forEach((name, value) -> {
            String old = System.setProperty(name, value);
            if (old != null) {
                previous.put(name, old);
            }
        });
        String oldMain = System.setProperty("MAIN_CLASS", mainClass);
        try {
            return new FunctionInvoker(definition);
        } finally {
            restore("MAIN_CLASS", oldMain);
            environment.keySet().forEach(name -> restore(name, previous.get(name)));
        }
    }

    private static void restore(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }
}

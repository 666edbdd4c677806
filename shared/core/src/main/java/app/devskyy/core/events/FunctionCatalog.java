package app.devskyy.core.events;

import app.devskyy.core.config.Config;
import app.devskyy.core.snapstart.Priming;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.springframework.cloud.function.context.FunctionRegistration;
import org.springframework.context.support.GenericApplicationContext;

/**
 * The functions of one family module, each named once with how to build it. A Lambda names its
 * function in {@code SPRING_CLOUD_FUNCTION_DEFINITION}; only that function's graph is built (and
 * primed before the SnapStart snapshot), so each Lambda pays for its own path. Where no function
 * is named, as in the local server hosting a module whole, all of them are built.
 */
public final class FunctionCatalog {

    private final Map<String, Function<Config, ?>> builders = new LinkedHashMap<>();

    private FunctionCatalog() {}

    public static FunctionCatalog of() {
        return new FunctionCatalog();
    }

    /** Names a function and how to build it from the configuration. */
    public FunctionCatalog with(String name, Function<Config, ?> builder) {
        if (builders.putIfAbsent(name, builder) != null) {
            throw new IllegalArgumentException("function named twice: " + name);
        }
        return this;
    }

    /**
     * Builds the function that {@code SPRING_CLOUD_FUNCTION_DEFINITION} names (every function when
     * none is) and registers it in the family's context.
     */
    public void register(Config config, GenericApplicationContext context) {
        String definition = config.string("SPRING_CLOUD_FUNCTION_DEFINITION", "");
        if (!definition.isEmpty() && !builders.containsKey(definition)) {
            throw new Config.InvalidSettingException("SPRING_CLOUD_FUNCTION_DEFINITION");
        }
        builders.forEach((name, builder) -> {
            if (definition.isEmpty() || definition.equals(name)) {
                Object function = builder.apply(config);
                // Every function is primed before its snapshot, with its own actions or the shared ones.
                Priming.registerUnlessPrimed(name);
                register(name, function, context);
            }
        });
    }

    /** Builds the function named {@code name} alone, outside any context. */
    public Object build(String name, Config config) {
        Function<Config, ?> builder = builders.get(name);
        if (builder == null) {
            throw new IllegalArgumentException("no function named " + name);
        }
        return builder.apply(config);
    }

    private static <F> void register(String name, F function, GenericApplicationContext context) {
        context.registerBean(
                name,
                FunctionRegistration.class,
                () -> new FunctionRegistration<>(function, name).type(function.getClass()));
    }
}

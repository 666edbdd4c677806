package app.devskyy.core.events;

import app.devskyy.core.config.Config;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;

/**
 * A family module's initializer ({@code MAIN_CLASS} in template.yaml): its functions, named in one
 * {@link FunctionCatalog}. Spring Cloud Function's invoker registers the one this Lambda names;
 * anything else that needs a function without the invoker (the cold-start baseline) builds it from
 * the same catalog.
 */
public interface FunctionFamily extends ApplicationContextInitializer<GenericApplicationContext> {

    FunctionCatalog catalog();

    @Override
    default void initialize(GenericApplicationContext context) {
        catalog().register(Config.fromEnvironment(), context);
    }
}

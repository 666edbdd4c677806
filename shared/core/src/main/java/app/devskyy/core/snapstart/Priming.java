package app.devskyy.core.snapstart;

import java.util.ArrayList;
import java.util.List;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SnapStart hook of a function: before the snapshot it runs the function's priming actions
 * (load classes, build schemas and mappers, exercise the hot path on synthetic input), so that a
 * restored instance starts warm.
 *
 * <p>Priming must not touch external systems nor create anything unique (ids, random seeds,
 * connections) that would be shared by every restored copy of the snapshot. The AWS SDK's first
 * call is primed against a loopback port where nothing listens ({@link SdkPriming}).
 */
public final class Priming implements Resource {

    private static final Logger LOG = LoggerFactory.getLogger(Priming.class);

    /** CRaC keeps weak references to resources; this keeps ours alive. */
    private static final List<Priming> REGISTERED = new ArrayList<>();

    private final String name;
    private final List<Runnable> actions;

    private Priming(String name, List<Runnable> actions) {
        this.name = name;
        this.actions = List.copyOf(actions);
    }

    /** Registers the actions to run before the snapshot of this function. */
    public static synchronized Priming register(String name, List<Runnable> actions) {
        Priming priming = new Priming(name, actions);
        REGISTERED.add(priming);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    /** Runs every registered function's priming now, as the snapshot would: what the priming-gap benchmark measures. */
    public static synchronized void primeAll() {
        REGISTERED.forEach(Priming::prime);
    }

    /**
     * Registers the priming every function gets, for a function that registered none of its own
     * (the event functions): the SDK's and a token's first use ({@link #prime}).
     */
    public static synchronized void registerUnlessPrimed(String name) {
        if (REGISTERED.stream().noneMatch(priming -> priming.name.equals(name))) {
            register(name, List.of());
        }
    }

    /**
     * Runs the actions now; also what {@link #beforeCheckpoint} does. Every function's first store
     * call pays the SDK's first use, and every authenticated request a token's verification, so
     * both are primed first, without reaching AWS or any key store.
     */
    public void prime() {
        attempt(SdkPriming::dynamoDb);
        attempt(TokenPriming::verify);
        actions.forEach(this::attempt);
    }

    private void attempt(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            // A failed priming action costs warmth, not correctness: the snapshot still works.
            LOG.warn("priming action of {} failed: {}", name, e.getClass().getName());
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing unique was created before the snapshot, so nothing needs to be renewed.
    }
}

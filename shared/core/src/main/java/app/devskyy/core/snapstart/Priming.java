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
        // Every function's first store call pays the SDK's first use: primed first, without reaching AWS.
        List<Runnable> all = new ArrayList<>(List.of(SdkPriming::dynamoDb));
        all.addAll(actions);
        this.actions = List.copyOf(all);
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

    /** Runs the actions now; also what {@link #beforeCheckpoint} does. */
    public void prime() {
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                // A failed priming action costs warmth, not correctness: the snapshot still works.
                LOG.warn("priming action of {} failed: {}", name, e.getClass().getName());
            }
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

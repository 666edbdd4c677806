package app.devskyy.llm.metering;

import app.devskyy.core.Concurrently;
import app.devskyy.core.privacy.Consents;
import app.devskyy.llm.ChatGateway;
import app.devskyy.llm.ChatGateway.GatewayException;
import app.devskyy.llm.ChatGateway.Outcome;
import app.devskyy.llm.ChatRequest;
import app.devskyy.llm.ChatResult;
import app.devskyy.llm.EmbeddingResult;
import app.devskyy.llm.Prices;
import app.devskyy.llm.Routing.Route;
import app.devskyy.llm.Target;
import app.devskyy.llm.TokenEstimator;
import app.devskyy.llm.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One accounted model call, the same for every family, and never one for a person whose
 * processing is restricted: the worst-case cost is reserved against the
 * workspace's and the key's budgets (and a caller's own cap, such as an agent run's) before the
 * call, the gateway sends it down the route, then the reservation is settled at the actual cost and
 * the usage record written, concurrently. Since the actual cost never exceeds the reservation, no
 * concurrency can take spend past a budget or a cap.
 */
public final class MeteredChat {

    /** A finished provider call, accounted. */
    public record Completed(ChatResult result, Target target, int attempts, long costMicros, long latencyMillis) {}

    /**
     * A limit of the caller's own beside the budgets. {@code hold} refuses by throwing (and holds
     * nothing then); {@code settle} replaces what was held by what the call cost (and may count
     * its tokens).
     */
    public interface Cap {
        void hold(long micros);

        void settle(long heldMicros, long actualMicros, Usage usage);
    }

    private final ChatGateway gateway;
    private final Prices prices;
    private final Budgets budgets;
    private final UsageLedger ledger;
    private final Consents consents;
    private final int maxTokensUnderBudget;

    public MeteredChat(
            ChatGateway gateway,
            Prices prices,
            Budgets budgets,
            UsageLedger ledger,
            Consents consents,
            int maxTokensUnderBudget) {
        this.gateway = gateway;
        this.consents = consents;
        this.prices = prices;
        this.budgets = budgets;
        this.ledger = ledger;
        this.maxTokensUnderBudget = maxTokensUnderBudget;
    }

    public ChatGateway gateway() {
        return gateway;
    }

    /**
     * A call's budget, held before the call is sent: the request as it will be sent (its output
     * bounded where a budget applies), its worst-case cost and the reservation of it.
     */
    public record Held(ChatRequest sent, long worstCaseMicros, Budgets.Reservation reservation) {}

    /**
     * Holds the worst-case cost of sending {@code request} down {@code route} against the budgets
     * (429, {@code budget-exhausted}, when one cannot afford it), so that a caller can hold it at the
     * same time as its other checks; {@link #complete(Caller, String, String, Route, Held, Consumer)}
     * then sends it, and {@link #release} gives it back when the call is not made.
     */
    public Held hold(Caller caller, Route route, ChatRequest request) {
        ChatRequest sent = bounded(caller, request, false);
        long worstCase = worstCase(route, sent);
        return new Held(sent, worstCase, budgets.reserve(caller, worstCase));
    }

    /** Gives back a hold whose call was not made (refused by another check, or answered from a cache). */
    public void release(Held held) {
        budgets.release(held.reservation(), 0);
    }

    /** Sends a call held with {@link #hold} and accounts for it, as below. */
    public Completed complete(
            Caller caller,
            String requestId,
            String operation,
            Route route,
            Held held,
            Consumer<Outcome<ChatResult>> alongside)
            throws GatewayException {
        return send(
                caller,
                requestId,
                operation,
                route,
                held.sent(),
                actual -> budgets.settle(held.reservation(), actual),
                Optional.empty(),
                held.worstCaseMicros(),
                alongside);
    }

    /**
     * Sends {@code request} down {@code route} with the budgets (and {@code cap}) held, and accounts
     * for it; {@code alongside} runs with the accounting once the provider answered. A refused
     * reservation is the budget's {@code ApiProblem} (429, {@code budget-exhausted}); a failed
     * call is recorded and its {@code GatewayException} rethrown. With {@code prepaid}, the budgets
     * are not reserved again: the reservation of the work this call belongs to covers it.
     */
    public Completed complete(
            Caller caller,
            String requestId,
            String operation,
            Route route,
            ChatRequest request,
            Optional<Cap> cap,
            Optional<Budgets.Reservation> prepaid,
            Consumer<Outcome<ChatResult>> alongside)
            throws GatewayException {
        ChatRequest sent = bounded(caller, request, cap.isPresent());
        long worstCase = worstCase(route, sent);
        Budgets.Reservation reservation = prepaid.orElseGet(() -> budgets.reserve(caller, worstCase));
        Consumer<Long> settle = actual -> {
            if (prepaid.isPresent()) {
                budgets.spendWithin(reservation, actual);
            } else {
                budgets.settle(reservation, actual);
            }
        };
        if (cap.isPresent()) {
            try {
                cap.get().hold(worstCase);
            } catch (RuntimeException refused) {
                if (prepaid.isEmpty()) {
                    budgets.settle(reservation, 0);
                }
                throw refused;
            }
        }
        return send(caller, requestId, operation, route, sent, settle, cap, worstCase, alongside);
    }

    /**
     * The request as it may be sent: never for a person whose processing is restricted, and with
     * its output bounded under a budget or a cap, for the reservation to bound the cost.
     */
    private ChatRequest bounded(Caller caller, ChatRequest request, boolean capped) {
        // A person whose processing is restricted (GDPR Art. 18): nothing of theirs goes to a model.
        consents.requireProcessing(caller.id());
        boolean bounded = capped
                || budgets.monthlyLimit(caller.workspaceId()) != null
                || caller.apiKeyId()
                        .flatMap(id -> budgets.keyLimit(caller.workspaceId(), id))
                        .isPresent();
        return bounded && request.maxTokens() == null ? request.withMaxTokens(maxTokensUnderBudget) : request;
    }

    private long worstCase(Route route, ChatRequest sent) {
        long promptBound = TokenEstimator.promptUpperBound(sent);
        long outputBound = (long) (sent.maxTokens() == null ? maxTokensUnderBudget : sent.maxTokens()) * sent.choices();
        return prices.worstCaseMicros(route.targets(), promptBound, outputBound);
    }

    /** The provider call, then its settlement, the cap's, the usage record and {@code alongside}, at once. */
    private Completed send(
            Caller caller,
            String requestId,
            String operation,
            Route route,
            ChatRequest sent,
            Consumer<Long> settle,
            Optional<Cap> cap,
            long worstCase,
            Consumer<Outcome<ChatResult>> alongside)
            throws GatewayException {
        Outcome<ChatResult> outcome;
        try {
            outcome = gateway.chat(route.targets(), sent);
        } catch (GatewayException failed) {
            Concurrently.run(
                    () -> settle.accept(0L),
                    () -> cap.ifPresent(c -> c.settle(worstCase, 0, Usage.NONE)),
                    () -> ledger.record(failure(caller, requestId, operation, route, failed)));
            throw failed;
        }
        long cost = prices.costMicros(outcome.target(), outcome.result().usage());
        Concurrently.run(
                () -> settle.accept(cost),
                () -> cap.ifPresent(
                        c -> c.settle(worstCase, cost, outcome.result().usage())),
                () -> ledger.record(new UsageLedger.Entry(
                        caller,
                        requestId,
                        operation,
                        route.alias(),
                        outcome.target(),
                        outcome.result().usage(),
                        cost,
                        outcome.latencyMillis(),
                        false,
                        "ok")),
                () -> alongside.accept(outcome));
        return new Completed(
                outcome.result(), outcome.target(), calls(outcome.attempts()), cost, outcome.latencyMillis());
    }

    /** A finished embedding call, accounted. */
    public record Embedded(EmbeddingResult result, Target target, int attempts, long costMicros, long latencyMillis) {}

    /**
     * Embeds {@code inputs} down {@code route} with the budgets held for the worst case (a token per
     * byte) and accounts for it, as {@link #complete} does for chat.
     */
    public Embedded embed(
            Caller caller, String requestId, String operation, Route route, List<String> inputs, Integer dimensions)
            throws GatewayException {
        consents.requireProcessing(caller.id());
        long bytes = inputs.stream()
                .mapToLong(s -> s.getBytes(StandardCharsets.UTF_8).length + 1L)
                .sum();
        Budgets.Reservation reservation = budgets.reserve(caller, prices.worstCaseMicros(route.targets(), bytes, 0));
        Outcome<EmbeddingResult> outcome;
        try {
            outcome = gateway.embed(route.targets(), inputs, dimensions);
        } catch (GatewayException failed) {
            Concurrently.run(
                    () -> budgets.settle(reservation, 0),
                    () -> ledger.record(failure(caller, requestId, operation, route, failed)));
            throw failed;
        }
        Usage usage = new Usage(outcome.result().promptTokens(), 0, 0, 0);
        long cost = prices.costMicros(outcome.target(), usage);
        Concurrently.run(
                () -> budgets.settle(reservation, cost),
                () -> ledger.record(new UsageLedger.Entry(
                        caller,
                        requestId,
                        operation,
                        route.alias(),
                        outcome.target(),
                        usage,
                        cost,
                        outcome.latencyMillis(),
                        false,
                        "ok")));
        return new Embedded(
                outcome.result(), outcome.target(), calls(outcome.attempts()), cost, outcome.latencyMillis());
    }

    /** The usage record of a call no provider answered: no tokens, no cost, the gateway's status. */
    private static UsageLedger.Entry failure(
            Caller caller, String requestId, String operation, Route route, GatewayException failed) {
        return new UsageLedger.Entry(
                caller,
                requestId,
                operation,
                route.alias(),
                lastTarget(failed, route),
                Usage.NONE,
                0,
                0,
                false,
                Integer.toString(failed.status()));
    }

    /** Provider calls made, not counting targets skipped with their circuit open. */
    public static int calls(List<ChatGateway.Attempt> attempts) {
        return (int) attempts.stream()
                .filter(a -> !a.outcome().equals("circuit_open"))
                .count();
    }

    public static Target lastTarget(GatewayException failed, Route route) {
        return failed.attempts().isEmpty()
                ? route.targets().getFirst()
                : failed.attempts().getLast().target();
    }
}

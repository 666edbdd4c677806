package app.devskyy.llmproxy;

import app.devskyy.core.Concurrently;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.privacy.Consents;
import app.devskyy.core.ratelimit.Limit;
import app.devskyy.core.ratelimit.RateLimiter;
import app.devskyy.core.ratelimit.RateLimits;
import app.devskyy.core.ratelimit.RateLimits.FailurePolicy;
import app.devskyy.llm.ChatGateway;
import app.devskyy.llm.ChatGateway.GatewayException;
import app.devskyy.llm.ChatRequest;
import app.devskyy.llm.OpenAiWire;
import app.devskyy.llm.Prices;
import app.devskyy.llm.Redactor;
import app.devskyy.llm.Routing;
import app.devskyy.llm.Routing.Route;
import app.devskyy.llm.Target;
import app.devskyy.llm.TokenEstimator;
import app.devskyy.llm.Usage;
import app.devskyy.llm.metering.Budgets;
import app.devskyy.llm.metering.Caller;
import app.devskyy.llm.metering.MeteredChat;
import app.devskyy.llm.metering.MeteredChat.Completed;
import app.devskyy.llm.metering.Money;
import app.devskyy.llm.metering.UsageLedger;
import app.devskyy.llm.providers.OfflineProvider;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One proxied call, start to finish: resolve the model to a route (404 when unknown), apply the
 * workspace's request and token rates, answer from the cache when the request may be cached,
 * reserve the worst-case cost against the budgets, send the request down the route, settle the
 * reservation at the actual cost, record usage, store the answer in the cache.
 */
final class ProxyService {

    /** {@code x-llm-cache}: {@code on} caches whatever the temperature, {@code off} never, absent follows the alias. */
    enum CacheMode {
        DEFAULT,
        ON,
        OFF;

        static CacheMode of(Optional<String> header) {
            return header.map(h -> switch (h.strip().toLowerCase(Locale.ROOT)) {
                        case "on", "true", "1" -> ON;
                        case "off", "false", "0" -> OFF;
                        default -> throw ApiProblem.badRequest("x-llm-cache is on or off.");
                    })
                    .orElse(DEFAULT);
        }
    }

    /** What the proxy answers: the OpenAI body and the headers that explain it. */
    record Answer(ObjectNode body, Map<String, String> headers) {}

    /** Limits for workspaces that set none. */
    record Defaults(int rpm, int tpm, int maxTokensUnderBudget, boolean logPrompts) {}

    private static final Logger LOG = LoggerFactory.getLogger(ProxyService.class);

    private final Routing routing;
    private final MeteredChat meter;
    private final ChatGateway gateway;
    private final Prices prices;
    private final Budgets budgets;
    private final UsageLedger ledger;
    private final ResponseCache cache;
    private final RateLimits limits;
    private final Consents consents;
    private final Defaults defaults;
    private final Clock clock;

    ProxyService(
            Routing routing,
            MeteredChat meter,
            Prices prices,
            Budgets budgets,
            UsageLedger ledger,
            ResponseCache cache,
            RateLimits limits,
            Defaults defaults,
            Consents consents,
            Clock clock) {
        this.consents = consents;
        this.routing = routing;
        this.meter = meter;
        this.gateway = meter.gateway();
        this.prices = prices;
        this.budgets = budgets;
        this.ledger = ledger;
        this.cache = cache;
        this.limits = limits;
        this.defaults = defaults;
        this.clock = clock;
    }

    Routing routing() {
        return routing;
    }

    Set<String> reachable() {
        return gateway.reachableProviders();
    }

    boolean offline() {
        return reachable().equals(Set.of(OfflineProvider.NAME));
    }

    Route route(String model, String kind, ChatRequest request) {
        return routing.resolve(model, kind, reachable(), request)
                .orElseThrow(() -> ApiProblem.of(
                        404,
                        "model-not-found",
                        "Not Found",
                        "The model '" + shorten(model) + "' does not exist or is not available in this deployment; "
                                + "GET /api/v1/llm/models lists the models you can use."));
    }

    /**
     * Counts one request and its likely {@code tokens} against the workspace's requests and tokens
     * per minute, decided together (one script on Upstash), all of the token allowance at most.
     */
    void admit(Caller caller, long tokens) {
        Budgets.Settings settings = budgets.workspace(caller.workspaceId());
        int rpm = settings.rpm() == null ? defaults.rpm() : settings.rpm();
        int tpm = settings.tpm() == null ? defaults.tpm() : settings.tpm();
        limits.enforceAll(
                List.of(
                        new RateLimiter.Count(Limit.perMinute("llm-rpm", rpm), caller.workspaceId(), 1),
                        new RateLimiter.Count(
                                Limit.perMinute("llm-tpm", tpm), caller.workspaceId(), (int) Math.min(tpm, tokens))),
                FailurePolicy.OPEN);
    }

    Answer chat(Caller caller, String requestId, ChatRequest request, String model, CacheMode mode) {
        Route route = route(model, "chat", request);
        boolean cacheable = mode == CacheMode.ON
                || (mode == CacheMode.DEFAULT
                        && route.cache()
                        && request.temperature() != null
                        && request.temperature() == 0);
        String cacheKey = cacheable ? ResponseCache.key(caller.workspaceId(), route.targets(), request) : null;
        Map<String, String> headers = new LinkedHashMap<>();
        route.task().ifPresent(task -> headers.put("x-llm-route", "auto:" + task.wire() + "->" + route.alias()));
        // One round trip before the provider call: the rates, the cache and the budget are
        // independent, so they are checked at once (docs/performance.md).
        var cached = new AtomicReference<Optional<ResponseCache.Hit>>(Optional.empty());
        var held = new AtomicReference<MeteredChat.Held>();
        var refused = new AtomicReference<RuntimeException>();
        try {
            Concurrently.run(
                    () -> admit(caller, tokens(request)),
                    () -> cached.set(cacheable ? cache.get(cacheKey) : Optional.empty()),
                    () -> {
                        try {
                            held.set(meter.hold(caller, route, request));
                        } catch (RuntimeException budgetOrConsent) {
                            refused.set(budgetOrConsent);
                        }
                    });
        } catch (RuntimeException rateLimited) {
            release(held.get());
            throw rateLimited;
        }
        if (cacheable) {
            Optional<ResponseCache.Hit> hit = cached.get();
            if (hit.isPresent()) {
                // A cached answer costs nothing and reaches no model: it is served whatever the hold's outcome.
                ObjectNode body = hit.get().body();
                body.put("id", "chatcmpl-" + requestId);
                body.put("created", clock.instant().getEpochSecond());
                Usage usage = usageOf(body);
                Concurrently.run(
                        () -> release(held.get()),
                        () -> ledger.record(new UsageLedger.Entry(
                                caller,
                                requestId,
                                "chat",
                                route.alias(),
                                hit.get().target(),
                                usage,
                                0,
                                0,
                                true,
                                "ok")));
                headers.putAll(Map.of(
                        "x-llm-cache",
                        "hit",
                        "x-llm-provider",
                        hit.get().target().provider(),
                        "x-llm-attempts",
                        "0",
                        "x-llm-cost-usd",
                        "0.000000"));
                return new Answer(body, offlineMarked(headers, hit.get().target()));
            }
        }
        if (refused.get() != null) {
            throw refused.get();
        }
        ObjectNode[] answer = new ObjectNode[1];
        Completed completed;
        try {
            completed = meter.complete(caller, requestId, "chat", route, held.get(), outcome -> {
                answer[0] = OpenAiWire.writeChatResult(
                        outcome.result(),
                        "chatcmpl-" + requestId,
                        outcome.result().model(),
                        clock.instant().getEpochSecond());
                if (cacheable) {
                    cache.put(cacheKey, answer[0], outcome.target());
                }
            });
        } catch (GatewayException failed) {
            throw problem(failed);
        }
        ObjectNode body = answer[0];
        headers.put("x-llm-cache", cacheable ? "miss" : "off");
        headers.put("x-llm-provider", completed.target().provider());
        headers.put("x-llm-model", completed.target().model());
        headers.put("x-llm-attempts", Integer.toString(completed.attempts()));
        headers.put("x-llm-cost-usd", Money.usd(completed.costMicros()).toPlainString());
        // Only where the stage logs prompts and the person calling consented; never for an API key's call.
        if (defaults.logPrompts()
                && caller.id().startsWith("user:")
                && consents.allows(caller.id().substring("user:".length()), Consents.LLM_PROMPT_LOGGING)) {
            LOG.info(
                    "llm exchange {}: prompt \"{}\" completion \"{}\"",
                    requestId,
                    Redactor.redact(shorten(
                            request.messages().isEmpty()
                                    ? ""
                                    : request.messages().getLast().text())),
                    Redactor.redact(shorten(completed.result().text())));
        }
        return new Answer(body, offlineMarked(headers, completed.target()));
    }

    /** A chat request's likely tokens: its messages' and its output allowance. */
    static long tokens(ChatRequest request) {
        return request.messages().stream()
                        .mapToLong(m -> TokenEstimator.estimate(m.text()))
                        .sum()
                + (long) (request.maxTokens() == null ? 256 : request.maxTokens()) * request.choices();
    }

    /** Gives back a budget hold whose call was not made (none where the hold itself was refused). */
    private void release(MeteredChat.Held held) {
        if (held != null) {
            meter.release(held);
        }
    }

    /**
     * Sends {@code request} down {@code route} with the budget held, and accounts for it.
     * Callers count the HTTP request and its tokens themselves ({@link #admit}).
     */
    Completed complete(Caller caller, String requestId, String operation, Route route, ChatRequest request) {
        try {
            return meter.complete(
                    caller, requestId, operation, route, request, Optional.empty(), Optional.empty(), outcome -> {});
        } catch (GatewayException failed) {
            throw problem(failed);
        }
    }

    Answer embeddings(
            Caller caller,
            String requestId,
            List<String> inputs,
            String model,
            Integer dimensions,
            boolean base64,
            CacheMode mode) {
        Route route = route(model, "embedding", null);
        long tokens = inputs.stream().mapToLong(TokenEstimator::estimate).sum();
        boolean cacheable = mode == CacheMode.ON || (mode == CacheMode.DEFAULT && route.cache());
        String cacheKey = cacheable
                ? ResponseCache.embeddingKey(caller.workspaceId(), route.targets(), inputs, dimensions)
                : null;
        var cached = new AtomicReference<Optional<ResponseCache.Hit>>(Optional.empty());
        Concurrently.run(
                () -> admit(caller, tokens), () -> cached.set(cacheable ? cache.get(cacheKey) : Optional.empty()));
        Map<String, String> headers = new LinkedHashMap<>();
        if (cacheable) {
            Optional<ResponseCache.Hit> hit = cached.get();
            if (hit.isPresent()) {
                ledger.record(new UsageLedger.Entry(
                        caller,
                        requestId,
                        "embeddings",
                        route.alias(),
                        hit.get().target(),
                        new Usage(
                                hit.get()
                                        .body()
                                        .path("usage")
                                        .path("prompt_tokens")
                                        .asLong(),
                                0,
                                0,
                                0),
                        0,
                        0,
                        true,
                        "ok"));
                headers.putAll(Map.of(
                        "x-llm-cache",
                        "hit",
                        "x-llm-provider",
                        hit.get().target().provider(),
                        "x-llm-attempts",
                        "0"));
                return new Answer(
                        encoded(hit.get().body(), base64),
                        offlineMarked(headers, hit.get().target()));
            }
        }
        MeteredChat.Embedded outcome;
        try {
            outcome = meter.embed(caller, requestId, "embeddings", route, inputs, dimensions);
        } catch (GatewayException failed) {
            throw problem(failed);
        }
        long cost = outcome.costMicros();
        if (outcome.result().vectors().size() != inputs.size()) {
            throw ApiProblem.of(
                    502,
                    "provider-error",
                    "Bad Gateway",
                    "The provider answered with " + outcome.result().vectors().size() + " embeddings for "
                            + inputs.size() + " inputs.");
        }
        ObjectNode body =
                OpenAiWire.writeEmbeddings(outcome.result(), outcome.target().model());
        if (cacheable) {
            cache.put(cacheKey, body, outcome.target());
        }
        headers.put("x-llm-cache", cacheable ? "miss" : "off");
        headers.put("x-llm-provider", outcome.target().provider());
        headers.put("x-llm-model", outcome.target().model());
        headers.put("x-llm-attempts", Integer.toString(outcome.attempts()));
        headers.put("x-llm-cost-usd", Money.usd(cost).toPlainString());
        return new Answer(encoded(body, base64), offlineMarked(headers, outcome.target()));
    }

    /** OpenAI's {@code encoding_format: base64}: each vector as little-endian float32 bytes. */
    private static ObjectNode encoded(ObjectNode body, boolean base64) {
        if (!base64) {
            return body;
        }
        ObjectNode copy = body.deepCopy();
        for (var item : copy.path("data")) {
            var vector = item.path("embedding");
            ByteBuffer buffer = ByteBuffer.allocate(vector.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
            vector.forEach(v -> buffer.putFloat((float) v.asDouble()));
            ((ObjectNode) item).put("embedding", Base64.getEncoder().encodeToString(buffer.array()));
        }
        return copy;
    }

    private static Map<String, String> offlineMarked(Map<String, String> headers, Target target) {
        if (OfflineProvider.NAME.equals(target.provider())) {
            headers.put(
                    "x-llm-offline",
                    "true: no LLM provider is configured; answers come from the deterministic offline model");
        }
        return headers;
    }

    private static Usage usageOf(ObjectNode body) {
        var u = body.path("usage");
        return new Usage(
                u.path("prompt_tokens").asLong(),
                u.path("completion_tokens").asLong(),
                u.path("prompt_tokens_details").path("cached_tokens").asLong(),
                u.path("completion_tokens_details").path("reasoning_tokens").asLong());
    }

    static ApiProblem problem(GatewayException failed) {
        Map<String, String> headers = failed.retryAfter()
                .map(d -> Map.of("retry-after", Long.toString(Math.max(1, (d.toMillis() + 999) / 1000))))
                .orElse(Map.of());
        return switch (failed.status()) {
            case 400 ->
                ApiProblem.of(
                        400,
                        "provider-rejected",
                        "Bad Request",
                        "The provider rejected the request: " + failed.getMessage());
            case 429 ->
                new ApiProblem(429, "too-many-requests", "Too Many Requests", failed.getMessage(), List.of(), headers);
            case 503 ->
                new ApiProblem(
                        503, "service-unavailable", "Service Unavailable", failed.getMessage(), List.of(), headers);
            case 504 -> ApiProblem.of(504, "provider-timeout", "Gateway Timeout", failed.getMessage());
            default -> ApiProblem.of(502, "provider-error", "Bad Gateway", failed.getMessage());
        };
    }

    private static String shorten(String text) {
        return text.length() <= 2_000 ? text : text.substring(0, 2_000) + "…";
    }
}

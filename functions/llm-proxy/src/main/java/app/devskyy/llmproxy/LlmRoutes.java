package app.devskyy.llmproxy;

import app.devskyy.core.Json;
import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.Role;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.BodySchema;
import app.devskyy.core.http.FieldError;
import app.devskyy.core.http.HttpRequest;
import app.devskyy.core.http.HttpResponse;
import app.devskyy.core.http.Router;
import app.devskyy.llm.ChatRequest;
import app.devskyy.llm.OpenAiWire;
import app.devskyy.llm.Routing;
import app.devskyy.llm.Target;
import app.devskyy.llm.metering.Budgets;
import app.devskyy.llm.metering.Caller;
import app.devskyy.llm.metering.Money;
import app.devskyy.llm.metering.UsageLedger;
import app.devskyy.llm.providers.OfflineProvider;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The LLM proxy's routes under {@code /api/v1/llm}. Chat, embeddings and models follow OpenAI's
 * API, so an OpenAI SDK with this base URL works; usage, budgets and the round table are ours.
 * Roles: models for every member, calls from {@code api_user}, usage and budgets read from
 * {@code developer}, budgets set by {@code admin}.
 */
final class LlmRoutes {

    static final String BASE = "/api/v1/llm";
    /** Our own routes (not OpenAI's) name their workspace in the path. */
    static final String WORKSPACE = BASE + "/workspaces/{workspaceId}";
    /** A usage query covers at most this many days. */
    static final int MAX_USAGE_DAYS = 366;

    private static final BodySchema CHAT = BodySchema.load(LlmRoutes.class, "chat-completion");
    private static final BodySchema EMBEDDINGS = BodySchema.load(LlmRoutes.class, "embeddings");
    private static final BodySchema ROUND_TABLE = BodySchema.load(LlmRoutes.class, "round-table");
    private static final BodySchema BUDGET = BodySchema.load(LlmRoutes.class, "budget");
    private static final BodySchema KEY_BUDGET = BodySchema.load(LlmRoutes.class, "key-budget");

    private final ProxyService proxy;
    private final RoundTable roundTable;
    private final Budgets budgets;
    private final UsageLedger ledger;
    private final Authenticator authenticator;
    private final Clock clock;
    private final long servingSince;

    LlmRoutes(ProxyService proxy, Budgets budgets, UsageLedger ledger, Authenticator authenticator, Clock clock) {
        this.proxy = proxy;
        this.roundTable = new RoundTable(proxy);
        this.budgets = budgets;
        this.ledger = ledger;
        this.authenticator = authenticator;
        this.clock = clock;
        this.servingSince = clock.instant().getEpochSecond();
    }

    Router router() {
        return Router.builder()
                .post(BASE + "/chat/completions", this::chat)
                .post(BASE + "/embeddings", this::embeddings)
                .get(BASE + "/models", this::models)
                .get(BASE + "/models/{model}", this::model)
                .post(WORKSPACE + "/round-table", this::roundTable)
                .get(WORKSPACE + "/usage", this::usage)
                .get(WORKSPACE + "/budget", this::budget)
                .put(WORKSPACE + "/budget", this::setBudget)
                .put(WORKSPACE + "/budget/keys/{keyId}", this::setKeyBudget)
                .build();
    }

    private Caller caller(HttpRequest request, Role required) {
        return Caller.of(authenticator.authenticate(request), request, required);
    }

    private Caller workspaceCaller(HttpRequest request, Role required) {
        return Caller.inPath(authenticator.authenticate(request), request, required);
    }

    private HttpResponse chat(HttpRequest request) {
        Caller caller = caller(request, Role.API_USER);
        JsonNode body = request.jsonBody(CHAT, JsonNode.class);
        if (body.path("stream").asBoolean(false)) {
            throw ApiProblem.badRequest(
                    "stream: true is not supported: this deployment (API Gateway HTTP API on the Java "
                            + "runtime) returns whole responses. Send the request without stream.");
        }
        ChatRequest chat = OpenAiWire.readChatRequest(body);
        checkInlineImages(chat);
        return answer(proxy.chat(
                caller,
                request.requestId(),
                chat,
                body.get("model").asString(),
                ProxyService.CacheMode.of(request.header("x-llm-cache"))));
    }

    /** Inline images must decode: the schema checks the alphabet, not the padding. */
    private static void checkInlineImages(ChatRequest chat) {
        for (int m = 0; m < chat.messages().size(); m++) {
            for (int p = 0; p < chat.messages().get(m).content().size(); p++) {
                String url = chat.messages().get(m).content().get(p).imageUrl();
                if (url != null && url.startsWith("data:")) {
                    try {
                        Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1));
                    } catch (IllegalArgumentException notBase64) {
                        throw ApiProblem.validation(List.of(new FieldError(
                                "/messages/" + m + "/content/" + p + "/image_url/url",
                                "invalid-format",
                                "must be a data URL whose data is valid base64")));
                    }
                }
            }
        }
    }

    private HttpResponse embeddings(HttpRequest request) {
        Caller caller = caller(request, Role.API_USER);
        JsonNode body = request.jsonBody(EMBEDDINGS, JsonNode.class);
        List<String> inputs = new ArrayList<>();
        if (body.get("input").isString()) {
            inputs.add(body.get("input").asString());
        } else {
            body.get("input").forEach(i -> inputs.add(i.asString()));
        }
        Integer dimensions = body.has("dimensions") ? body.get("dimensions").asInt() : null;
        return answer(proxy.embeddings(
                caller,
                request.requestId(),
                inputs,
                body.get("model").asString(),
                dimensions,
                "base64".equals(body.path("encoding_format").asString("float")),
                ProxyService.CacheMode.of(request.header("x-llm-cache"))));
    }

    private static HttpResponse answer(ProxyService.Answer answer) {
        HttpResponse response = HttpResponse.ok(answer.body());
        for (Map.Entry<String, String> header : answer.headers().entrySet()) {
            response = response.withHeader(header.getKey(), header.getValue());
        }
        return response;
    }

    // ---- models

    private HttpResponse models(HttpRequest request) {
        caller(request, Role.READ_ONLY);
        ObjectNode out = Json.MAPPER.createObjectNode().put("object", "list");
        out.set("data", catalogue());
        return HttpResponse.ok(out);
    }

    private HttpResponse model(HttpRequest request) {
        caller(request, Role.READ_ONLY);
        String id = request.pathParameter("model");
        for (JsonNode model : catalogue()) {
            if (model.path("id").asString().equals(id)) {
                return HttpResponse.ok(model);
            }
        }
        throw ApiProblem.of(
                404, "model-not-found", "Not Found", "No model of that id is available in this deployment.");
    }

    /** The aliases this deployment can serve, then every provider model behind them. */
    private ArrayNode catalogue() {
        ArrayNode data = Json.MAPPER.createArrayNode();
        Set<String> reachable = proxy.reachable();
        Routing routing = proxy.routing();
        boolean offline = proxy.offline();
        Set<Target> targets = new LinkedHashSet<>();
        for (Routing.Alias alias : routing.aliases().values()) {
            List<Target> served = offline
                    ? List.of(Routing.OFFLINE_TARGET)
                    : alias.targets().stream()
                            .filter(t -> reachable.contains(t.provider()))
                            .toList();
            if (served.isEmpty()) {
                continue;
            }
            ObjectNode model =
                    entry(data, alias.name(), offline ? "devskyy-offline (no provider configured)" : "devskyy");
            model.put("kind", alias.kind())
                    .put("description", alias.description())
                    .put("cache", alias.cache());
            ArrayNode ids = model.putArray("targets");
            served.forEach(t -> ids.add(t.id()));
            targets.addAll(served);
        }
        if (!routing.auto().isEmpty()) {
            entry(data, Routing.AUTO, offline ? "devskyy-offline (no provider configured)" : "devskyy")
                    .put("kind", "chat")
                    .put(
                            "description",
                            "Classifies the request (code, creative, analysis, extraction, chat) and routes it to that task's alias.");
        }
        for (Target target : targets) {
            entry(data, target.id(), target.provider())
                    .put(
                            "kind",
                            OfflineProvider.NAME.equals(target.provider())
                                    ? "chat"
                                    : routing.aliases().values().stream()
                                            .filter(a -> a.targets().contains(target))
                                            .map(Routing.Alias::kind)
                                            .findFirst()
                                            .orElse("chat"));
        }
        return data;
    }

    /** OpenAI's {@code created} (epoch seconds) is required; ours is when this function began serving the catalogue. */
    private ObjectNode entry(ArrayNode data, String id, String owner) {
        return data.addObject()
                .put("id", id)
                .put("object", "model")
                .put("created", servingSince)
                .put("owned_by", owner);
    }

    // ---- round table

    private HttpResponse roundTable(HttpRequest request) {
        Caller caller = workspaceCaller(request, Role.API_USER);
        JsonNode body = request.jsonBody(ROUND_TABLE, JsonNode.class);
        // The messages obey the chat request's schema: checked as the chat request they become.
        ObjectNode asChat = Json.MAPPER.createObjectNode().put("model", "round-table");
        asChat.set("messages", body.get("messages"));
        if (body.has("temperature")) {
            asChat.set("temperature", body.get("temperature"));
        }
        if (body.has("max_tokens")) {
            asChat.set("max_tokens", body.get("max_tokens"));
        }
        CHAT.check(asChat);
        ChatRequest chat = OpenAiWire.readChatRequest(asChat);
        checkInlineImages(chat);
        List<String> models = new ArrayList<>();
        body.get("models").forEach(m -> models.add(m.asString()));
        return HttpResponse.ok(roundTable.run(
                caller,
                request.requestId(),
                chat,
                models,
                body.path("judge").asString("smart"),
                body.path("rubric").asString(RoundTable.DEFAULT_RUBRIC)));
    }

    // ---- usage and budgets

    private HttpResponse usage(HttpRequest request) {
        Caller caller = workspaceCaller(request, Role.DEVELOPER);
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        LocalDate from = date(request, "from").orElse(today.withDayOfMonth(1));
        LocalDate to = date(request, "to").orElse(today);
        if (to.isBefore(from) || ChronoUnit.DAYS.between(from, to) >= MAX_USAGE_DAYS) {
            throw ApiProblem.badRequest(
                    "from must not be after to, and the range must be at most " + MAX_USAGE_DAYS + " days.");
        }
        return HttpResponse.ok(ledger.query(
                caller.workspaceId(),
                new UsageLedger.Query(
                        from, to, filter(request, "provider"), filter(request, "model"), filter(request, "apiKeyId"))));
    }

    private static Optional<LocalDate> date(HttpRequest request, String name) {
        try {
            return request.query(name).map(LocalDate::parse);
        } catch (DateTimeParseException malformed) {
            throw ApiProblem.badRequest(name + " is a date, YYYY-MM-DD.");
        }
    }

    private static Optional<String> filter(HttpRequest request, String name) {
        Optional<String> value = request.query(name);
        if (value.isPresent() && !value.get().matches("[A-Za-z0-9._:/@-]{1,200}")) {
            throw ApiProblem.badRequest(name + " is not a valid filter value.");
        }
        return value;
    }

    private HttpResponse budget(HttpRequest request) {
        Caller caller = workspaceCaller(request, Role.DEVELOPER);
        Budgets.Settings settings = budgets.workspace(caller.workspaceId());
        Budgets.Spend spend = budgets.spend(caller.workspaceId(), Optional.empty());
        ObjectNode out = Json.MAPPER
                .createObjectNode()
                .put("workspaceId", caller.workspaceId())
                .put("month", budgets.month());
        if (settings.monthlyMicros() == null) {
            out.putNull("monthlyUsd");
        } else {
            out.put("monthlyUsd", Money.usd(settings.monthlyMicros()));
        }
        putNullable(out, "rpm", settings.rpm());
        putNullable(out, "tpm", settings.tpm());
        out.put("spentUsd", Money.usd(spend.spentMicros()))
                .put("reservedUsd", Money.usd(Math.max(0, spend.heldMicros() - spend.spentMicros())));
        ArrayNode keys = out.putArray("keys");
        budgets.keyLimits(caller.workspaceId()).forEach((keyId, limit) -> {
            Budgets.Spend keySpend = budgets.spend(caller.workspaceId(), Optional.of(keyId));
            keys.addObject()
                    .put("apiKeyId", keyId)
                    .put("monthlyUsd", Money.usd(limit))
                    .put("spentUsd", Money.usd(keySpend.spentMicros()));
        });
        return HttpResponse.ok(out);
    }

    private static void putNullable(ObjectNode out, String name, Integer value) {
        if (value == null) {
            out.putNull(name);
        } else {
            out.put(name, value);
        }
    }

    private HttpResponse setBudget(HttpRequest request) {
        Caller caller = workspaceCaller(request, Role.ADMIN);
        JsonNode body = request.jsonBody(BUDGET, JsonNode.class);
        Budgets.Settings current = budgets.workspace(caller.workspaceId());
        Long monthly = body.has("monthlyUsd")
                ? (body.get("monthlyUsd").isNull()
                        ? null
                        : Money.micros(body.get("monthlyUsd").asDouble()))
                : current.monthlyMicros();
        Integer rpm = body.has("rpm")
                ? (body.get("rpm").isNull() ? null : body.get("rpm").asInt())
                : current.rpm();
        Integer tpm = body.has("tpm")
                ? (body.get("tpm").isNull() ? null : body.get("tpm").asInt())
                : current.tpm();
        budgets.put(caller.workspaceId(), new Budgets.Settings(monthly, rpm, tpm), caller.id());
        return budget(request);
    }

    private HttpResponse setKeyBudget(HttpRequest request) {
        Caller caller = workspaceCaller(request, Role.ADMIN);
        String keyId = request.pathId("keyId");
        JsonNode body = request.jsonBody(KEY_BUDGET, JsonNode.class);
        budgets.putKey(
                caller.workspaceId(),
                keyId,
                body.get("monthlyUsd").isNull()
                        ? null
                        : Money.micros(body.get("monthlyUsd").asDouble()),
                caller.id());
        return budget(request);
    }
}

package app.devskyy.llm;

import app.devskyy.core.Json;
import app.devskyy.llm.providers.OfflineProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The routing configuration: model aliases ({@code fast}, {@code smart}, {@code cheap}, ...) and
 * their ordered targets, which task class {@code auto} sends where, and which aliases cache
 * responses. It is data, not code: the bundled {@code /llm/routing.json}, or a deployment's own
 * document ({@code LLM_ROUTING}, or the SSM parameter {@code LLM_ROUTING_PARAMETER}).
 */
public record Routing(String version, Map<String, Alias> aliases, Map<TaskClassifier.Task, String> auto) {

    public static final String AUTO = "auto";
    public static final Target OFFLINE_TARGET = new Target(OfflineProvider.NAME, OfflineProvider.MODEL);

    /** {@code kind} is {@code chat} or {@code embedding}. */
    public record Alias(String name, List<Target> targets, String kind, boolean cache, String description) {}

    /**
     * Where a request for a model goes: the alias (or the model as asked), its targets in order,
     * and, for {@code auto}, the task it was classified as.
     */
    public record Route(
            String requested, String alias, List<Target> targets, boolean cache, Optional<TaskClassifier.Task> task) {}

    public static Routing bundled() {
        return parse(bundledText("/llm/routing.json"));
    }

    /** A document shipped in this module's resources, as text. */
    static String bundledText(String path) {
        try (InputStream in = Routing.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Routing parse(String json) {
        JsonNode root = Json.tree(json.getBytes(StandardCharsets.UTF_8));
        Map<String, Alias> aliases = new LinkedHashMap<>();
        root.path("aliases").properties().forEach(e -> {
            List<Target> targets = new ArrayList<>();
            e.getValue().path("targets").forEach(t -> targets.add(Target.parse(t.asString())));
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("alias " + e.getKey() + " has no targets");
            }
            aliases.put(
                    e.getKey(),
                    new Alias(
                            e.getKey(),
                            List.copyOf(targets),
                            e.getValue().path("kind").asString("chat"),
                            e.getValue().path("cache").asBoolean(false),
                            e.getValue().path("description").asString("")));
        });
        Map<TaskClassifier.Task, String> auto = new LinkedHashMap<>();
        root.path("auto").properties().forEach(e -> {
            if (!aliases.containsKey(e.getValue().asString())) {
                throw new IllegalArgumentException("auto routes " + e.getKey() + " to an unknown alias");
            }
            auto.put(
                    TaskClassifier.Task.valueOf(e.getKey().toUpperCase(Locale.ROOT)),
                    e.getValue().asString());
        });
        return new Routing(root.path("version").asString("unversioned"), Map.copyOf(aliases), Map.copyOf(auto));
    }

    /**
     * The route of {@code model} among the providers this deployment can reach; empty when the
     * model is unknown or unreachable here (a 404 for the caller). {@code kind} keeps chat models
     * and embedding models apart.
     */
    public Optional<Route> resolve(String model, String kind, Set<String> reachable, ChatRequest request) {
        if (reachable.equals(Set.of(OfflineProvider.NAME))) {
            // No provider configured: every alias of the kind, and the offline model by name, answer offline.
            boolean known = (AUTO.equals(model) && "chat".equals(kind))
                    || (aliases.containsKey(model) && aliases.get(model).kind().equals(kind))
                    || OfflineProvider.MODEL.equals(model)
                    || OFFLINE_TARGET.id().equals(model);
            return known
                    ? Optional.of(new Route(model, model, List.of(OFFLINE_TARGET), false, Optional.empty()))
                    : Optional.empty();
        }
        if (AUTO.equals(model) && "chat".equals(kind) && !auto.isEmpty()) {
            TaskClassifier.Task task = TaskClassifier.classify(request);
            String alias = auto.getOrDefault(task, auto.get(TaskClassifier.Task.CHAT));
            return resolve(alias, kind, reachable, request)
                    .map(r -> new Route(model, r.alias(), r.targets(), r.cache(), Optional.of(task)));
        }
        Alias alias = aliases.get(model);
        if (alias != null) {
            List<Target> targets = alias.targets().stream()
                    .filter(t -> reachable.contains(t.provider()))
                    .toList();
            return !alias.kind().equals(kind) || targets.isEmpty()
                    ? Optional.empty()
                    : Optional.of(new Route(model, model, targets, alias.cache(), Optional.empty()));
        }
        if (model.contains("/")) {
            Target target;
            try {
                target = Target.parse(model);
            } catch (IllegalArgumentException malformed) {
                return Optional.empty();
            }
            return reachable.contains(target.provider())
                    ? Optional.of(new Route(model, model, List.of(target), false, Optional.empty()))
                    : Optional.empty();
        }
        // A provider's bare model name ("gpt-4.1-mini"), as SDK users write it: the first reachable target of that
        // name.
        return aliases.values().stream()
                .filter(a -> a.kind().equals(kind))
                .flatMap(a -> a.targets().stream())
                .filter(t -> t.model().equals(model) && reachable.contains(t.provider()))
                .findFirst()
                .map(t -> new Route(model, model, List.of(t), false, Optional.empty()));
    }
}

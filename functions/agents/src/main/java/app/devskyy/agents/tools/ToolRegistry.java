package app.devskyy.agents.tools;

import app.devskyy.core.Json;
import app.devskyy.core.auth.Role;
import app.devskyy.core.http.BodySchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The tools agents and MCP clients may call, as data ({@code /agents/tools.json}): each one's name,
 * description, input schema, side-effect class ({@code read}, {@code write}, {@code external}), the
 * role its caller needs, whether a person must approve a call before it happens, the integration
 * it goes through and its timeout. The code of each is a {@link Tool} the {@link Toolbox} holds by
 * the same name. Input schemas are compiled once per cold start.
 */
public final class ToolRegistry {

    public record Spec(
            String name,
            String title,
            String description,
            String effect,
            String role,
            boolean approval,
            String integration,
            int timeoutSeconds,
            JsonNode inputSchema) {

        public boolean sideEffecting() {
            return !"read".equals(effect);
        }

        public Role requiredRole() {
            return Role.fromWire(role).orElseThrow();
        }

        /** The name a model calls it by: OpenAI-style function names take no dots. */
        public String functionName() {
            return name.replace('.', '_');
        }
    }

    private record Document(List<Spec> tools) {}

    private final Map<String, Spec> specs;
    private final Map<String, BodySchema> schemas = new LinkedHashMap<>();

    private ToolRegistry(Map<String, Spec> specs) {
        this.specs = specs;
        specs.values().forEach(spec -> {
            if (Role.fromWire(spec.role()).isEmpty()
                    || !List.of("read", "write", "external").contains(spec.effect())) {
                throw new IllegalStateException("tool " + spec.name() + " names an unknown role or effect");
            }
            schemas.put(spec.name(), BodySchema.of(spec.inputSchema()));
        });
    }

    public static ToolRegistry bundled() {
        try (InputStream in = ToolRegistry.class.getResourceAsStream("/agents/tools.json")) {
            if (in == null) {
                throw new IllegalStateException("missing agent resource /agents/tools.json");
            }
            Map<String, Spec> specs = new LinkedHashMap<>();
            Json.MAPPER.readValue(in, Document.class).tools().forEach(spec -> specs.put(spec.name(), spec));
            return new ToolRegistry(specs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Spec> all() {
        return List.copyOf(specs.values());
    }

    public Optional<Spec> spec(String name) {
        return Optional.ofNullable(specs.get(name));
    }

    public Optional<Spec> byFunctionName(String functionName) {
        return specs.values().stream()
                .filter(s -> s.functionName().equals(functionName))
                .findFirst();
    }

    public BodySchema schema(String name) {
        return schemas.get(name);
    }
}

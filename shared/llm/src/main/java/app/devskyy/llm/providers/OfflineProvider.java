package app.devskyy.llm.providers;

import app.devskyy.core.Json;
import app.devskyy.core.crypto.Digests;
import app.devskyy.llm.ChatMessage;
import app.devskyy.llm.ChatProvider;
import app.devskyy.llm.ChatRequest;
import app.devskyy.llm.ChatResult;
import app.devskyy.llm.EmbeddingResult;
import app.devskyy.llm.TokenEstimator;
import app.devskyy.llm.Usage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The deterministic offline model of a deployment without any provider (the local default), so
 * that the frontend and the agents can be developed with no key and no network. It says what it
 * is in every answer, and it honours the request's shape: a JSON schema gets a minimal valid
 * instance, a required (or named) tool gets a call with arguments that fit its schema, a tool
 * result gets acknowledged. Embeddings come from a sentence-embedding model run in-process where
 * one is on the class path (the local server and the tests ship all-MiniLM-L6-v2); a Lambda zip
 * carries none, and there words are hashed into a fixed space, so texts that share words are close.
 * Never enabled when any real provider is configured.
 */
public final class OfflineProvider implements ChatProvider {

    /** A sentence-embedding model that runs in this JVM, found through {@link ServiceLoader}. */
    public interface Embeddings {
        String name();

        List<float[]> embed(List<String> inputs);
    }

    private static final Optional<Embeddings> LOCAL_MODEL =
            ServiceLoader.load(Embeddings.class).findFirst();

    public static final String NAME = "offline";
    public static final String MODEL = "devskyy-offline";
    public static final String NOTICE = "[DevSkyy offline model: no LLM provider is configured] ";
    private static final int DIMENSIONS = 256;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ChatResult chat(ChatRequest request, String model, Duration timeout) {
        List<ChatResult.Choice> choices = new ArrayList<>();
        String last =
                request.messages().isEmpty() ? "" : request.messages().getLast().text();
        long completion = 0;
        for (int i = 0; i < request.choices(); i++) {
            ChatResult.Choice choice = answer(request, i);
            completion += TokenEstimator.estimate(choice.message().text())
                    + choice.message().toolCalls().stream()
                            .mapToLong(c -> TokenEstimator.estimate(c.arguments()))
                            .sum();
            choices.add(choice);
        }
        long prompt = request.messages().stream()
                .mapToLong(m -> TokenEstimator.estimate(m.text()) + 4)
                .sum();
        return new ChatResult(
                "offline-" + Digests.sha256(last).substring(0, 12),
                MODEL,
                choices,
                new Usage(prompt, completion, 0, 0));
    }

    private static ChatResult.Choice answer(ChatRequest request, int index) {
        ChatMessage last = request.messages().isEmpty()
                ? ChatMessage.of("user", "")
                : request.messages().getLast();
        ChatRequest.Tool tool = toolToCall(request, last);
        if (tool != null) {
            ChatMessage.ToolCall call = new ChatMessage.ToolCall(
                    "call_offline_" + index, tool.name(), Json.write(example(tool.parameters())));
            return new ChatResult.Choice(index, ChatMessage.assistant("", List.of(call)), "tool_calls");
        }
        String text;
        if (request.responseFormat() != null
                && "json_schema".equals(request.responseFormat().type())) {
            text = Json.write(example(request.responseFormat().schema()));
        } else if (request.responseFormat() != null
                && "json_object".equals(request.responseFormat().type())) {
            text = Json.write(Json.MAPPER
                    .createObjectNode()
                    .put("model", MODEL)
                    .put("offline", true)
                    .put("echo", shorten(last.text(), 200)));
        } else if ("tool".equals(last.role())) {
            text = NOTICE + "The tool " + request.toolNameOf(last.toolCallId()) + " returned: "
                    + shorten(last.text(), 400);
        } else {
            String said = request.messages().stream()
                    .filter(m -> "user".equals(m.role()))
                    .reduce((a, b) -> b)
                    .map(ChatMessage::text)
                    .orElse("");
            text = NOTICE + "You said: " + shorten(said, 400);
        }
        if (request.maxTokens() != null && TokenEstimator.estimate(text) > request.maxTokens()) {
            return new ChatResult.Choice(
                    index,
                    ChatMessage.assistant(
                            text.substring(0, Math.min(text.length(), request.maxTokens() * 4)), List.of()),
                    "length");
        }
        return new ChatResult.Choice(index, ChatMessage.assistant(text, List.of()), "stop");
    }

    /** A named or required tool is called; under "auto", a tool the user's last words name. */
    private static ChatRequest.Tool toolToCall(ChatRequest request, ChatMessage last) {
        if (request.tools().isEmpty() || !"user".equals(last.role())) {
            return null;
        }
        String mode =
                request.toolChoice() == null ? "auto" : request.toolChoice().mode();
        return switch (mode) {
            case "none" -> null;
            case "function" ->
                request.tools().stream()
                        .filter(t -> t.name().equals(request.toolChoice().function()))
                        .findFirst()
                        .orElse(request.tools().getFirst());
            case "required" -> request.tools().getFirst();
            default ->
                request.tools().stream()
                        .filter(t -> last.text()
                                .toLowerCase(Locale.ROOT)
                                .contains(t.name().toLowerCase(Locale.ROOT)))
                        .findFirst()
                        .orElse(null);
        };
    }

    private static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }

    /** A minimal instance of a JSON schema: required properties, first enum values, minimum sizes. */
    static JsonNode example(JsonNode schema) {
        if (schema == null || !schema.isObject()) {
            return Json.MAPPER.createObjectNode();
        }
        if (schema.has("const")) {
            return schema.get("const");
        }
        if (schema.has("enum") && !schema.get("enum").isEmpty()) {
            return schema.get("enum").get(0);
        }
        for (String combinator : List.of("anyOf", "oneOf", "allOf")) {
            if (schema.has(combinator) && !schema.get(combinator).isEmpty()) {
                return example(schema.get(combinator).get(0));
            }
        }
        JsonNode typeNode = schema.path("type");
        String type = typeNode.isArray()
                ? typeNode.get(0).asString()
                : typeNode.asString(schema.has("properties") ? "object" : "string");
        return switch (type) {
            case "object" -> {
                ObjectNode out = Json.MAPPER.createObjectNode();
                JsonNode properties = schema.path("properties");
                JsonNode required = schema.get("required");
                properties.properties().forEach(e -> {
                    boolean needed = required == null
                            || required.valueStream().anyMatch(r -> r.asString().equals(e.getKey()));
                    if (needed) {
                        out.set(e.getKey(), example(e.getValue()));
                    }
                });
                yield out;
            }
            case "array" -> {
                ArrayNode out = Json.MAPPER.createArrayNode();
                for (int i = 0; i < schema.path("minItems").asInt(0); i++) {
                    out.add(example(schema.path("items")));
                }
                yield out;
            }
            case "integer" ->
                Json.MAPPER.getNodeFactory().numberNode(schema.path("minimum").asLong(0));
            case "number" ->
                Json.MAPPER.getNodeFactory().numberNode(schema.path("minimum").asDouble(0));
            case "boolean" -> Json.MAPPER.getNodeFactory().booleanNode(false);
            case "null" -> Json.MAPPER.nullNode();
            default ->
                Json.MAPPER
                        .getNodeFactory()
                        .stringNode("offline"
                                .repeat(Math.max(1, (schema.path("minLength").asInt(0) + 6) / 7)));
        };
    }

    @Override
    public EmbeddingResult embed(List<String> inputs, String model, Integer dimensions, Duration timeout) {
        long tokens = inputs.stream().mapToLong(TokenEstimator::estimate).sum();
        if (LOCAL_MODEL.isPresent()) {
            return new EmbeddingResult(LOCAL_MODEL.get().embed(inputs), tokens);
        }
        return new EmbeddingResult(hashed(inputs, dimensions), tokens);
    }

    private static List<float[]> hashed(List<String> inputs, Integer dimensions) {
        int size = dimensions == null ? DIMENSIONS : dimensions;
        List<float[]> vectors = new ArrayList<>();
        for (String input : inputs) {
            float[] vector = new float[size];
            for (String word : input.toLowerCase(Locale.ROOT).split("\\W+")) {
                if (word.isEmpty()) {
                    continue;
                }
                int hash = Arrays.hashCode(word.getBytes(StandardCharsets.UTF_8));
                vector[Math.floorMod(hash, size)] += (hash & 0x4000_0000) == 0 ? 1 : -1;
            }
            double norm = 0;
            for (float v : vector) {
                norm += v * v;
            }
            if (norm > 0) {
                for (int i = 0; i < size; i++) {
                    vector[i] = (float) (vector[i] / Math.sqrt(norm));
                }
            }
            vectors.add(vector);
        }
        return vectors;
    }
}

package app.devskyy.llm;

import app.devskyy.core.Json;
import java.nio.charset.StandardCharsets;

/** Chat requests the provider tests translate, written as a caller writes them: OpenAI JSON. */
public final class Requests {

    private Requests() {}

    public static ChatRequest of(String openAiJson) {
        return OpenAiWire.readChatRequest(Json.tree(openAiJson.getBytes(StandardCharsets.UTF_8)));
    }

    static final String WEATHER_TOOL = """
            {"type": "function", "function": {"name": "get_weather", "description": "Weather of a city",
              "parameters": {"type": "object", "required": ["city"], "properties": {"city": {"type": "string"}}}}}""";

    /** A system prompt, a tool round trip, and a follow-up: every translation path at once. */
    public static ChatRequest toolConversation() {
        return of("""
                {"model": "x", "temperature": 0.2, "top_p": 0.9, "max_tokens": 300, "stop": ["END"],
                 "messages": [
                   {"role": "system", "content": "Be brief."},
                   {"role": "user", "content": "Weather in Paris?"},
                   {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                      "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Paris\\"}"}}]},
                   {"role": "tool", "tool_call_id": "call_1", "content": "{\\"celsius\\":21}"},
                   {"role": "user", "content": "And should I take a coat?"}],
                 "tools": [%s], "tool_choice": "required"}""".formatted(WEATHER_TOOL));
    }

    public static ChatRequest jsonSchema() {
        return of("""
                {"model": "x", "messages": [{"role": "user", "content": "Name a colour."}],
                 "response_format": {"type": "json_schema", "json_schema": {"name": "colour", "strict": true,
                   "schema": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}}}}""");
    }

    public static ChatRequest simple() {
        return of("""
                {"model": "x", "messages": [{"role": "user", "content": "Hello"}]}""");
    }
}

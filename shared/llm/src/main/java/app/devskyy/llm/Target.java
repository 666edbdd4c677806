package app.devskyy.llm;

/** One place a request can go: a provider and its model name ({@code openai/gpt-4.1}). */
public record Target(String provider, String model) {

    /** {@code provider/model}; the model part may itself hold slashes and colons (Bedrock ids, Ollama tags). */
    public static Target parse(String id) {
        int slash = id.indexOf('/');
        if (slash <= 0 || slash == id.length() - 1) {
            throw new IllegalArgumentException("a target is provider/model: " + id);
        }
        return new Target(id.substring(0, slash), id.substring(slash + 1));
    }

    public String id() {
        return provider + "/" + model;
    }
}

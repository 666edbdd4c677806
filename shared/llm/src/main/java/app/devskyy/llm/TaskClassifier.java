package app.devskyy.llm;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Cheap rules that sort a chat request into a task class for the {@code auto} alias: a handful of
 * patterns over the last user message (and the request's shape: tools or a JSON response format
 * mean extraction). No model call, microseconds, and explainable: the decision is returned in a
 * header.
 */
public final class TaskClassifier {

    /** In order of precedence when scores tie. */
    public enum Task {
        CODE,
        EXTRACTION,
        ANALYSIS,
        CREATIVE,
        CHAT;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private record Rule(Task task, Pattern pattern) {}

    private static final List<Rule> RULES = List.of(
            new Rule(
                    Task.CODE,
                    Pattern.compile("```|\\b(function|class|method|compile[sd]?|compiler|stack ?trace|exception|"
                            + "bug|refactor|regex|sql|python|java|javascript|typescript|rust|golang|kotlin|unit tests?|"
                            + "code|snippet|algorithm|api endpoint|null pointer|segfault)\\b")),
            new Rule(
                    Task.EXTRACTION,
                    Pattern.compile("\\b(extract|parse|pull out|list all|fields?|json|csv|"
                            + "entities|structured|key-value|classify|categori[sz]e|tag)\\b")),
            new Rule(
                    Task.ANALYSIS,
                    Pattern.compile("\\b(analy[sz]e|analysis|compare|comparison|evaluate|pros and cons|"
                            + "trade-?offs?|why|assess|root cause|summari[sz]e|implications|critique|review)\\b")),
            new Rule(
                    Task.CREATIVE,
                    Pattern.compile(
                            "\\b(story|poem|poetry|lyrics|slogan|tagline|creative|imagine|"
                                    + "fiction|character|brainstorm|blog post|marketing copy|product description|haiku|jingle)\\b")));

    private TaskClassifier() {}

    public static Task classify(ChatRequest request) {
        String text = request.messages().stream()
                .filter(m -> "user".equals(m.role()))
                .reduce((a, b) -> b)
                .map(ChatMessage::text)
                .orElse("")
                .toLowerCase(Locale.ROOT);
        int[] scores = new int[Task.values().length];
        for (Rule rule : RULES) {
            scores[rule.task().ordinal()] +=
                    (int) rule.pattern().matcher(text).results().count();
        }
        if (!request.tools().isEmpty()
                || (request.responseFormat() != null && request.responseFormat().wantsJson())) {
            scores[Task.EXTRACTION.ordinal()] += 2;
        }
        Task best = Task.CHAT;
        int bestScore = 0;
        for (Task task : Task.values()) {
            if (scores[task.ordinal()] > bestScore) {
                best = task;
                bestScore = scores[task.ordinal()];
            }
        }
        return best;
    }
}

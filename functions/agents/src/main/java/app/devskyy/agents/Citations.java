package app.devskyy.agents;

import app.devskyy.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * The sources a run's output cites. Retrieval gives every passage a marker ({@code [kb:<chunk>]});
 * the prompts ask the model to put the marker beside every fact it takes from one; the run keeps,
 * as its citations, the retrieved sources whose markers its result or its steps' outputs carry.
 * A marker that names no retrieved source is not a citation (a model cannot invent a source).
 */
final class Citations {

    private static final Pattern MARKER = Pattern.compile("\\[(kb:[A-Za-z0-9_.]{1,80})]");

    private Citations() {}

    /** The sources (a JSON array of objects with an {@code id}) whose markers the texts carry, in source order. */
    static String cited(String sources, Iterable<String> texts) {
        ArrayNode cited = Json.MAPPER.createArrayNode();
        if (sources == null) {
            return Json.write(cited);
        }
        Set<String> markers = new LinkedHashSet<>();
        for (String text : texts) {
            if (text == null) {
                continue;
            }
            Matcher found = MARKER.matcher(text);
            while (found.find()) {
                markers.add(found.group(1));
            }
        }
        for (JsonNode source : Json.tree(sources.getBytes(StandardCharsets.UTF_8))) {
            if (markers.contains(source.path("id").asString())) {
                cited.add(source);
            }
        }
        return Json.write(cited);
    }
}

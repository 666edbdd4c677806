package app.devskyy.agents.tools;

import app.devskyy.core.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jsoup.Jsoup;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The WordPress tools, over the site's REST API ({@code /wp-json/wp/v2}) with the workspace's
 * application password: published posts listed (titles and excerpts as text), and a draft created;
 * the tool never publishes.
 */
final class WordPressTools {

    private final IntegrationStore integrations;
    private final RestApi api;

    WordPressTools(IntegrationStore integrations, RestApi api) {
        this.integrations = integrations;
        this.api = api;
    }

    private IntegrationStore.Connection site(Tool.Call call) throws ToolFailure {
        return integrations.required(call.caller().workspaceId(), "wordpress");
    }

    Tool posts() {
        return call -> {
            IntegrationStore.Connection site = site(call);
            Map<String, String> query = new LinkedHashMap<>();
            query.put("status", "publish");
            query.put(
                    "per_page",
                    Integer.toString(call.arguments().path("perPage").asInt(10)));
            query.put("page", Integer.toString(call.arguments().path("page").asInt(1)));
            query.put(
                    "search",
                    call.arguments().has("search")
                            ? call.arguments().get("search").asString()
                            : null);
            JsonNode found = api.get(
                    RestApi.url(site.baseUrl(), "wp-json/wp/v2/posts", query),
                    site.credentials().path("username").asString(),
                    site.credentials().path("applicationPassword").asString());
            ArrayNode posts = Json.MAPPER.createArrayNode();
            for (JsonNode p : found) {
                posts.add(post(p));
            }
            return Json.MAPPER.createObjectNode().set("posts", posts);
        };
    }

    Tool createDraft() {
        return call -> {
            IntegrationStore.Connection site = site(call);
            ObjectNode body = Json.MAPPER
                    .createObjectNode()
                    .put("title", call.arguments().path("title").asString())
                    .put("content", call.arguments().path("content").asString())
                    .put("status", "draft");
            if (call.arguments().has("excerpt")) {
                body.put("excerpt", call.arguments().path("excerpt").asString());
            }
            return post(api.post(
                    RestApi.url(site.baseUrl(), "wp-json/wp/v2/posts", Map.of()),
                    body,
                    site.credentials().path("username").asString(),
                    site.credentials().path("applicationPassword").asString()));
        };
    }

    private static ObjectNode post(JsonNode p) {
        return Json.MAPPER
                .createObjectNode()
                .put("id", p.path("id").asLong())
                .put("status", p.path("status").asString())
                .put("date", p.path("date_gmt").asString(p.path("date").asString()))
                .put(
                        "title",
                        Jsoup.parse(p.path("title").path("rendered").asString()).text())
                .put(
                        "excerpt",
                        Jsoup.parse(p.path("excerpt").path("rendered").asString())
                                .text())
                .put("link", p.path("link").asString());
    }
}

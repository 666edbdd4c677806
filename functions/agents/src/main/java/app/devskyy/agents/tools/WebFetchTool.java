package app.devskyy.agents.tools;

import app.devskyy.core.Json;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import tools.jackson.databind.JsonNode;

/**
 * {@code web.fetch}: a public page's text. The URL and every redirect go through {@link SafeHttp};
 * at most {@link #MAX_BYTES} are read and only text types are taken (HTML reduced to its text).
 */
final class WebFetchTool implements Tool {

    static final int MAX_BYTES = 1024 * 1024;
    static final int MAX_TEXT = 20_000;
    private static final Set<String> TEXT_TYPES = Set.of(
            "text/html",
            "text/plain",
            "text/markdown",
            "application/json",
            "application/xml",
            "text/xml",
            "application/xhtml+xml");

    private final SafeHttp http;

    WebFetchTool(SafeHttp http) {
        this.http = http;
    }

    @Override
    public JsonNode call(Call call) throws ToolFailure {
        HttpUrl url = HttpUrl.parse(call.arguments().path("url").asString());
        if (url == null) {
            throw new ToolFailure("invalid_arguments", "the URL is not valid", false);
        }
        SafeHttp.Fetched page = http.send(
                new Request.Builder()
                        .url(url)
                        .header("user-agent", "DevSkyyAgent/1.0 (+https://devskyy.app)")
                        .header("accept", "text/html, text/plain;q=0.9, */*;q=0.1")
                        .get()
                        .build(),
                MAX_BYTES);
        if (!TEXT_TYPES.contains(page.contentType())) {
            throw new ToolFailure("unsupported_content", "the page is " + page.contentType() + ", not text", false);
        }
        String title = "";
        String text = page.body();
        if (page.contentType().contains("html")) {
            Document html = Jsoup.parse(page.body(), page.url());
            title = html.title();
            text = html.body() == null ? "" : html.body().text();
        }
        boolean cut = page.truncated() || text.length() > MAX_TEXT;
        return Json.MAPPER
                .createObjectNode()
                .put("url", page.url())
                .put("status", page.status())
                .put("contentType", page.contentType())
                .put("title", title)
                .put("text", text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT))
                .put("truncated", cut);
    }
}

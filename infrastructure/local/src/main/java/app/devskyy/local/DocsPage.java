package app.devskyy.local;

import app.devskyy.core.Json;
import app.devskyy.core.testing.CfnYaml;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The API's documents on the local server: the OpenAPI contract as written ({@code /openapi.yaml})
 * and bundled into one JSON document ({@code /openapi.json}, the request schemas it references
 * inlined), and Swagger UI at {@code /docs}, served from the {@code org.webjars:swagger-ui}
 * artifact (no CDN: this server may run offline). The outbox of sent emails is at
 * {@code /docs/outbox}, linked from the explorer.
 */
final class DocsPage {

    record Document(String contentType, byte[] body) {}

    private static final String UI = "/docs/swagger-ui/";

    private final Document yaml;
    private final Document json;
    private final Document page;
    private final Document init;
    private final String webjar;
    private final Path outbox;

    DocsPage(Path openApi, Path outbox) {
        this.outbox = outbox;
        try {
            String spec = Files.readString(openApi);
            this.yaml = new Document("application/yaml", spec.getBytes(StandardCharsets.UTF_8));
            ObjectNode bundled = (ObjectNode) bundled(CfnYaml.parse(spec), openApi);
            // Try-it-out calls the server that serves the page, whatever its port.
            bundled.putArray("servers").addObject().put("url", "/").put("description", "this local API");
            this.json = new Document("application/json", Json.writeBytes(bundled));
            this.page = new Document("text/html; charset=utf-8", resource("/docs/index.html"));
            this.init = new Document("text/javascript; charset=utf-8", resource("/docs/init.js"));
            Properties webjarVersion = new Properties();
            webjarVersion.load(
                    new ByteArrayInputStream(resource("/META-INF/maven/org.webjars/swagger-ui/pom.properties")));
            this.webjar = "/META-INF/resources/webjars/swagger-ui/" + webjarVersion.getProperty("version") + "/";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DocsPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return in.readAllBytes();
        }
    }

    /**
     * The spec with every reference to a file (the request schemas the functions validate with)
     * replaced by that file's schema, so that a browser needs one document.
     */
    static JsonNode bundled(JsonNode node, Path from) throws IOException {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            String ref = object.path("$ref").asString("");
            if (!ref.isEmpty() && !ref.startsWith("#")) {
                ObjectNode schema = (ObjectNode)
                        Json.tree(Files.readAllBytes(from.resolveSibling(ref).normalize()));
                schema.remove("$schema");
                return schema;
            }
            for (String name : List.copyOf(object.propertyNames())) {
                object.set(name, bundled(object.get(name), from));
            }
        } else if (node.isArray()) {
            ArrayNode array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, bundled(array.get(i), from));
            }
        }
        return node;
    }

    /** The emails the functions sent, newest first: what a developer clicks instead of a mailbox. */
    private Document outbox() {
        StringBuilder html = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Outbox</title><style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem}"
                + "article{border:1px solid #d0d7de;border-radius:6px;padding:.5rem 1rem;margin:.5rem 0}"
                + "pre{white-space:pre-wrap}</style></head><body><h1>Outbox</h1>"
                + "<p>Emails the local server sent instead of delivering them. <a href=\"/docs\">API docs</a></p>");
        try (var files = Files.exists(outbox) ? Files.list(outbox) : Stream.<Path>empty()) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json"))
                    .sorted(Comparator.reverseOrder())
                    .toList()) {
                var mail = Json.tree(Files.readAllBytes(file));
                html.append("<article><h3>")
                        .append(escape(mail.path("subject").asString()))
                        .append("</h3><p>To ")
                        .append(escape(mail.path("to").asString()))
                        .append(" &middot; ")
                        .append(escape(mail.path("sentAt").asString()))
                        .append("</p><pre>")
                        .append(link(escape(mail.path("text").asString())))
                        .append("</pre></article>");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Document(
                "text/html; charset=utf-8",
                html.append("</body></html>").toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    /** Makes the (already escaped) http links of a text clickable. */
    private static String link(String escaped) {
        return escaped.replaceAll("(https?://[^\\s<]+)", "<a href=\"$1\">$1</a>");
    }

    Optional<Document> find(String method, String path) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Optional.empty();
        }
        if (path.startsWith(UI) && path.substring(UI.length()).matches("[a-z0-9.-]+\\.(js|css|png)")) {
            return asset(path.substring(UI.length()));
        }
        return switch (path) {
            case "/docs", "/docs/" -> Optional.of(page);
            case "/docs/init.js" -> Optional.of(init);
            case "/openapi.yaml" -> Optional.of(yaml);
            case "/openapi.json" -> Optional.of(json);
            case "/docs/outbox", "/docs/outbox/" -> Optional.of(outbox());
            default -> Optional.empty();
        };
    }

    private Optional<Document> asset(String file) {
        try (InputStream in = DocsPage.class.getResourceAsStream(webjar + file)) {
            if (in == null) {
                return Optional.empty();
            }
            String type = file.endsWith(".js")
                    ? "text/javascript; charset=utf-8"
                    : file.endsWith(".css") ? "text/css; charset=utf-8" : "image/png";
            return Optional.of(new Document(type, in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

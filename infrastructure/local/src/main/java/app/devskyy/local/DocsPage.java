package app.devskyy.local;

import app.devskyy.core.Json;
import app.devskyy.core.testing.CfnYaml;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The API's documents on the local server: the OpenAPI contract as YAML and JSON, and a
 * self-contained browsable page at {@code /docs} (no CDN: this server may run offline).
 */
final class DocsPage {

    record Document(String contentType, byte[] body) {}

    private final Document yaml;
    private final Document json;
    private final Document page;
    private final Path outbox;

    DocsPage(String openApiYaml, Path outbox) {
        this.outbox = outbox;
        this.yaml = new Document("application/yaml", openApiYaml.getBytes(StandardCharsets.UTF_8));
        this.json = new Document("application/json", Json.writeBytes(CfnYaml.parse(openApiYaml)));
        try (InputStream in = DocsPage.class.getResourceAsStream("/docs.html")) {
            this.page = new Document("text/html; charset=utf-8", in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        return switch (path) {
            case "/docs", "/docs/" -> Optional.of(page);
            case "/openapi.yaml" -> Optional.of(yaml);
            case "/openapi.json" -> Optional.of(json);
            case "/docs/outbox", "/docs/outbox/" -> Optional.of(outbox());
            default -> Optional.empty();
        };
    }
}

package app.devskyy.local;

import app.devskyy.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The API's documents on the local server: the OpenAPI contract as YAML and JSON, and a
 * self-contained browsable page at {@code /docs} (no CDN: this server may run offline).
 */
final class DocsPage {

    record Document(String contentType, byte[] body) {
    }

    private final Document yaml;
    private final Document json;
    private final Document page;

    DocsPage(String openApiYaml) {
        this.yaml = new Document("application/yaml", openApiYaml.getBytes(StandardCharsets.UTF_8));
        this.json = new Document("application/json", Json.writeBytes(CfnYaml.parse(openApiYaml)));
        try (InputStream in = DocsPage.class.getResourceAsStream("/docs.html")) {
            this.page = new Document("text/html; charset=utf-8", in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Optional<Document> find(String method, String path) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Optional.empty();
        }
        return switch (path) {
            case "/docs", "/docs/" -> Optional.of(page);
            case "/openapi.yaml" -> Optional.of(yaml);
            case "/openapi.json" -> Optional.of(json);
            default -> Optional.empty();
        };
    }
}

package app.devskyy.local;

import app.devskyy.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The local server's outbox, where the families' emails land (one JSON file each), for tests to read. */
final class Outbox {

    private Outbox() {}

    /** The emails sent to an address, oldest first. */
    static List<JsonNode> mailTo(Path dataDir, String email) throws IOException {
        Path outbox = dataDir.resolve("outbox");
        if (!Files.exists(outbox)) {
            return List.of();
        }
        try (var files = Files.list(outbox)) {
            return files.sorted()
                    .map(f -> {
                        try {
                            return Json.tree(Files.readAllBytes(f));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .filter(m -> m.path("to").asString().equals(email.toLowerCase()))
                    .toList();
        }
    }
}

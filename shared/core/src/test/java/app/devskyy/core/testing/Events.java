package app.devskyy.core.testing;

import app.devskyy.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.node.ObjectNode;

/** The real-shaped sample events of {@code events/}, which {@code sam local invoke -e} uses too. */
public final class Events {

    private Events() {}

    public static Path repositoryRoot() {
        String root = System.getProperty("repository.root");
        if (root != null) {
            return Path.of(root);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("template.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (template.yaml)");
        }
        return dir;
    }

    /** The raw JSON of {@code events/<name>}, such as {@code health/get-health.json}. */
    public static byte[] raw(String name) {
        try {
            return Files.readAllBytes(repositoryRoot().resolve("events").resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An event as a tree, to change before sending. */
    public static ObjectNode tree(String name) {
        return (ObjectNode) Json.tree(raw(name));
    }
}

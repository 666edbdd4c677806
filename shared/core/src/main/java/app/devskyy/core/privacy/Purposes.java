package app.devskyy.core.privacy;

import app.devskyy.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The purposes personal data is processed for, as data ({@code /privacy/purposes.json}): each
 * one's legal basis, whether it needs the person's consent, and every version of its notice, the
 * last being the current one. Earlier versions are kept, so that a consent given under one can be
 * shown with the text the person saw.
 */
public final class Purposes {

    /** One version of a purpose's notice: the text a person is shown when deciding. */
    public record Notice(String version, String text) {}

    public record Purpose(String id, String title, String legalBasis, boolean consentRequired, List<Notice> notices) {

        public Notice current() {
            return notices.getLast();
        }

        public Optional<Notice> notice(String version) {
            return notices.stream().filter(n -> n.version().equals(version)).findFirst();
        }
    }

    private final String version;
    private final Map<String, Purpose> purposes;

    private Purposes(String version, Map<String, Purpose> purposes) {
        this.version = version;
        this.purposes = purposes;
    }

    /** The bundled purposes. */
    public static Purposes bundled() {
        try (InputStream in = Purposes.class.getResourceAsStream("/privacy/purposes.json")) {
            return of(Json.tree(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Purposes of(JsonNode document) {
        Map<String, Purpose> all = new LinkedHashMap<>();
        document.path("purposes").properties().forEach(entry -> {
            JsonNode p = entry.getValue();
            List<Notice> notices = new ArrayList<>();
            p.path("notices")
                    .forEach(n -> notices.add(new Notice(
                            n.path("version").asString(), n.path("text").asString())));
            if (notices.isEmpty()) {
                throw new IllegalStateException("purpose " + entry.getKey() + " has no notice");
            }
            all.put(
                    entry.getKey(),
                    new Purpose(
                            entry.getKey(),
                            p.path("title").asString(entry.getKey()),
                            p.path("legalBasis").asString(),
                            p.path("consentRequired").asBoolean(),
                            List.copyOf(notices)));
        });
        return new Purposes(document.path("version").asString(), Map.copyOf(all));
    }

    /** The document's version: the ETag of the purposes' list. */
    public String version() {
        return version;
    }

    public Optional<Purpose> purpose(String id) {
        return Optional.ofNullable(purposes.get(id));
    }

    /** Every purpose, by id. */
    public List<Purpose> all() {
        return purposes.values().stream()
                .sorted((a, b) -> a.id().compareTo(b.id()))
                .toList();
    }
}

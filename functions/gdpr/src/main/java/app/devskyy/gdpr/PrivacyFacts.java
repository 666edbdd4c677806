package app.devskyy.gdpr;

import app.devskyy.core.Json;
import app.devskyy.core.privacy.PersonalDataRegistry;
import app.devskyy.core.privacy.PrivacyTask;
import app.devskyy.core.privacy.Purposes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the law asks a controller to tell, from one document ({@code /privacy/processing.json}:
 * per store its categories, purposes, recipients and retention; the source of the data; the
 * person's rights) and the purposes: the processing record for platform admins (Art. 30), and
 * the archive of an access or portability request, which is every item the registry found plus
 * the Art. 15 facts about them. The archive's shape is {@code /privacy/export.schema.json},
 * published beside it. The local tests hold the document to the registry's declarations.
 */
final class PrivacyFacts {

    /** The schema an archive declares and validates against. */
    static final String SCHEMA_ID = "https://devskyy.app/schemas/personal-data-export/1";

    private final JsonNode processing;
    private final JsonNode exportSchema;
    private final Purposes purposes;

    PrivacyFacts(JsonNode processing, JsonNode exportSchema, Purposes purposes) {
        this.processing = processing;
        this.exportSchema = exportSchema;
        this.purposes = purposes;
    }

    static PrivacyFacts bundled() {
        return new PrivacyFacts(
                resource("/privacy/processing.json"), resource("/privacy/export.schema.json"), Purposes.bundled());
    }

    private static JsonNode resource(String path) {
        try (InputStream in = PrivacyFacts.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the artifact");
            }
            return Json.tree(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String version() {
        return processing.path("version").asString() + "+" + purposes.version();
    }

    JsonNode exportSchema() {
        return exportSchema;
    }

    /** The record of processing activities (Art. 30(1)): who, why, what, to whom, how long, per store. */
    ObjectNode processingRecord() {
        ObjectNode record = Json.MAPPER.createObjectNode();
        record.put("version", version());
        record.set("controller", processing.path("controller"));
        record.set("purposes", purposeList());
        ArrayNode stores = record.putArray("stores");
        processing.path("stores").properties().forEach(store -> {
            ObjectNode entry = stores.addObject().put("store", store.getKey());
            store.getValue().properties().forEach(field -> entry.set(field.getKey(), field.getValue()));
        });
        record.put(
                "securityMeasures",
                "Personal fields encrypted (AES-256-GCM) under a key per person, wrapped by the KMS key;"
                        + " erasure destroys the key. Tables and the export bucket encrypted at rest; TLS in"
                        + " transit; access by least-privilege IAM roles per function.");
        return record;
    }

    /**
     * The archive of a request: the items each family found ({@code parts}), the categories they
     * fall in, and the Art. 15(1) facts (purposes, recipients including the model providers a
     * prompt of theirs went to, retention per store, source, rights).
     */
    ObjectNode archive(GdprItems.Request request, List<PrivacyTask.Part> parts, Instant generatedAt) {
        ObjectNode archive = Json.MAPPER.createObjectNode();
        archive.put("$schema", SCHEMA_ID);
        archive.put("requestId", request.requestId());
        archive.put("requestType", request.type());
        archive.put("generatedAt", generatedAt.toString());
        archive.putObject("subject").put("userId", request.userId());
        archive.set("controller", processing.path("controller"));
        archive.set("purposes", purposeList());
        Set<String> categories = new TreeSet<>();
        Set<String> stores = new TreeSet<>();
        Set<String> providers = new TreeSet<>();
        ArrayNode records = Json.MAPPER.createArrayNode();
        for (PrivacyTask.Part part : parts) {
            for (PersonalDataRegistry.Found found : part.items()) {
                ObjectNode item = records.addObject();
                item.put("family", part.family());
                item.put("store", found.table());
                item.put("kind", found.kind());
                ArrayNode kinds = item.putArray("categories");
                found.categories().stream()
                        .map(c -> c.name().toLowerCase(Locale.ROOT))
                        .sorted()
                        .forEach(c -> {
                            kinds.add(c);
                            categories.add(c);
                        });
                ObjectNode attributes = item.putObject("attributes");
                found.attributes().forEach((name, value) -> {
                    if (value instanceof Boolean b) {
                        attributes.put(name, b);
                    } else {
                        attributes.put(name, String.valueOf(value));
                    }
                });
                stores.add(found.table());
                if (found.attributes().get("provider") instanceof String provider && !provider.isBlank()) {
                    providers.add(provider);
                }
            }
        }
        ArrayNode categoryList = archive.putArray("categories");
        categories.forEach(categoryList::add);
        ArrayNode recipients = archive.putArray("recipients");
        ArrayNode retention = archive.putArray("retention");
        Set<String> named = new TreeSet<>();
        for (String store : stores) {
            JsonNode facts = processing.path("stores").path(store);
            facts.path("recipients").forEach(r -> named.add(r.asString()));
            retention
                    .addObject()
                    .put("store", store)
                    .put("retention", facts.path("retention").asString());
        }
        named.forEach(recipients::add);
        ArrayNode modelProviders = archive.putArray("modelProviders");
        providers.forEach(modelProviders::add);
        archive.put("source", processing.path("source").asString());
        archive.set("rights", processing.path("rights"));
        archive.set("records", records);
        return archive;
    }

    private ArrayNode purposeList() {
        ArrayNode list = Json.MAPPER.createArrayNode();
        purposes.all()
                .forEach(p -> list.addObject()
                        .put("id", p.id())
                        .put("title", p.title())
                        .put("legalBasis", p.legalBasis())
                        .put("consentRequired", p.consentRequired())
                        .put("notice", p.current().text()));
        return list;
    }
}

package app.devskyy.core.privacy;

import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.ItemUpdate;
import app.devskyy.core.aws.Values;
import app.devskyy.core.crypto.PersonalDataCipher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Every personal item of every store, in one place: what each store declares ({@link PersonalItems})
 * and the tables declared free of personal data, with their reasons. It finds everything it holds
 * about a person ({@link #export}) and erases it ({@link #erase}): items are deleted, or, where a
 * stated legal basis requires keeping the record (payments, for tax law), their personal attributes
 * are removed (an attribute naming the person by id takes their pseudonym instead) and the item is
 * marked {@code restricted}. Both are idempotent: an erased person's items are found no more.
 */
public final class PersonalDataRegistry {

    /** What one item looked like, for an export: its kind, categories and attributes (decrypted where declared). */
    public record Found(String table, String kind, Set<Category> categories, Map<String, Object> attributes) {}

    /** How many items of each table were deleted and pseudonymised. */
    public record Erased(Map<String, Integer> deleted, Map<String, Integer> pseudonymised) {}

    private final List<PersonalItems> declarations;
    private final Map<String, String> freeOfPersonalData;

    public PersonalDataRegistry(List<PersonalItems> declarations, Map<String, String> freeOfPersonalData) {
        this.declarations = List.copyOf(declarations);
        this.freeOfPersonalData = Map.copyOf(freeOfPersonalData);
    }

    public List<PersonalItems> declarations() {
        return declarations;
    }

    /** Tables that hold no personal data, with the reason. */
    public Map<String, String> freeOfPersonalData() {
        return freeOfPersonalData;
    }

    /** Tables with personal data, by logical id. */
    public Set<String> registeredTables() {
        Set<String> tables = new TreeSet<>();
        declarations.forEach(d -> tables.add(d.table()));
        return tables;
    }

    /** The line docs/data-model.md gives a table, made from the declarations so that the two cannot drift. */
    public String describe(String table) {
        if (freeOfPersonalData.containsKey(table)) {
            return "Personal data: none (" + freeOfPersonalData.get(table) + ").";
        }
        List<String> parts = new ArrayList<>();
        for (PersonalItems items : declarations) {
            if (items.table().equals(table)) {
                parts.add(items.kind() + " ("
                        + String.join(
                                ", ",
                                items.categories().stream()
                                        .map(c -> c.name().toLowerCase(Locale.ROOT))
                                        .sorted()
                                        .toList())
                        + "; "
                        + (items.erasure() == PersonalItems.Erasure.DELETE
                                ? "deleted"
                                : "kept pseudonymised: " + items.basis())
                        + ")");
            }
        }
        return "Personal data: " + String.join("; ", parts) + ".";
    }

    /**
     * @param dynamoDb a client of the tables
     * @param tables   logical id to physical table name
     * @param cipher   the personal-data cipher, to decrypt what the export shows
     */
    public List<Found> export(
            Subject subject, DynamoDbClient dynamoDb, Map<String, String> tables, PersonalDataCipher cipher) {
        List<Found> found = new ArrayList<>();
        forEachItem(subject, dynamoDb, tables, (items, item) -> {
            Map<String, Object> attributes = new LinkedHashMap<>();
            item.forEach((name, value) -> {
                if (!items.withheld().contains(name)) {
                    attributes.put(name, plain(value));
                }
            });
            items.encrypted().forEach((name, context) -> {
                if (item.containsKey(name) && item.get(name).s() != null) {
                    try {
                        attributes.put(name, cipher.decrypt(item.get(name).s(), context(context, item)));
                    } catch (IllegalArgumentException shredded) {
                        // Another person's value (an admin's address on this person's audit entry) whose key is
                        // destroyed.
                        attributes.remove(name);
                    }
                }
            });
            found.add(new Found(items.table(), items.kind(), items.categories(), attributes));
        });
        return found;
    }

    public Erased erase(Subject subject, DynamoDbClient dynamoDb, Map<String, String> tables) {
        Map<String, Integer> deleted = new LinkedHashMap<>();
        Map<String, Integer> pseudonymised = new LinkedHashMap<>();
        forEachItem(subject, dynamoDb, tables, (items, item) -> {
            String table = tables.get(items.table());
            if (items.erasure() == PersonalItems.Erasure.DELETE) {
                dynamoDb.deleteItem(r -> r.tableName(table).key(keyOf(item).attributes()));
                deleted.merge(items.table(), 1, Integer::sum);
            } else {
                ItemUpdate update = ItemUpdate.of(table, keyOf(item)).set("restricted", Values.bool(true));
                for (String name : items.personal()) {
                    AttributeValue value = item.get(name);
                    if (value != null && value.s() != null && value.s().contains(subject.userId())) {
                        // An actor's id becomes their pseudonym, so a kept trail still tells one actor from another.
                        update.set(
                                name, AttributeValue.fromS(value.s().replace(subject.userId(), subject.pseudonym())));
                    } else {
                        update.remove(name);
                    }
                }
                update.apply(dynamoDb);
                pseudonymised.merge(items.table(), 1, Integer::sum);
            }
        });
        return new Erased(deleted, pseudonymised);
    }

    /**
     * The migration to the people's own keys: every declared encrypted attribute still under the
     * service key ({@code v1.}) is encrypted again under the key of the person the item belongs to,
     * read from the item as its declaration finds it ({@code {userId}} in the finder's partition or
     * matching templates). Each write is conditioned on the values it replaces, so a concurrent
     * change wins, and the sweep can run again: what it moved is not {@code v1.} any more.
     *
     * @return how many items were moved
     */
    public int rekey(DynamoDbClient dynamoDb, Map<String, String> tables, PersonalDataCipher cipher) {
        int moved = 0;
        for (PersonalItems items : declarations) {
            if (items.encrypted().isEmpty()) {
                continue;
            }
            String table = tables.get(items.table());
            Map<String, String> names = new HashMap<>();
            List<String> filters = new ArrayList<>();
            for (String attribute : items.encrypted().keySet()) {
                names.put("#e" + filters.size(), attribute);
                filters.add("begins_with(#e" + filters.size() + ", :v1)");
            }
            ScanRequest scan = ScanRequest.builder()
                    .tableName(table)
                    .filterExpression(String.join(" OR ", filters))
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(Map.of(":v1", AttributeValue.fromS("v1.")))
                    .build();
            for (Map<String, AttributeValue> item : dynamoDb.scanPaginator(scan).items()) {
                Optional<String> owner = owner(items.finder(), item);
                if (owner.isEmpty()) {
                    continue;
                }
                ItemUpdate update = ItemUpdate.of(table, keyOf(item));
                List<String> unchanged = new ArrayList<>();
                Map<String, AttributeValue> old = new HashMap<>();
                items.encrypted().forEach((name, template) -> {
                    String value = Values.string(item, name);
                    if (value != null && value.startsWith("v1.")) {
                        update.set(name, cipher.underPersonKey(owner.get(), value, context(template, item)));
                        unchanged.add("#" + name + " = :was" + unchanged.size());
                        old.put(":was" + old.size(), AttributeValue.fromS(value));
                    }
                });
                if (update.condition(String.join(" AND ", unchanged), old).applyIf(dynamoDb)) {
                    moved++;
                }
            }
        }
        return moved;
    }

    /** Whose item it is: the user id its finder's templates put where the item holds it. */
    static Optional<String> owner(PersonalItems.Finder finder, Map<String, AttributeValue> item) {
        Map<String, String> templates = new LinkedHashMap<>(finder.matching());
        if (finder.partition() != null) {
            templates.put(finder.index() == null ? "pk" : finder.index() + "pk", finder.partition());
        }
        for (var template : templates.entrySet()) {
            int at = template.getValue().indexOf("{userId}");
            String value = Values.string(item, template.getKey());
            if (at < 0 || value == null) {
                continue;
            }
            String before = template.getValue().substring(0, at);
            String after = template.getValue().substring(at + "{userId}".length());
            if (value.startsWith(before)
                    && value.endsWith(after)
                    && value.length() > before.length() + after.length()) {
                return Optional.of(value.substring(before.length(), value.length() - after.length()));
            }
        }
        return Optional.empty();
    }

    /**
     * Every item each declaration finds for the subject, once: an item two declarations find (a
     * user's profile also carries {@code userId}) is handed to the first of them only.
     */
    private void forEachItem(
            Subject subject,
            DynamoDbClient dynamoDb,
            Map<String, String> tables,
            BiConsumer<PersonalItems, Map<String, AttributeValue>> action) {
        Set<Map.Entry<String, ItemKey>> seen = new HashSet<>();
        for (PersonalItems items : declarations) {
            for (Map<String, AttributeValue> item : find(items, subject, dynamoDb, tables.get(items.table()))) {
                if (seen.add(Map.entry(items.table(), keyOf(item)))) {
                    action.accept(items, item);
                }
            }
        }
    }

    private static ItemKey keyOf(Map<String, AttributeValue> item) {
        return new ItemKey(
                item.get("pk").s(), item.containsKey("sk") ? item.get("sk").s() : null);
    }

    private static List<Map<String, AttributeValue>> find(
            PersonalItems items, Subject subject, DynamoDbClient dynamoDb, String table) {
        if (table == null) {
            throw new IllegalArgumentException("no physical table for " + items.table());
        }
        PersonalItems.Finder finder = items.finder();
        List<Map<String, AttributeValue>> found = new ArrayList<>();
        for (String workspace : workspaces(finder, subject)) {
            Map<String, AttributeValue> values = new HashMap<>();
            Map<String, String> names = new HashMap<>();
            List<String> filters = new ArrayList<>();
            for (var match : finder.matching().entrySet()) {
                int n = filters.size();
                names.put("#m" + n, match.getKey());
                values.put(":m" + n, AttributeValue.fromS(fill(match.getValue(), subject, workspace)));
                filters.add("#m" + n + " = :m" + n);
            }
            String filter = filters.isEmpty() ? null : String.join(" OR ", filters);
            if (finder.partition() == null) {
                ScanRequest.Builder scan = ScanRequest.builder()
                        .tableName(table)
                        .filterExpression(filter)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values);
                dynamoDb.scanPaginator(scan.build()).items().forEach(found::add);
                continue;
            }
            String partitionKey = finder.index() == null ? "pk" : finder.index() + "pk";
            String sortKey = finder.index() == null ? "sk" : finder.index() + "sk";
            names.put("#pk", partitionKey);
            values.put(":pk", AttributeValue.fromS(fill(finder.partition(), subject, workspace)));
            String condition = "#pk = :pk";
            if (finder.sortPrefix() != null) {
                names.put("#sk", sortKey);
                values.put(":sk", AttributeValue.fromS(fill(finder.sortPrefix(), subject, workspace)));
                condition += " AND begins_with(#sk, :sk)";
            }
            QueryRequest.Builder query = QueryRequest.builder()
                    .tableName(table)
                    .indexName(finder.index())
                    .keyConditionExpression(condition)
                    .filterExpression(filter)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values);
            dynamoDb.queryPaginator(query.build()).items().forEach(found::add);
        }
        return found;
    }

    /** The workspaces a finder runs over: each one its templates name, or a single pass when they name none. */
    private static List<String> workspaces(PersonalItems.Finder finder, Subject subject) {
        String templates =
                finder.partition() + finder.sortPrefix() + finder.matching().values();
        if (templates.contains("{ownWorkspaceId}")) {
            return subject.ownWorkspaces();
        }
        if (templates.contains("{workspaceId}")) {
            return subject.memberOf();
        }
        List<String> once = new ArrayList<>();
        once.add(null);
        return once;
    }

    private static String fill(String template, Subject subject, String workspace) {
        String out = template.replace("{userId}", subject.userId())
                .replace("{emailIndex}", subject.emailIndex())
                .replace("{dataKeyId}", subject.dataKeyId());
        return workspace == null ? out : out.replace("{workspaceId}", workspace).replace("{ownWorkspaceId}", workspace);
    }

    /** A cipher context: {@code {name}} is the item's own attribute of that name. */
    private static String context(String template, Map<String, AttributeValue> item) {
        String out = template;
        for (var attribute : item.entrySet()) {
            if (attribute.getValue().s() != null) {
                out = out.replace(
                        "{" + attribute.getKey() + "}", attribute.getValue().s());
            }
        }
        return out;
    }

    private static Object plain(AttributeValue value) {
        if (value.s() != null) {
            return value.s();
        }
        if (value.n() != null) {
            return value.n();
        }
        if (value.bool() != null) {
            return value.bool();
        }
        return value.toString();
    }
}

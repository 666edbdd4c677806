package app.devskyy.core.privacy;

import app.devskyy.core.Json;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.config.Config;
import app.devskyy.core.crypto.DataKeys;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.core.events.PermanentFailure;
import app.devskyy.core.events.StepTask;
import app.devskyy.core.http.Identifiers;
import app.devskyy.core.observability.Telemetry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One family's share of a data subject request, as a task of the data subject request state
 * machine ({@code <family>Privacy}): its own declarations run through the registry, so no family
 * needs another's code. {@code export} writes what the family holds about the person to the
 * request's part file; {@code erase} erases it. Both can run again with the same result (an
 * export is rewritten, an erased person is found no more), so a retried or redriven execution
 * resumes where it stopped. {@code rekey}, which an operator invokes once per family (no request,
 * no subject), moves the family's encrypted fields from the service key to their people's keys.
 */
public final class PrivacyTask extends StepTask<PrivacyTask.Order, PrivacyTask.Done> {

    public static final String EXPORT = "export";
    public static final String ERASE = "erase";
    /** The migration of the family's encrypted fields to the people's own keys; needs no request or subject. */
    public static final String REKEY = "rekey";

    /** What the state machine hands each family: the request, what to do, and whom it is about. */
    public record Order(String requestId, String action, Subject subject) {}

    /** What the family did, for the execution's record and the archive: counts, never contents. */
    public record Done(String family, int found, Map<String, Integer> deleted, Map<String, Integer> pseudonymised) {}

    /** A family's part of an export, as the archive takes it in. */
    public record Part(String family, List<PersonalDataRegistry.Found> items) {}

    /** What a family erases beyond its tables (the knowledge base's vectors), before they are erased. */
    @FunctionalInterface
    public interface Beyond {
        void erase(Subject subject);
    }

    private final String family;
    private final PersonalDataRegistry registry;
    private final DynamoDbClient dynamoDb;
    private final Map<String, String> tables;
    private final PersonalDataCipher pii;
    private final RequestFiles files;
    private final Beyond beyond;

    PrivacyTask(
            String family,
            PersonalDataRegistry registry,
            DynamoDbClient dynamoDb,
            Map<String, String> tables,
            PersonalDataCipher pii,
            RequestFiles files,
            Beyond beyond,
            Telemetry telemetry) {
        super(family + "Privacy", Order.class, telemetry);
        this.family = family;
        this.registry = registry;
        this.dynamoDb = dynamoDb;
        this.tables = Map.copyOf(tables);
        this.pii = pii;
        this.files = files;
        this.beyond = beyond;
    }

    /**
     * The task of a family over its declarations; each table's physical name is its setting
     * ({@code AuthTable} is {@code AUTH_TABLE}), as every function of the family already reads it.
     */
    public static PrivacyTask fromConfig(
            String family, List<PersonalItems> declarations, Config config, Beyond beyond) {
        AwsClients aws = new AwsClients(config);
        Map<String, String> tables = new LinkedHashMap<>();
        declarations.forEach(d -> tables.put(d.table(), config.required(setting(d.table()), d.table())));
        return new PrivacyTask(
                family,
                new PersonalDataRegistry(declarations, Map.of()),
                aws.dynamoDb(),
                tables,
                DataKeys.personalDataCipher(config, aws),
                RequestFiles.fromConfig(config, aws),
                beyond,
                new Telemetry(config));
    }

    public static PrivacyTask fromConfig(String family, List<PersonalItems> declarations, Config config) {
        return fromConfig(family, declarations, config, subject -> {});
    }

    /** {@code AuthTable} to {@code AUTH_TABLE}. */
    static String setting(String logicalId) {
        return logicalId.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    @Override
    protected String correlationId(Order order) {
        return order.requestId() == null ? String.valueOf(order.action()) : order.requestId();
    }

    @Override
    protected Done run(Order order) {
        if (REKEY.equals(order.action())) {
            return new Done(family, registry.rekey(dynamoDb, tables, pii), Map.of(), Map.of());
        }
        Subject subject = order.subject();
        if (!Identifiers.isId(String.valueOf(order.requestId()))
                || subject == null
                || !Identifiers.isId(String.valueOf(subject.userId()))
                || subject.emailIndex() == null
                || subject.pseudonym() == null
                || subject.dataKeyId() == null) {
            throw new PermanentFailure("UnreadableOrder", "the order names no request or person");
        }
        if (EXPORT.equals(order.action())) {
            List<PersonalDataRegistry.Found> found = registry.export(subject, dynamoDb, tables, pii);
            files.put(RequestFiles.part(order.requestId(), family), Json.writeBytes(new Part(family, found)));
            return new Done(family, found.size(), Map.of(), Map.of());
        }
        if (ERASE.equals(order.action())) {
            beyond.erase(subject);
            PersonalDataRegistry.Erased erased = registry.erase(subject, dynamoDb, tables);
            int total = erased.deleted().values().stream()
                            .mapToInt(Integer::intValue)
                            .sum()
                    + erased.pseudonymised().values().stream()
                            .mapToInt(Integer::intValue)
                            .sum();
            return new Done(family, total, erased.deleted(), erased.pseudonymised());
        }
        throw new PermanentFailure("UnknownAction", "the action is neither " + EXPORT + " nor " + ERASE);
    }
}

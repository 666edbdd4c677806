package app.devskyy.maintenance;

import app.devskyy.core.auth.CredentialItems;
import app.devskyy.core.auth.PersonContacts;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.config.Config;
import app.devskyy.core.crypto.PersonKeys;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.core.mail.Mailer;
import app.devskyy.core.notify.Notifier;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.core.testing.DynamoDbLocal;
import app.devskyy.core.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The jobs' collaborators over DynamoDB Local (the template's tables), with the mails they send
 * and the notices they publish recorded, and helpers that arrange items as the other families
 * write them.
 */
final class MaintenanceFixture {

    record Mail(String to, String subject, String text) {}

    final DynamoDbClient dynamoDb = DynamoDbLocal.client();
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T03:15:00Z"));
    final List<Mail> mails = new ArrayList<>();
    final List<String> published = new ArrayList<>();
    final PersonalDataCipher pii;
    final FindingStore findings = new FindingStore(dynamoDb, "MaintenanceTable");
    final RunStore runs = new RunStore(dynamoDb, "MaintenanceTable");
    final AuthDirectory directory;
    final Notifier notifier;
    final Telemetry telemetry = new Telemetry(Config.of(Map.of("DEVSKYY_METRICS", "off")));

    MaintenanceFixture() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        pii = new PersonalDataCipher(key, new PersonKeys(dynamoDb, "DataKeyTable"), clock);
        directory = new AuthDirectory(
                dynamoDb, "AuthTable", new PersonContacts(new DynamoTables(dynamoDb), "AuthTable", pii));
        Mailer mailer = (to, subject, text, html) -> mails.add(new Mail(to, subject, text));
        notifier = new Notifier(mailer, Optional.of((subject, message) -> published.add(subject + ": " + message)));
    }

    static String id(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "");
    }

    /** A profile as the auth family writes it: listed under USERS, its email encrypted under its own key. */
    String person(String platformRole) {
        String userId = id(CredentialItems.USER_ID_PREFIX);
        Map<String, AttributeValue> item = new HashMap<>(Map.of(
                "pk",
                AttributeValue.fromS(CredentialItems.user(userId)),
                "sk",
                AttributeValue.fromS("PROFILE"),
                "userId",
                AttributeValue.fromS(userId),
                "emailCipher",
                AttributeValue.fromS(
                        pii.encryptFor(userId, userId + "@example.com", CredentialItems.emailContext(userId))),
                "gsi1pk",
                AttributeValue.fromS(CredentialItems.USERS),
                "gsi1sk",
                AttributeValue.fromS(userId)));
        if (platformRole != null) {
            item.put("platformRole", AttributeValue.fromS(platformRole));
        }
        dynamoDb.putItem(r -> r.tableName("AuthTable").item(item));
        return userId;
    }

    void verifiedFactor(String userId) {
        dynamoDb.putItem(r -> r.tableName("AuthTable")
                .item(Map.of(
                        "pk", AttributeValue.fromS(CredentialItems.user(userId)),
                        "sk", AttributeValue.fromS(CredentialItems.FACTORS + id("mfa_")),
                        "verified", AttributeValue.fromBool(true))));
    }

    void member(String workspaceId, String userId, String role) {
        dynamoDb.putItem(r -> r.tableName("AuthTable")
                .item(Map.of(
                        "pk", AttributeValue.fromS(CredentialItems.workspace(workspaceId)),
                        "sk", AttributeValue.fromS(CredentialItems.MEMBERS + userId),
                        "workspaceId", AttributeValue.fromS(workspaceId),
                        "userId", AttributeValue.fromS(userId),
                        "role", AttributeValue.fromS(role),
                        "gsi1pk", AttributeValue.fromS(CredentialItems.user(userId)),
                        "gsi1sk", AttributeValue.fromS(CredentialItems.MEMBERSHIPS + workspaceId))));
    }

    /** A workspace's own item ({@code WS#<id>/META}), which the scan lists workspaces by. */
    void workspace(String workspaceId) {
        dynamoDb.putItem(r -> r.tableName("AuthTable")
                .item(Map.of(
                        "pk", AttributeValue.fromS(CredentialItems.workspace(workspaceId)),
                        "sk", AttributeValue.fromS(CredentialItems.WORKSPACE_META),
                        "workspaceId", AttributeValue.fromS(workspaceId))));
    }

    /** Removes every profile, so that each test sees only the people it arranges. */
    void noPeople() {
        for (Map<String, AttributeValue> item :
                dynamoDb.scan(r -> r.tableName("AuthTable")).items()) {
            dynamoDb.deleteItem(r -> r.tableName("AuthTable").key(Map.of("pk", item.get("pk"), "sk", item.get("sk"))));
        }
    }

    Duration budget() {
        return Duration.ofMinutes(5);
    }
}

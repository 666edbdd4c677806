package app.devskyy.local;

import static app.devskyy.local.ApiClient.unique;
import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.agents.AgentPersonalData;
import app.devskyy.auth.AuthPersonalData;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.core.privacy.PersonalDataRegistry;
import app.devskyy.core.privacy.Subject;
import app.devskyy.core.ratelimit.RateLimits;
import app.devskyy.core.testing.Events;
import app.devskyy.gdpr.GdprPersonalData;
import app.devskyy.llm.metering.LlmPersonalData;
import app.devskyy.local.ApiClient.Answer;
import app.devskyy.webhooks.BillingPersonalData;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The personal-data registry over every family's declarations: each table of template.yaml is
 * registered or declared free of personal data, docs/data-model.md says what the declarations say,
 * and a person who touched every family is exported whole and, once erased, named by no item.
 */
class PersonalDataRegistryTest extends UsingLocalApi {

    static final PersonalDataRegistry REGISTRY = new PersonalDataRegistry(
            Stream.of(
                            AuthPersonalData.ITEMS,
                            AuditLog.PERSONAL_DATA,
                            LlmPersonalData.ITEMS,
                            BillingPersonalData.ITEMS,
                            AgentPersonalData.ITEMS,
                            GdprPersonalData.ITEMS)
                    .flatMap(List::stream)
                    .toList(),
            merged(BillingPersonalData.FREE, RateLimits.FREE_OF_PERSONAL_DATA));

    private static Map<String, String> merged(Map<String, String> a, Map<String, String> b) {
        Map<String, String> all = new HashMap<>(a);
        all.putAll(b);
        return all;
    }

    private static Set<String> templateTables() throws Exception {
        Set<String> tables = new TreeSet<>();
        SamTemplate.load(Events.repositoryRoot().resolve("template.yaml"))
                .tables()
                .forEach(t -> tables.add(t.logicalId()));
        return tables;
    }

    @Test
    void everyTableIsRegisteredOrDeclaredFreeOfPersonalData() throws Exception {
        Set<String> declared = new TreeSet<>(REGISTRY.registeredTables());
        declared.addAll(REGISTRY.freeOfPersonalData().keySet());
        assertThat(declared).isEqualTo(templateTables());
        assertThat(REGISTRY.registeredTables())
                .doesNotContainAnyElementsOf(REGISTRY.freeOfPersonalData().keySet());
    }

    @Test
    void theDataModelSaysWhatTheDeclarationsSay() throws Exception {
        String doc = Files.readString(Events.repositoryRoot().resolve("docs/data-model.md"));
        for (String table : templateTables()) {
            assertThat(doc).as("docs/data-model.md on " + table).contains(REGISTRY.describe(table));
        }
    }

    @Test
    void aPersonWhoTouchedEveryFamilyIsExportedWholeAndThenNamedByNoItem() throws Exception {
        ApiClient client = new ApiClient(api.port());
        String email = unique("everywhere");
        Answer login = client.account(email, "correct horse battery");
        String token = login.field("access_token");
        Answer me = client.get("/api/v1/auth/me", token);
        String userId = me.field("id");
        String personal = me.body().path("workspaces").get(0).path("id").asString();
        // A failed login (lockout counter), a second factor, an API key, a reset token, LLM usage and cache, a payment.
        assertThat(new ApiClient(api.port())
                        .post("/api/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\"wrong one!\"}", null)
                        .status())
                .isEqualTo(401);
        assertThat(client.post("/api/v1/auth/mfa/totp", "{}", token).status()).isEqualTo(201);
        assertThat(client.post(
                                "/api/v1/auth/workspaces/" + personal + "/api-keys",
                                "{\"name\":\"ci\",\"role\":\"developer\"}",
                                token)
                        .status())
                .isEqualTo(201);
        assertThat(client.post("/api/v1/auth/password/forgot", "{\"email\":\"" + email + "\"}", null)
                        .status())
                .isEqualTo(202);
        assertThat(client.send(
                                "POST",
                                "/api/v1/llm/chat/completions",
                                "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\"," + "\"content\":\"hello\"}]}",
                                token,
                                "application/json",
                                Map.of("x-workspace-id", personal, "x-llm-cache", "on"))
                        .status())
                .isEqualTo(200);
        String notice =
                client.get("/api/v1/gdpr/purposes", null).body().path("version").asString();
        assertThat(client.send(
                                "PUT",
                                "/api/v1/gdpr/consents/marketing-email",
                                "{\"granted\":true,\"noticeVersion\":\"" + notice + "\"}",
                                token,
                                "application/json")
                        .status())
                .isEqualTo(200);
        assertThat(client.post("/api/v1/gdpr/requests", "{\"type\":\"erasure\",\"details\":\"All of it.\"}", token)
                        .status())
                .isEqualTo(201);
        long t = Instant.now().getEpochSecond();
        String checkout = WebhooksTest.stripeEvent(
                "evt_gdpr_" + System.nanoTime(),
                "checkout.session.completed",
                t,
                "{\"id\":\"cs_gdpr_"
                        + System.nanoTime() + "\",\"object\":\"checkout.session\",\"client_reference_id\":\"" + personal
                        + "\",\"customer\":\"cus_gdpr"
                        + "\",\"mode\":\"payment\",\"payment_status\":\"paid\",\"amount_total\":4900,\"currency\":\"usd\"}");
        assertThat(client.send(
                                "POST",
                                "/api/v1/webhooks/stripe",
                                checkout,
                                null,
                                "application/json",
                                Map.of(
                                        "stripe-signature",
                                        WebhooksTest.signStripe(checkout, "whsec_devskyy_local_stripe", t)))
                        .status())
                .isEqualTo(200);

        try (DynamoDbClient dynamoDb = dynamoDb()) {
            awaitPayment(dynamoDb, personal);
            Map<String, String> tables = new HashMap<>();
            templateTables().forEach(table -> tables.put(table, table));
            String emailIndex = dynamoDb.getItem(r -> r.tableName("AuthTable")
                            .key(Map.of(
                                    "pk",
                                    AttributeValue.fromS("USER#" + userId),
                                    "sk",
                                    AttributeValue.fromS("PROFILE"))))
                    .item()
                    .get("emailIndex")
                    .s();
            Subject subject = new Subject(userId, emailIndex, List.of(personal), List.of(personal));
            PersonalDataCipher cipher = new PersonalDataCipher(
                    Base64.getDecoder().decode(LocalSecrets.load(dataDir).personalDataKey()));

            List<PersonalDataRegistry.Found> export = REGISTRY.export(subject, dynamoDb, tables, cipher);
            Set<String> kinds = new TreeSet<>();
            export.forEach(found -> kinds.add(found.table() + ":" + found.kind()));
            assertThat(kinds)
                    .contains(
                            "AuthTable:user",
                            "AuthTable:session",
                            "AuthTable:second factor",
                            "AuthTable:email claim",
                            "AuthTable:login lockout",
                            "AuthTable:membership",
                            "AuthTable:token or challenge",
                            "AuthTable:own workspace",
                            "AuditTable:account event",
                            "LlmTable:usage record",
                            "LlmTable:usage counter",
                            "BillingTable:payment",
                            "BillingTable:provider customer",
                            "GdprTable:consent decision",
                            "GdprTable:consent record",
                            "GdprTable:data subject request");
            assertThat(export)
                    .anySatisfy(
                            found -> assertThat(found.attributes()).containsEntry("emailCipher", email.toLowerCase()));
            assertThat(export)
                    .anySatisfy(found ->
                            assertThat(found.attributes().get("ipCipher")).isEqualTo(client.ip));
            assertThat(namedBy(dynamoDb, userId, emailIndex)).isNotEmpty();

            PersonalDataRegistry.Erased erased = REGISTRY.erase(subject, dynamoDb, tables);
            assertThat(erased.deleted())
                    .containsKeys("AuthTable", "AuditTable", "LlmTable", "BillingTable", "GdprTable");
            assertThat(erased.pseudonymised()).containsKeys("BillingTable", "GdprTable");
            assertThat(namedBy(dynamoDb, userId, emailIndex)).isEmpty();
            // Kept for tax law, restricted, and naming no one.
            var payment = payments(dynamoDb, personal);
            assertThat(payment).hasSize(1);
            assertThat(payment.getFirst().get("restricted").bool()).isTrue();
            assertThat(payment.getFirst().get("amount").n()).isEqualTo("4900");
        }
        assertThat(new ApiClient(api.port())
                        .post(
                                "/api/v1/auth/login",
                                "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}",
                                null)
                        .status())
                .isEqualTo(401);
        assertThat(client.get("/api/v1/auth/me", token).status()).isEqualTo(401);
    }

    private static List<Map<String, AttributeValue>> payments(DynamoDbClient dynamoDb, String workspace) {
        return dynamoDb.query(r -> r.tableName("BillingTable")
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                        .expressionAttributeValues(Map.of(
                                ":pk",
                                AttributeValue.fromS("WS#" + workspace),
                                ":p",
                                AttributeValue.fromS("PAYMENT#"))))
                .items();
    }

    private static void awaitPayment(DynamoDbClient dynamoDb, String workspace) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            boolean paid = !payments(dynamoDb, workspace).isEmpty();
            if (paid) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the payment was not processed");
    }

    /** Every item of every table whose keys or values contain the user id or the email's blind index. */
    private static List<String> namedBy(DynamoDbClient dynamoDb, String userId, String emailIndex) {
        List<String> naming = new ArrayList<>();
        for (String table : dynamoDb.listTables().tableNames()) {
            dynamoDb.scanPaginator(r -> r.tableName(table)).items().forEach(item -> {
                String text = item.toString();
                if (text.contains(userId) || text.contains(emailIndex)) {
                    naming.add(table + " " + item.get("pk").s());
                }
            });
        }
        return naming;
    }
}

package app.devskyy.local;

import static app.devskyy.local.ApiClient.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.agents.AgentPersonalData;
import app.devskyy.auth.AuthPersonalData;
import app.devskyy.core.Json;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.crypto.PersonKeys;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.core.http.BodySchema;
import app.devskyy.core.privacy.PersonalDataRegistry;
import app.devskyy.core.privacy.Subject;
import app.devskyy.core.ratelimit.RateLimits;
import app.devskyy.core.testing.Events;
import app.devskyy.gdpr.GdprPersonalData;
import app.devskyy.llm.metering.LlmPersonalData;
import app.devskyy.local.ApiClient.Answer;
import app.devskyy.maintenance.MaintenancePersonalData;
import app.devskyy.webhooks.BillingPersonalData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.databind.JsonNode;

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
                            GdprPersonalData.ITEMS,
                            MaintenancePersonalData.ITEMS,
                            PersonKeys.PERSONAL_DATA)
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
    void theProcessingRecordNamesEveryStoreWithTheCategoriesItsDeclarationsHold() throws Exception {
        JsonNode processing = Json.tree(Files.readAllBytes(
                Events.repositoryRoot().resolve("functions/gdpr/src/main/resources/privacy/processing.json")));
        Set<String> stores = new TreeSet<>();
        processing.path("stores").propertyNames().forEach(stores::add);
        assertThat(stores).isEqualTo(REGISTRY.registeredTables());
        for (String table : REGISTRY.registeredTables()) {
            Set<String> declared = new TreeSet<>();
            REGISTRY.declarations().stream()
                    .filter(d -> d.table().equals(table))
                    .forEach(d ->
                            d.categories().forEach(c -> declared.add(c.name().toLowerCase(Locale.ROOT))));
            Set<String> recorded = new TreeSet<>();
            processing.path("stores").path(table).path("categories").forEach(c -> recorded.add(c.asString()));
            assertThat(recorded).as("the categories of " + table).isEqualTo(declared);
            assertThat(processing.path("stores").path(table).path("retention").asString())
                    .isNotBlank();
        }
    }

    /**
     * The issue's proof, through the local API and the state machine: a person active in every
     * family gets, for an access request, an archive holding every item the registry finds (valid
     * against the published schema); their erasure then leaves no item of any table in the
     * template naming them, and their tokens and API key are refused.
     */
    @Test
    void aPersonActiveInEveryFamilyIsExportedWholeThenErasedFromEveryTable() throws Exception {
        ApiClient client = new ApiClient(api.port());
        String email = unique("everywhere");
        String name = "Everywhere " + System.nanoTime();
        Answer signup = client.post(
                "/api/v1/auth/signup",
                "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\",\"displayName\":\"" + name + "\"}",
                null);
        assertThat(signup.status()).as(signup.raw()).isEqualTo(201);
        Answer login = client.post(
                "/api/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}", null);
        String token = login.field("access_token");
        String refresh = login.field("refresh_token");
        Answer me = client.get("/api/v1/auth/me", token);
        String userId = me.field("id");
        String personal = me.body().path("workspaces").get(0).path("id").asString();
        // A failed login (lockout counter), a second factor, an API key, a reset token, LLM usage and cache,
        // a knowledge document, an agent run, a consent, a payment.
        assertThat(new ApiClient(api.port())
                        .post("/api/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\"wrong one!\"}", null)
                        .status())
                .isEqualTo(401);
        assertThat(client.post("/api/v1/auth/mfa/totp", "{}", token).status()).isEqualTo(201);
        Answer key = client.post(
                "/api/v1/auth/workspaces/" + personal + "/api-keys", "{\"name\":\"ci\",\"role\":\"developer\"}", token);
        assertThat(key.status()).isEqualTo(201);
        String apiKey = key.field("key");
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
        String agents = "/api/v1/agents/workspaces/" + personal;
        Answer document = client.post(
                agents + "/knowledge/documents",
                "{\"title\":\"My notes\",\"content\":\"The autumn launch is in October, for members first.\"}",
                token);
        assertThat(document.status()).as(document.raw()).isIn(200, 201);
        Answer run = client.post(agents + "/runs", "{\"agent\":\"marketing\",\"goal\":\"Plan the launch.\"}", token);
        assertThat(run.status()).as(run.raw()).isEqualTo(202);
        awaitRun(client, token, agents + "/runs/" + run.field("runId"));
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
        String admin = platformAdmin(api, "privacy-admin");

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
            PersonalDataCipher cipher = new PersonalDataCipher(
                    Base64.getDecoder().decode(LocalSecrets.load(dataDir).personalDataKey()),
                    new PersonKeys(dynamoDb, "DataKeyTable"),
                    Clock.systemUTC());
            Subject subject = new Subject(
                    userId,
                    emailIndex,
                    "anon_unused",
                    cipher.personKeyId(userId),
                    List.of(personal),
                    List.of(personal));
            List<PersonalDataRegistry.Found> found = REGISTRY.export(subject, dynamoDb, tables, cipher);
            Set<String> kinds = new TreeSet<>();
            found.forEach(f -> kinds.add(f.table() + ":" + f.kind()));
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
                            "LlmTable:own workspace's budgets and spend",
                            "BillingTable:payment",
                            "BillingTable:provider customer",
                            "AgentsTable:own workspace's runs",
                            "AgentsTable:own workspace's knowledge passages",
                            "GdprTable:consent decision",
                            "GdprTable:consent record",
                            "DataKeyTable:data key");
            assertThat(namedBy(dynamoDb, userId, emailIndex)).isNotEmpty();

            // Access: every item found is in the archive, which the published schema accepts.
            JsonNode archive = download(client, token, carriedOut(client, token, admin, "access"));
            JsonNode schema = client.get("/api/v1/gdpr/export-schema", null).body();
            assertThat(BodySchema.of(schema).accepts(archive))
                    .as(archive.toString())
                    .isTrue();
            Set<String> archived = new TreeSet<>();
            archive.path("records")
                    .forEach(record -> archived.add(record.path("store").asString() + " "
                            + record.path("attributes").path("pk").asString() + " "
                            + record.path("attributes").path("sk").asString()));
            for (PersonalDataRegistry.Found item : found) {
                assertThat(archived)
                        .as("the archive holds " + item.table() + ":" + item.kind())
                        .contains(item.table() + " " + item.attributes().get("pk") + " "
                                + item.attributes().get("sk"));
            }
            assertThat(archive.toString())
                    .contains(email.toLowerCase(Locale.ROOT), name)
                    .doesNotContain("passwordHash");
            assertThat(archive.path("modelProviders").valueStream().map(JsonNode::asString))
                    .isNotEmpty();
            assertThat(archive.path("recipients").valueStream().map(JsonNode::asString))
                    .contains("Stripe");

            // What a backup of the auth table would hold: their email, under their own key.
            String emailCipher = dynamoDb.getItem(r -> r.tableName("AuthTable")
                            .key(Map.of(
                                    "pk", AttributeValue.fromS("USER#" + userId),
                                    "sk", AttributeValue.fromS("PROFILE"))))
                    .item()
                    .get("emailCipher")
                    .s();
            assertThat(emailCipher).startsWith("v2." + cipher.personKeyId(userId) + ".");

            // Erasure: no item of any table names them; the payment is kept, restricted, naming no one.
            carriedOut(client, token, admin, "erasure");
            PersonalDataCipher afterwards = new PersonalDataCipher(
                    Base64.getDecoder().decode(LocalSecrets.load(dataDir).personalDataKey()),
                    new PersonKeys(dynamoDb, "DataKeyTable"),
                    Clock.systemUTC());
            assertThatThrownBy(() -> afterwards.decrypt(emailCipher, "user:" + userId + ":email"))
                    .as("the copy a backup keeps is unreadable: the key is destroyed")
                    .hasMessageContaining("destroyed");
            assertThat(namedBy(dynamoDb, userId, emailIndex, email.toLowerCase(Locale.ROOT), name))
                    .isEmpty();
            var payment = payments(dynamoDb, personal);
            assertThat(payment).hasSize(1);
            assertThat(payment.getFirst().get("restricted").bool()).isTrue();
            assertThat(payment.getFirst().get("amount").n()).isEqualTo("4900");
        }
        assertThat(Outbox.mailTo(dataDir, email))
                .anySatisfy(
                        m -> assertThat(m.path("subject").asString()).isEqualTo("Your erasure request is carried out"));
        assertThat(new ApiClient(api.port())
                        .post(
                                "/api/v1/auth/login",
                                "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}",
                                null)
                        .status())
                .isEqualTo(401);
        assertThat(client.get("/api/v1/auth/me", token).status()).isEqualTo(401);
        assertThat(client.get("/api/v1/auth/me", apiKey).status()).isEqualTo(401);
        assertThat(client.post("/api/v1/auth/refresh", "{\"refresh_token\":\"" + refresh + "\"}", null)
                        .status())
                .isEqualTo(401);
    }

    /**
     * The migration: a value written under the service key before the people's keys existed is
     * moved under its person's key by the family's privacy function ({@code rekey}), once, and
     * still reads the same.
     */
    @Test
    void theRekeyMovesServiceKeyValuesUnderTheirPeoplesKeys() throws Exception {
        ApiClient client = new ApiClient(api.port());
        String token = client.account(unique("rekey"), "correct horse battery").field("access_token");
        String userId = client.get("/api/v1/auth/me", token).field("id");
        Map<String, AttributeValue> profile =
                Map.of("pk", AttributeValue.fromS("USER#" + userId), "sk", AttributeValue.fromS("PROFILE"));
        try (DynamoDbClient dynamoDb = dynamoDb()) {
            PersonalDataCipher cipher = new PersonalDataCipher(
                    Base64.getDecoder().decode(LocalSecrets.load(dataDir).personalDataKey()),
                    new PersonKeys(dynamoDb, "DataKeyTable"),
                    Clock.systemUTC());
            String old = cipher.encrypt("Before The Keys", "user:" + userId + ":displayName");
            dynamoDb.updateItem(r -> r.tableName("AuthTable")
                    .key(profile)
                    .updateExpression("SET nameCipher = :old")
                    .expressionAttributeValues(Map.of(":old", AttributeValue.fromS(old))));
            assertThat(client.get("/api/v1/auth/me", token).field("displayName"))
                    .isEqualTo("Before The Keys");

            JsonNode moved = Json.tree(api.invoke("AuthPrivacyFunction", "{\"action\":\"rekey\"}".getBytes()));
            assertThat(moved.path("found").asInt()).as(moved.toString()).isPositive();
            String now = dynamoDb.getItem(r -> r.tableName("AuthTable").key(profile))
                    .item()
                    .get("nameCipher")
                    .s();
            assertThat(now).startsWith("v2." + cipher.personKeyId(userId) + ".");
            assertThat(client.get("/api/v1/auth/me", token).field("displayName"))
                    .isEqualTo("Before The Keys");
            JsonNode again = Json.tree(api.invoke("AuthPrivacyFunction", "{\"action\":\"rekey\"}".getBytes()));
            assertThat(again.path("found").asInt())
                    .as("nothing left under the service key")
                    .isZero();
        }
    }

    /** Makes a request of the type, has it approved, and waits until the state machine completes it. */
    private static String carriedOut(ApiClient client, String token, String admin, String type) throws Exception {
        Answer created = client.post("/api/v1/gdpr/requests", "{\"type\":\"" + type + "\"}", token);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String id = created.field("id");
        Answer approved = client.post("/api/v1/gdpr/requests/" + id + "/approve", null, admin);
        assertThat(approved.status()).as(approved.raw()).isEqualTo(200);
        for (int i = 0; i < 300; i++) {
            Answer request = client.get("/api/v1/gdpr/requests/" + id, admin);
            assertThat(request.field("status")).as(request.raw()).isNotEqualTo("error");
            if (request.field("status").equals("complete")) {
                return id;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the " + type + " request was not carried out");
    }

    /** The archive, through the link the person is given (a presigned GET of the local S3), which refuses a forged one. */
    private static JsonNode download(ApiClient client, String token, String requestId) throws Exception {
        Answer link = client.get("/api/v1/gdpr/requests/" + requestId + "/archive", token);
        assertThat(link.status()).as(link.raw()).isEqualTo(200);
        URI url = URI.create(link.field("url"));
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> forged = http.send(
                    HttpRequest.newBuilder(URI.create(url.toString().replace("X-Amz-Expires=", "X-Amz-Expires=9")))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(forged.statusCode()).isEqualTo(403);
            HttpResponse<byte[]> archive =
                    http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(archive.statusCode()).isEqualTo(200);
            assertThat(archive.headers().firstValue("content-disposition").orElse(""))
                    .contains("attachment");
            return Json.tree(archive.body());
        }
    }

    private static void awaitRun(ApiClient client, String token, String path) throws Exception {
        for (int i = 0; i < 300; i++) {
            String status = client.get(path, token).field("status");
            if (!Set.of("starting", "running", "awaiting_approval").contains(status)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the run did not end");
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

    /** Every item of every table whose keys or values contain any of the values (a user id, blind index, email, name). */
    private static List<String> namedBy(DynamoDbClient dynamoDb, String... values) {
        List<String> naming = new ArrayList<>();
        for (String table : dynamoDb.listTables().tableNames()) {
            dynamoDb.scanPaginator(r -> r.tableName(table)).items().forEach(item -> {
                String text = item.toString();
                for (String value : values) {
                    if (text.contains(value)) {
                        naming.add(table + " " + item.get("pk").s() + " " + item.get("sk"));
                    }
                }
            });
        }
        return naming;
    }
}

package app.devskyy.local;

import static app.devskyy.local.ApiClient.unique;
import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.testing.Events;
import app.devskyy.local.ApiClient.Answer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.databind.JsonNode;

/**
 * Data subject requests through the local API, before their processing: identity by a fresh
 * login, the month's deadline and one extension told to the person, the privacy admins' queue by
 * due date, approval, denial with its reason, cancellation, each change audited, the person
 * emailed (the local outbox).
 */
class DataSubjectRequestsTest {

    private static final String PASSWORD = "correct horse battery";

    @TempDir
    static Path dataDir;

    static LocalApi api;

    @BeforeAll
    static void start() throws IOException {
        // A short window, so that a session can be shown to go stale within the test.
        api = LocalApi.start(new LocalApi.Options(
                0,
                dataDir,
                Events.repositoryRoot().resolve("template.yaml"),
                Map.of("GDPR_FRESH_LOGIN_SECONDS", "5", "CONSENT_CACHE_SECONDS", "0")));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private record Person(ApiClient client, String email, String token, String refresh, String userId) {}

    private static Person person() throws IOException {
        ApiClient client = new ApiClient(api.port());
        String email = unique("dsr");
        Answer login = client.account(email, PASSWORD);
        String token = login.field("access_token");
        return new Person(
                client,
                email,
                token,
                login.field("refresh_token"),
                client.get("/api/v1/auth/me", token).field("id"));
    }

    private static String login(Person person) throws IOException {
        return person.client()
                .post(
                        "/api/v1/auth/login",
                        "{\"email\":\"" + person.email() + "\",\"password\":\"" + PASSWORD + "\"}",
                        null)
                .field("access_token");
    }

    private static String admin() throws IOException {
        Person operator = person();
        UsingLocalApi.grantPlatformRole(api, operator.userId(), "admin");
        return operator.client()
                .post("/api/v1/auth/refresh", "{\"refresh_token\":\"" + operator.refresh() + "\"}", null)
                .field("access_token");
    }

    private static Answer post(Person person, String path, String json, String token) throws IOException {
        return person.client().send("POST", path, json, token, "application/json");
    }

    private static List<JsonNode> mailTo(String email) throws IOException {
        return Outbox.mailTo(dataDir, email);
    }

    /** The actions of the person's account audit log, as stored. */
    private static List<String> accountAudit(String userId) {
        try (DynamoDbClient dynamoDb = UsingLocalApi.dynamoDb(api)) {
            return dynamoDb
                    .query(r -> r.tableName("AuditTable")
                            .keyConditionExpression("pk = :pk")
                            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("USER#" + userId))))
                    .items()
                    .stream()
                    .map(item -> item.get("action").s())
                    .toList();
        }
    }

    @Test
    void aRequestIsReceivedDueInAMonthExtendedOnceAndCanceledEachStepAuditedAndTold() throws Exception {
        Person person = person();
        Answer created = post(
                person,
                "/api/v1/gdpr/requests",
                "{\"type\":\"erasure\",\"details\":\"Everything, please.\"}",
                person.token());
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.field("status"))
                .as("a fresh login verifies the person")
                .isEqualTo("pending");
        assertThat(created.field("verifiedVia")).isEqualTo("fresh-login");
        Instant received = Instant.parse(created.field("receivedAt"));
        assertThat(Instant.parse(created.field("dueAt")))
                .isEqualTo(received.atZone(ZoneOffset.UTC).plusMonths(1).toInstant());
        assertThat(created.raw()).as("details are the person's, not shown back").doesNotContain("Everything, please.");
        String id = created.field("id");
        assertThat(created.headers().get("location")).endsWith(id);
        assertThat(mailTo(person.email()))
                .anySatisfy(
                        m -> assertThat(m.path("subject").asString()).isEqualTo("We received your erasure request"));

        assertThat(post(person, "/api/v1/gdpr/requests", "{\"type\":\"erasure\"}", person.token())
                        .status())
                .as("one open request of a kind")
                .isEqualTo(409);
        assertThat(person.client()
                        .get("/api/v1/gdpr/requests", person.token())
                        .body()
                        .at("/requests/0/id")
                        .asString())
                .isEqualTo(id);
        Person stranger = person();
        assertThat(stranger.client()
                        .get("/api/v1/gdpr/requests/" + id, stranger.token())
                        .status())
                .isEqualTo(404);
        assertThat(stranger.client()
                        .get("/api/v1/gdpr/admin/requests", stranger.token())
                        .status())
                .isEqualTo(403);
        assertThat(post(stranger, "/api/v1/gdpr/requests/" + id + "/approve", null, stranger.token())
                        .status())
                .isEqualTo(403);

        String admin = admin();
        JsonNode queue = person.client()
                .get("/api/v1/gdpr/admin/requests?limit=100", admin)
                .body()
                .path("requests");
        assertThat(queue.valueStream().map(r -> r.path("id").asString())).contains(id);
        List<Instant> due = queue.valueStream()
                .map(r -> Instant.parse(r.path("dueAt").asString()))
                .toList();
        assertThat(due).as("soonest due first").isSorted();

        Answer extended = post(
                person,
                "/api/v1/gdpr/requests/" + id + "/extend",
                "{\"months\":2,\"reason\":\"The request covers years of agent runs.\"}",
                admin);
        assertThat(extended.status()).as(extended.raw()).isEqualTo(200);
        assertThat(Instant.parse(extended.field("extendedTo")))
                .isEqualTo(Instant.parse(created.field("dueAt"))
                        .atZone(ZoneOffset.UTC)
                        .plusMonths(2)
                        .toInstant());
        assertThat(post(
                                person,
                                "/api/v1/gdpr/requests/" + id + "/extend",
                                "{\"months\":1,\"reason\":\"And another month, please.\"}",
                                admin)
                        .status())
                .as("once")
                .isEqualTo(409);
        assertThat(mailTo(person.email())).anySatisfy(m -> {
            assertThat(m.path("subject").asString()).isEqualTo("More time for your erasure request");
            assertThat(m.path("text").asString()).contains("years of agent runs");
        });

        Answer canceled = post(person, "/api/v1/gdpr/requests/" + id + "/cancel", null, person.token());
        assertThat(canceled.field("status")).isEqualTo("canceled");
        assertThat(post(person, "/api/v1/gdpr/requests/" + id + "/cancel", null, person.token())
                        .status())
                .isEqualTo(409);
        assertThat(post(person, "/api/v1/gdpr/requests/" + id + "/approve", null, admin)
                        .status())
                .as("a canceled request is not approved")
                .isEqualTo(409);
        assertThat(person.client()
                        .get("/api/v1/gdpr/admin/requests?limit=100", admin)
                        .body()
                        .path("requests")
                        .valueStream()
                        .map(r -> r.path("id").asString()))
                .as("a closed request leaves the queue")
                .doesNotContain(id);
        assertThat(accountAudit(person.userId()))
                .contains(
                        "gdpr.request.received:erasure",
                        "gdpr.request.extended:erasure",
                        "gdpr.request.canceled:erasure");
    }

    @Test
    void anErasureWaitsWhileThePersonIsTheOnlyAdminOfAWorkspaceWithOtherMembers() throws Exception {
        Person owner = person();
        Person member = person();
        String admin = admin();
        Answer workspace = post(owner, "/api/v1/auth/workspaces", "{\"name\":\"Shared\"}", owner.token());
        assertThat(workspace.status()).as(workspace.raw()).isEqualTo(201);
        String workspaceId = workspace.field("id");
        assertThat(post(
                                owner,
                                "/api/v1/auth/workspaces/" + workspaceId + "/members",
                                "{\"email\":\"" + member.email() + "\",\"role\":\"developer\"}",
                                owner.token())
                        .status())
                .isEqualTo(201);
        Answer created = post(owner, "/api/v1/gdpr/requests", "{\"type\":\"erasure\"}", owner.token());
        String id = created.field("id");
        assertThat(created.body()
                        .path("prerequisites")
                        .get(0)
                        .path("workspaceId")
                        .asString())
                .as("the request says what must happen first")
                .isEqualTo(workspaceId);

        Answer blocked = post(owner, "/api/v1/gdpr/requests/" + id + "/approve", null, admin);
        assertThat(blocked.status()).as(blocked.raw()).isEqualTo(409);
        assertThat(blocked.field("type")).endsWith("/erasure-blocked");
        assertThat(blocked.field("detail")).contains(workspaceId).contains("another member an admin");
        assertThat(owner.client()
                        .get("/api/v1/gdpr/requests/" + id, owner.token())
                        .field("status"))
                .as("nothing ran")
                .isEqualTo("pending");
        assertThat(owner.client().get("/api/v1/auth/me", owner.token()).status())
                .isEqualTo(200);
    }

    @Test
    void anApprovedRestrictionStopsModelCallsAndRunsForThePersonUntilItIsLifted() throws Exception {
        Person person = person();
        String workspace = person.client()
                .get("/api/v1/auth/workspaces", person.token())
                .body()
                .at("/workspaces/0/id")
                .asString();
        String chat = "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello.\"}]}";
        Map<String, String> named = Map.of("x-workspace-id", workspace);
        assertThat(person.client()
                        .send("POST", "/api/v1/llm/chat/completions", chat, person.token(), "application/json", named)
                        .status())
                .isEqualTo(200);
        String id = post(person, "/api/v1/gdpr/requests", "{\"type\":\"restriction\"}", person.token())
                .field("id");
        String admin = admin();
        Answer carriedOut = post(person, "/api/v1/gdpr/requests/" + id + "/approve", null, admin);
        assertThat(carriedOut.field("status")).as("carried out at once").isEqualTo("complete");

        Answer refused = person.client()
                .send("POST", "/api/v1/llm/chat/completions", chat, person.token(), "application/json", named);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body().at("/error/code").asString())
                .as("in OpenAI's error shape")
                .isEqualTo("processing_restricted");
        Answer run = person.client()
                .send(
                        "POST",
                        "/api/v1/agents/workspaces/" + workspace + "/runs",
                        "{\"agent\":\"support\",\"goal\":\"Answer.\"}",
                        person.token(),
                        "application/json");
        assertThat(run.status()).isEqualTo(403);
        assertThat(run.field("type")).endsWith("/processing-restricted");
        assertThat(mailTo(person.email()))
                .anySatisfy(m ->
                        assertThat(m.path("subject").asString()).isEqualTo("Your restriction request is carried out"));

        assertThat(post(person, "/api/v1/gdpr/requests/" + id + "/lift", null, person.token())
                        .status())
                .as("privacy admins only")
                .isEqualTo(403);
        assertThat(post(person, "/api/v1/gdpr/requests/" + id + "/lift", null, admin)
                        .status())
                .isEqualTo(200);
        assertThat(person.client()
                        .send("POST", "/api/v1/llm/chat/completions", chat, person.token(), "application/json", named)
                        .status())
                .as("processed again")
                .isEqualTo(200);
        assertThat(accountAudit(person.userId()))
                .contains("gdpr.request.complete:restriction", "gdpr.restriction.lifted");
    }

    @Test
    void theDetailedHealthDocumentCountsTheRequestsPastTheirDeadline() throws Exception {
        String admin = admin();
        ApiClient client = new ApiClient(api.port());
        long before = overdue(client, admin);
        // Arranged as a request received two months ago would stand, open and unanswered.
        long dueAt = Instant.now().minusSeconds(30L * 86_400).toEpochMilli();
        String id = "dsr_" + String.format("%012x", dueAt) + "0123456789abcdef";
        try (DynamoDbClient dynamoDb = UsingLocalApi.dynamoDb(api)) {
            dynamoDb.putItem(r -> r.tableName("GdprTable")
                    .item(Map.of(
                            "pk", AttributeValue.fromS("REQ#" + id),
                            "sk", AttributeValue.fromS("REQUEST"),
                            "requestId", AttributeValue.fromS(id),
                            "userId", AttributeValue.fromS("usr_overdue"),
                            "type", AttributeValue.fromS("access"),
                            "status", AttributeValue.fromS("pending"),
                            "queue", AttributeValue.fromS("OPEN"),
                            "queueKey", AttributeValue.fromS(String.format("%013d", dueAt) + "#" + id))));
        }
        assertThat(overdue(client, admin)).isEqualTo(before + 1);
        JsonNode check = client.get("/health/detailed", admin).body().at("/checks/gdpr:overdueRequests/0");
        assertThat(check.path("status").asString()).isEqualTo("warn");
        assertThat(client.get("/health", null).body().path("checks").has("gdpr:overdueRequests"))
                .as("for administrators only")
                .isFalse();
    }

    private static long overdue(ApiClient client, String admin) throws IOException {
        Answer detailed = client.get("/health/detailed", admin);
        assertThat(detailed.status()).as(detailed.raw()).isEqualTo(200);
        return detailed.body()
                .at("/checks/gdpr:overdueRequests/0/observedValue")
                .asLong();
    }

    @Test
    void aRequestByEmailIsConfirmedByTheLinkSentToTheAccountsAddressOnceAndTellsACallerNothing() throws Exception {
        Person person = person();
        ApiClient anyone = new ApiClient(api.port());
        String body = "{\"email\":\"" + person.email().toUpperCase(Locale.ROOT) + "\",\"type\":\"portability\"}";
        Answer asked = anyone.send("POST", "/api/v1/gdpr/requests/by-email", body, null, "application/json");
        assertThat(asked.status()).isEqualTo(202);
        String nobody = unique("nobody");
        Answer unknown = anyone.send(
                "POST",
                "/api/v1/gdpr/requests/by-email",
                "{\"email\":\"" + nobody + "\",\"type\":\"portability\"}",
                null,
                "application/json");
        assertThat(unknown.status()).isEqualTo(202);
        assertThat(unknown.raw())
                .as("the same answer, whether or not the address has an account")
                .isEqualTo(asked.raw());
        assertThat(mailTo(nobody)).isEmpty();

        JsonNode mail = mailTo(person.email()).stream()
                .filter(m -> m.path("subject").asString().equals("Confirm your portability request"))
                .findFirst()
                .orElseThrow();
        Matcher link = Pattern.compile("token=([A-Za-z0-9_-]{43})")
                .matcher(mail.path("text").asString());
        assertThat(link.find()).isTrue();
        JsonNode mine = person.client()
                .get("/api/v1/gdpr/requests", person.token())
                .body()
                .at("/requests/0");
        assertThat(mine.path("status").asString()).isEqualTo("identity_unverified");

        String confirm = "{\"token\":\"" + link.group(1) + "\"}";
        Answer confirmed = anyone.send("POST", "/api/v1/gdpr/requests/confirm", confirm, null, "application/json");
        assertThat(confirmed.status()).as(confirmed.raw()).isEqualTo(200);
        assertThat(confirmed.field("status")).isEqualTo("pending");
        assertThat(confirmed.field("verifiedVia")).isEqualTo("email-link");
        Answer again = anyone.send("POST", "/api/v1/gdpr/requests/confirm", confirm, null, "application/json");
        assertThat(again.status()).as("once").isEqualTo(400);
        assertThat(again.field("type")).endsWith("/invalid-token");
    }

    @Test
    void aStaleSessionLeavesTheRequestUnverifiedUntilAFreshLoginAndADenialTellsTheReason() throws Exception {
        Person person = person();
        Thread.sleep(6_000);
        Answer created = post(person, "/api/v1/gdpr/requests", "{\"type\":\"access\"}", person.token());
        assertThat(created.field("status")).isEqualTo("identity_unverified");
        String id = created.field("id");
        Answer stale = post(person, "/api/v1/gdpr/requests/" + id + "/verify", null, person.token());
        assertThat(stale.status()).isEqualTo(403);
        assertThat(stale.field("type")).endsWith("/fresh-login-required");
        Answer verified = post(person, "/api/v1/gdpr/requests/" + id + "/verify", null, login(person));
        assertThat(verified.field("status")).isEqualTo("pending");

        String admin = admin();
        assertThat(post(person, "/api/v1/gdpr/requests/" + id + "/deny", "{\"reason\":\"short\"}", admin)
                        .status())
                .as("a reason the person can read")
                .isEqualTo(422);
        Answer denied = post(
                person,
                "/api/v1/gdpr/requests/" + id + "/deny",
                "{\"reason\":\"We could not tell that this account is yours.\"}",
                admin);
        assertThat(denied.field("status")).isEqualTo("denied");
        assertThat(denied.field("denialReason")).contains("could not tell");
        assertThat(mailTo(person.email())).anySatisfy(m -> {
            assertThat(m.path("text").asString()).contains("could not tell").contains("supervisory authority");
        });
        String fresh = login(person);
        String workspace = person.client()
                .get("/api/v1/auth/workspaces", fresh)
                .body()
                .at("/workspaces/0/id")
                .asString();
        String key = person.client()
                .post(
                        "/api/v1/auth/workspaces/" + workspace + "/api-keys",
                        "{\"name\":\"ci\",\"role\":\"admin\"}",
                        fresh)
                .field("key");
        assertThat(person.client()
                        .send("POST", "/api/v1/gdpr/requests", "{\"type\":\"erasure\"}", key, "application/json")
                        .status())
                .as("a request is the person's own")
                .isEqualTo(403);
    }
}

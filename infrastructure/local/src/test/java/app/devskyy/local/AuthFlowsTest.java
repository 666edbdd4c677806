package app.devskyy.local;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.local.ApiClient.Answer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The auth family end to end through the local API: real sockets, FunctionInvoker, DynamoDB
 * Local. Each test calls from its own loopback address (127.0.0.x), so that the per-IP rate limits
 * of one test do not spill into another.
 */
class AuthFlowsTest extends UsingLocalApi {

    ApiClient client;
    String ip;

    @BeforeEach
    void caller() {
        client = new ApiClient(api.port());
        ip = client.ip;
    }

    private Answer send(String method, String path, String json, String token, String contentType) throws IOException {
        return client.send(method, path, json, token, contentType);
    }

    private Answer post(String path, String json, String token) throws IOException {
        return client.post(path, json, token);
    }

    private Answer get(String path, String token) throws IOException {
        return client.get(path, token);
    }

    private static String unique(String name) {
        return name + "+" + System.nanoTime() + "@example.com";
    }

    private String signup(String email, String password) throws IOException {
        Answer created = post(
                "/api/v1/auth/signup",
                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\",\"displayName\":\"Test User\"}",
                null);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.field("id");
    }

    private Answer login(String email, String password) throws IOException {
        return post("/api/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", null);
    }

    private Answer refresh(String token) throws IOException {
        return post("/api/v1/auth/refresh", "{\"refresh_token\":\"" + token + "\"}", null);
    }

    @Test
    void signupLoginAndMe() throws Exception {
        String email = unique("Ada");
        String userId = signup(email, "correct horse battery");
        Answer tokens = login(email.toUpperCase(), "correct horse battery");
        assertThat(tokens.status()).isEqualTo(200);
        assertThat(tokens.field("token_type")).isEqualTo("Bearer");
        assertThat(tokens.body().path("expires_in").asInt()).isEqualTo(900);
        Answer me = get("/api/v1/auth/me", tokens.field("access_token"));
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.field("id")).isEqualTo(userId);
        assertThat(me.field("email")).isEqualTo(email.toLowerCase());
        assertThat(me.body().path("workspaces").get(0).path("role").asString()).isEqualTo("admin");
    }

    @Test
    void emailsAreUniqueWhateverTheirCase() throws Exception {
        String email = unique("Grace");
        signup(email, "correct horse battery");
        Answer again = post(
                "/api/v1/auth/signup",
                "{\"email\":\"" + email.toUpperCase()
                        + "\",\"password\":\"another good passphrase\",\"displayName\":\"G\"}",
                null);
        assertThat(again.status()).isEqualTo(409);
    }

    @Test
    void anIndependentLibraryVerifiesAccessTokensWithTheServedJwks() throws Exception {
        String email = unique("Jwks");
        signup(email, "correct horse battery");
        String accessToken = login(email, "correct horse battery").field("access_token");
        Answer jwks = get("/.well-known/jwks.json", null);
        assertThat(jwks.headers().get("cache-control")).contains("public");
        assertThat(jwks.raw()).doesNotContain("\"d\"");
        var claims = new JwtConsumerBuilder()
                .setVerificationKeyResolver(
                        new JwksVerificationKeyResolver(new JsonWebKeySet(jwks.raw()).getJsonWebKeys()))
                .setExpectedIssuer("http://localhost:" + api.port())
                .setExpectedAudience("devskyy-api")
                .setExpectedType(true, "at+jwt")
                .setRequireExpirationTime()
                .build()
                .processToClaims(accessToken);
        assertThat(claims.getSubject()).startsWith("usr_");
    }

    @Test
    void unknownEmailAndWrongPasswordGetTheSameAnswer() throws Exception {
        String email = unique("Enum");
        signup(email, "correct horse battery");
        Answer wrongPassword = login(email, "not the password");
        Answer unknownEmail = login(unique("nobody"), "not the password");
        assertThat(wrongPassword.status()).isEqualTo(401).isEqualTo(unknownEmail.status());
        for (String member : List.of("type", "title", "detail")) {
            assertThat(wrongPassword.field(member)).isEqualTo(unknownEmail.field(member));
        }
    }

    private void assertLockedAfterFiveFailures(String email) throws IOException {
        for (int i = 0; i < 5; i++) {
            assertThat(login(email, "wrong password " + i).status()).isEqualTo(401);
        }
        Answer locked = login(email, "correct horse battery");
        assertThat(locked.status()).isEqualTo(429);
        assertThat(Integer.parseInt(locked.headers().get("retry-after"))).isBetween(1, 30);
    }

    @Test
    void fiveConsecutiveFailuresLockTheAccountEvenForTheRightPassword() throws Exception {
        String email = unique("Lock");
        signup(email, "correct horse battery");
        assertLockedAfterFiveFailures(email);
    }

    @Test
    void anUnknownEmailLocksAlikeSoALockRevealsNothing() throws Exception {
        assertLockedAfterFiveFailures(unique("ghost"));
    }

    @Test
    void loginIsLimitedTo10AMinutePerAddress() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertThat(login(unique("spray" + i), "some password").status()).isEqualTo(401);
        }
        Answer limited = login(unique("spray"), "some password");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.headers()).containsKey("retry-after");
    }

    @Test
    void refreshRotatesAndTheOldTokenIsAGraceRetryOnlyOnce() throws Exception {
        String email = unique("Rot");
        signup(email, "correct horse battery");
        String first = login(email, "correct horse battery").field("refresh_token");
        Answer second = refresh(first);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.field("refresh_token")).isNotEqualTo(first);
        // A client that lost the answer retries at once with the previous token: it gets the same new one.
        Answer retried = refresh(first);
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.field("refresh_token")).isEqualTo(second.field("refresh_token"));
        Answer third = refresh(second.field("refresh_token"));
        assertThat(third.status()).isEqualTo(200);
        // The first token again, now two generations old: reuse. The whole session ends.
        Answer reused = refresh(first);
        assertThat(reused.status()).isEqualTo(401);
        assertThat(reused.field("type")).endsWith("/refresh-token-reused");
        assertThat(refresh(third.field("refresh_token")).status()).isEqualTo(401);
        assertThat(get("/api/v1/auth/me", third.field("access_token")).status()).isEqualTo(401);
    }

    @Test
    void concurrentRefreshesOfOneTokenRotateItExactlyOnce() throws Exception {
        String email = unique("Race");
        signup(email, "correct horse battery");
        String token = login(email, "correct horse battery").field("refresh_token");
        List<Callable<Answer>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            calls.add(() -> refresh(token));
        }
        Set<String> issued = new HashSet<>();
        try (var executor = Executors.newFixedThreadPool(6)) {
            for (Future<Answer> answer : executor.invokeAll(calls)) {
                assertThat(answer.get().status()).isEqualTo(200);
                issued.add(answer.get().field("refresh_token"));
            }
        }
        assertThat(issued).hasSize(1);
        assertThat(refresh(issued.iterator().next()).status()).isEqualTo(200);
    }

    @Test
    void malformedOrUnknownRefreshTokensAre401() throws Exception {
        assertThat(refresh("short").status()).isEqualTo(401);
        assertThat(refresh("A".repeat(43)).status()).isEqualTo(401);
        assertThat(post("/api/v1/auth/refresh", "{\"refresh_token\":\"" + "x".repeat(129) + "\"}", null)
                        .status())
                .isEqualTo(422);
    }

    @Test
    void logoutScopes() throws Exception {
        String email = unique("Out");
        signup(email, "correct horse battery");
        String one = login(email, "correct horse battery").field("access_token");
        String two = login(email, "correct horse battery").field("access_token");
        String three = login(email, "correct horse battery").field("access_token");
        assertThat(post("/api/v1/auth/logout", "{\"scope\":\"others\"}", one).status())
                .isEqualTo(204);
        assertThat(get("/api/v1/auth/me", one).status()).isEqualTo(200);
        assertThat(get("/api/v1/auth/me", two).status()).isEqualTo(401);
        assertThat(get("/api/v1/auth/me", three).status()).isEqualTo(401);
        assertThat(post("/api/v1/auth/logout", null, one).status()).isEqualTo(204);
        assertThat(get("/api/v1/auth/me", one).status()).isEqualTo(401);
        assertThat(post("/api/v1/auth/logout", "{\"scope\":\"everything\"}", one)
                        .status())
                .isEqualTo(401);
    }

    @Test
    void sessionsAreListedAndOnlyTheirOwnerEndsThem() throws Exception {
        String email = unique("Ses");
        signup(email, "correct horse battery");
        Answer first = login(email, "correct horse battery");
        Answer second = login(email, "correct horse battery");
        Answer listed = get("/api/v1/auth/sessions", first.field("access_token"));
        assertThat(listed.body().path("sessions")).hasSize(2);
        listed.body().path("sessions").forEach(s -> {
            assertThat(s.path("ip").asString()).isEqualTo(ip);
            assertThat(s.path("userAgent").asString()).isEqualTo("ApiClient/1.0");
            assertThat(s.path("current").asBoolean())
                    .isEqualTo(s.path("id").asString().equals(first.field("session_id")));
        });
        String stranger = unique("Stranger");
        signup(stranger, "correct horse battery");
        String strangerToken = login(stranger, "correct horse battery").field("access_token");
        assertThat(send(
                                "DELETE",
                                "/api/v1/auth/sessions/" + second.field("session_id"),
                                null,
                                strangerToken,
                                "application/json")
                        .status())
                .isEqualTo(404);
        assertThat(get("/api/v1/auth/me", second.field("access_token")).status())
                .isEqualTo(200);
        assertThat(send(
                                "DELETE",
                                "/api/v1/auth/sessions/" + second.field("session_id"),
                                null,
                                first.field("access_token"),
                                "application/json")
                        .status())
                .isEqualTo(204);
        assertThat(get("/api/v1/auth/me", second.field("access_token")).status())
                .isEqualTo(401);
    }

    @Test
    void ofTwoConcurrentPasswordChangesFromTheSamePasswordOnlyOneSucceeds() throws Exception {
        String email = unique("PwRace");
        signup(email, "correct horse battery");
        String token = login(email, "correct horse battery").field("access_token");
        List<Callable<Answer>> calls = new ArrayList<>();
        for (String next : List.of("first new passphrase", "second new passphrase")) {
            calls.add(() -> post(
                    "/api/v1/auth/password/change",
                    "{\"currentPassword\":\"correct horse battery\",\"newPassword\":\"" + next + "\"}",
                    token));
        }
        List<Integer> statuses = new ArrayList<>();
        try (var executor = Executors.newFixedThreadPool(2)) {
            for (Future<Answer> answer : executor.invokeAll(calls)) {
                statuses.add(answer.get().status());
            }
        }
        assertThat(statuses).containsOnlyOnce(204).doesNotContain(500);
        assertThat(statuses.stream().filter(status -> status != 204).toList())
                .allMatch(status -> status == 409 || status == 403);
        int accepted = (login(email, "first new passphrase").status() == 200 ? 1 : 0)
                + (login(email, "second new passphrase").status() == 200 ? 1 : 0);
        assertThat(accepted).isEqualTo(1);
    }

    @Test
    void passwordChangeNeedsTheCurrentOneAndEndsOtherSessions() throws Exception {
        String email = unique("Pw");
        signup(email, "correct horse battery");
        String mine = login(email, "correct horse battery").field("access_token");
        String other = login(email, "correct horse battery").field("access_token");
        assertThat(post(
                                "/api/v1/auth/password/change",
                                "{\"currentPassword\":\"wrong one\",\"newPassword\":\"another long passphrase\"}",
                                mine)
                        .status())
                .isEqualTo(403);
        Answer weak = post(
                "/api/v1/auth/password/change",
                "{\"currentPassword\":\"correct horse battery\",\"newPassword\":\"password123\"}",
                mine);
        assertThat(weak.status()).isEqualTo(422);
        assertThat(weak.body().path("errors").get(0).path("pointer").asString()).isEqualTo("/newPassword");
        assertThat(post(
                                "/api/v1/auth/password/change",
                                "{\"currentPassword\":\"correct horse battery\",\"newPassword\":\"another long passphrase\"}",
                                mine)
                        .status())
                .isEqualTo(204);
        assertThat(get("/api/v1/auth/me", mine).status()).isEqualTo(200);
        assertThat(get("/api/v1/auth/me", other).status()).isEqualTo(401);
        assertThat(login(email, "correct horse battery").status()).isEqualTo(401);
        assertThat(login(email, "another long passphrase").status()).isEqualTo(200);
    }

    @Test
    void displayNameChanges() throws Exception {
        String email = unique("Name");
        signup(email, "correct horse battery");
        String token = login(email, "correct horse battery").field("access_token");
        Answer patched =
                send("PATCH", "/api/v1/auth/me", "{\"displayName\":\"  Augusta  \"}", token, "application/json");
        assertThat(patched.status()).isEqualTo(200);
        assertThat(get("/api/v1/auth/me", token).field("displayName")).isEqualTo("Augusta");
        // The rectification is recorded in the person's audit log, by field, without the value.
        String userId = get("/api/v1/auth/me", token).field("id");
        try (DynamoDbClient dynamoDb = dynamoDb()) {
            List<Map<String, AttributeValue>> events = dynamoDb.query(r -> r.tableName("AuditTable")
                            .keyConditionExpression("pk = :pk")
                            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("USER#" + userId))))
                    .items();
            assertThat(events)
                    .anySatisfy(e -> assertThat(e.get("action").s()).isEqualTo("profile_rectified:displayName"));
            assertThat(events.toString()).doesNotContain("Augusta");
        }
        assertThat(send("PATCH", "/api/v1/auth/me", "{\"displayName\":\"   \"}", token, "application/json")
                        .status())
                .isEqualTo(422);
        assertThat(send("PATCH", "/api/v1/auth/me", "{\"email\":\"x@y.z\"}", token, "application/json")
                        .status())
                .isEqualTo(422);
    }

    @Test
    void signupIsLimitedTo5AMinutePerAddress() throws Exception {
        for (int i = 0; i < 5; i++) {
            signup(unique("Burst" + i), "correct horse battery");
        }
        Answer limited = post(
                "/api/v1/auth/signup",
                "{\"email\":\"" + unique("Burst") + "\",\"password\":\"correct horse battery\","
                        + "\"displayName\":\"B\"}",
                null);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(Integer.parseInt(limited.headers().get("retry-after"))).isBetween(1, 60);
    }

    /** Sends bad signup bodies (at most 5: the per-address signup limit) and checks that none created the account. */
    private void assertBadSignups(String email, List<String[]> bodies) throws IOException {
        for (String[] body : bodies) {
            Answer answer = body[0].startsWith("email=")
                    ? send("POST", "/api/v1/auth/signup", body[0], null, "application/x-www-form-urlencoded")
                    : post("/api/v1/auth/signup", body[0], null);
            assertThat(answer.status()).as(body[0]).isEqualTo(Integer.parseInt(body[1]));
            assertThat(answer.headers().get("content-type")).isEqualTo("application/problem+json");
            assertThat(answer.field("requestId")).isEqualTo(answer.headers().get("x-request-id"));
        }
        assertThat(login(email, "correct horse battery").status()).isEqualTo(401);
    }

    @Test
    void malformedSignupsAreRefusedAndWriteNothing() throws Exception {
        String email = unique("Bad");
        assertBadSignups(
                email,
                List.of(
                        new String[] {"{\"email\":", "400"},
                        new String[] {
                            "[{\"email\":\"" + email
                                    + "\",\"password\":\"correct horse battery\",\"displayName\":\"x\"}]",
                            "422"
                        },
                        new String[] {"email=" + email, "415"},
                        new String[] {
                            "{\"email\":\"" + email + "\",\"password\":\"short\",\"displayName\":\"x\"}", "422"
                        }));
    }

    @Test
    void invalidSignupFieldsAreRefusedAndWriteNothing() throws Exception {
        String email = unique("Bad2");
        assertBadSignups(
                email,
                List.of(
                        new String[] {
                            "{\"email\":\"not-an-email\",\"password\":\"correct horse battery\",\"displayName\":\"x\"}",
                            "422"
                        },
                        new String[] {
                            "{\"email\":\"" + email
                                    + "\",\"password\":\"correct horse battery\",\"displayName\":\"x\",\"role\":\"super_admin\"}",
                            "422"
                        },
                        new String[] {
                            "{\"email\":\"" + email + "\",\"password\":\"password1234\",\"displayName\":\"x\"}", "422"
                        },
                        new String[] {
                            "{\"email\":\"" + email
                                    + "\",\"password\":\"correct horse battery\",\"displayName\":\" \"}",
                            "422"
                        }));
    }

    @Test
    void badInputOnTheOtherRoutesIsA4xxProblem() throws Exception {
        for (String path : List.of(
                "/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout", "/api/v1/auth/password/change")) {
            Answer malformed = post(path, "{", "x");
            assertThat(malformed.status()).as(path).isBetween(400, 499);
            assertThat(malformed.headers().get("content-type")).isEqualTo("application/problem+json");
        }
        assertThat(post("/api/v1/auth/login", "{\"email\":\"a@b.co\"}", null).status())
                .isEqualTo(422);
        assertThat(post("/api/v1/auth/login", "[]", null).status()).isEqualTo(422);
        assertThat(get("/api/v1/auth/me", null).status()).isEqualTo(401);
        assertThat(get("/api/v1/auth/sessions", "not-a-token").status()).isEqualTo(401);
        assertThat(send("DELETE", "/api/v1/auth/me", null, null, "application/json")
                        .status())
                .isEqualTo(405);
        assertThat(get("/api/v1/auth/nothing/here", null).status()).isEqualTo(404);
    }

    @Test
    void personalDataAndSecretsAreNotStoredInTheClear() throws Exception {
        String email = unique("Clear");
        signup(email, "correct horse battery");
        assertThat(login(email, "correct horse battery").status()).isEqualTo(200);
        try (DynamoDbClient dynamoDb = dynamoDb()) {
            String everything =
                    dynamoDb.scan(r -> r.tableName("AuthTable")).items().toString();
            assertThat(everything)
                    .contains("USER#")
                    .contains("$argon2id$v=19$m=19456,t=2,p=1$")
                    .doesNotContain(email.toLowerCase())
                    .doesNotContain("correct horse battery")
                    .doesNotContain("ApiClient/1.0")
                    .doesNotContain("Test User");
        }
    }
}

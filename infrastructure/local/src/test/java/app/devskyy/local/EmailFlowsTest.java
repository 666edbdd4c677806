package app.devskyy.local;

import static app.devskyy.local.ApiClient.unique;
import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.local.ApiClient.Answer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.databind.JsonNode;

/** Email verification and password reset through the local API and its outbox. */
class EmailFlowsTest extends UsingLocalApi {

    private static final String PASSWORD = "correct horse battery";
    private static final Pattern TOKEN = Pattern.compile("token=([A-Za-z0-9_-]{43})");

    private static List<JsonNode> mailTo(String email) throws IOException {
        return Outbox.mailTo(dataDir, email);
    }

    private static String token(JsonNode mail) {
        Matcher matcher = TOKEN.matcher(mail.path("text").asString());
        assertThat(matcher.find()).as("a link with a token in " + mail).isTrue();
        return matcher.group(1);
    }

    @Test
    void signupSendsAVerificationLinkThatWorksOnce() throws Exception {
        ApiClient client = new ApiClient(api.port());
        String email = unique("Verify");
        String token = client.account(email, PASSWORD).field("access_token");
        assertThat(client.get("/api/v1/auth/me", token)
                        .body()
                        .path("emailVerified")
                        .asBoolean())
                .isFalse();
        List<JsonNode> mails = mailTo(email);
        assertThat(mails).hasSize(1);
        assertThat(mails.getFirst().path("subject").asString()).isEqualTo("Confirm your email address");
        assertThat(mails.getFirst().path("html").asString())
                .contains("<a href=\"http://localhost:5173/verify-email?token=");
        String link = token(mails.getFirst());
        Answer verified = client.post("/api/v1/auth/email/verify", "{\"token\":\"" + link + "\"}", null);
        assertThat(verified.status()).isEqualTo(200);
        assertThat(verified.body().path("emailVerified").asBoolean()).isTrue();
        // Tokens issued from now on say so.
        String fresh = client.post(
                        "/api/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}", null)
                .field("access_token");
        assertThat(new String(Base64.getUrlDecoder().decode(fresh.split("\\.")[1])))
                .contains("\"email_verified\":true");
        assertThat(client.post("/api/v1/auth/email/verify", "{\"token\":\"" + link + "\"}", null)
                        .status())
                .isEqualTo(400);
        assertThat(client.post("/api/v1/auth/email/verify/resend", null, token).status())
                .isEqualTo(409);
        // The outbox page lists it for a developer to click.
        Answer page = client.get("/docs/outbox", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.raw())
                .contains("Confirm your email address")
                .contains(email.toLowerCase())
                .contains("<a href=\"http://localhost:5173/verify-email?token=" + link + "\">");
    }

    @Test
    void resendIsLimitedToOnceAMinute() throws Exception {
        ApiClient client = new ApiClient(api.port());
        String email = unique("Resend");
        String token = client.account(email, PASSWORD).field("access_token");
        assertThat(client.post("/api/v1/auth/email/verify/resend", null, token).status())
                .isEqualTo(202);
        Answer limited = client.post("/api/v1/auth/email/verify/resend", null, token);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(mailTo(email)).hasSize(2);
    }

    @Test
    void passwordResetRevealsNothingAndEndsEverySession() throws Exception {
        ApiClient client = new ApiClient(api.port());
        String email = unique("Reset");
        String session = client.account(email, PASSWORD).field("access_token");
        Answer known = client.post("/api/v1/auth/password/forgot", "{\"email\":\"" + email + "\"}", null);
        Answer unknown = client.post("/api/v1/auth/password/forgot", "{\"email\":\"" + unique("nobody") + "\"}", null);
        assertThat(known.status()).isEqualTo(202).isEqualTo(unknown.status());
        assertThat(known.raw()).isEqualTo(unknown.raw());
        List<JsonNode> mails = mailTo(email);
        assertThat(mails).extracting(m -> m.path("subject").asString()).contains("Reset your DevSkyy password");
        String reset = token(mails.getLast());
        assertThat(client.post(
                                "/api/v1/auth/password/reset",
                                "{\"token\":\"" + reset + "\",\"newPassword\":\"password123\"}",
                                null)
                        .status())
                .isEqualTo(422);
        // A verification token does not reset a password.
        String verification = token(mails.getFirst());
        assertThat(client.post(
                                "/api/v1/auth/password/reset",
                                "{\"token\":\"" + verification + "\",\"newPassword\":\"another long passphrase\"}",
                                null)
                        .status())
                .isEqualTo(400);
        assertThat(client.post(
                                "/api/v1/auth/password/reset",
                                "{\"token\":\"" + reset + "\",\"newPassword\":\"another long passphrase\"}",
                                null)
                        .status())
                .isEqualTo(204);
        assertThat(client.get("/api/v1/auth/me", session).status()).isEqualTo(401);
        assertThat(client.post(
                                "/api/v1/auth/login",
                                "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}",
                                null)
                        .status())
                .isEqualTo(401);
        assertThat(client.post(
                                "/api/v1/auth/login",
                                "{\"email\":\"" + email + "\",\"password\":\"another long passphrase\"}",
                                null)
                        .status())
                .isEqualTo(200);
        assertThat(client.post(
                                "/api/v1/auth/password/reset",
                                "{\"token\":\"" + reset + "\",\"newPassword\":\"yet another passphrase\"}",
                                null)
                        .status())
                .isEqualTo(400);
    }

    @Test
    void anExpiredResetTokenIsRefused() throws Exception {
        ApiClient client = new ApiClient(api.port());
        String email = unique("Expired");
        client.account(email, PASSWORD);
        client.post("/api/v1/auth/password/forgot", "{\"email\":\"" + email + "\"}", null);
        String reset = token(mailTo(email).getLast());
        // Arrange: the hour has passed.
        try (var dynamoDb = dynamoDb()) {
            String hash = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(
                            MessageDigest.getInstance("SHA-256").digest(reset.getBytes(StandardCharsets.US_ASCII)));
            dynamoDb.updateItem(r -> r.tableName("AuthTable")
                    .key(Map.of(
                            "pk", AttributeValue.fromS("EMAILTOKEN#" + hash), "sk", AttributeValue.fromS("EMAILTOKEN")))
                    .updateExpression("SET expiresAt = :past")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(Map.of(
                            ":past", AttributeValue.fromN(Long.toString(System.currentTimeMillis() / 1000 - 1)))));
        }
        assertThat(client.post(
                                "/api/v1/auth/password/reset",
                                "{\"token\":\"" + reset + "\",\"newPassword\":\"another long passphrase\"}",
                                null)
                        .status())
                .isEqualTo(400);
        assertThat(client.post(
                                "/api/v1/auth/login",
                                "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}",
                                null)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void badInput() throws Exception {
        ApiClient client = new ApiClient(api.port());
        assertThat(client.post("/api/v1/auth/email/verify", "{\"token\":\"../../x\"}", null)
                        .status())
                .isEqualTo(400);
        assertThat(client.post("/api/v1/auth/email/verify", "{}", null).status())
                .isEqualTo(422);
        assertThat(client.post("/api/v1/auth/password/forgot", "{\"email\":", null)
                        .status())
                .isEqualTo(400);
        assertThat(client.post("/api/v1/auth/password/reset", "{\"token\":\"x\"}", null)
                        .status())
                .isEqualTo(422);
        assertThat(client.post("/api/v1/auth/email/verify/resend", null, null).status())
                .isEqualTo(401);
    }
}

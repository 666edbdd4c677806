package app.devskyy.local;

import static app.devskyy.local.ApiClient.unique;
import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.local.ApiClient.Answer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * TOTP second factor end to end through the local API, with codes computed here the way an
 * authenticator app computes them (an implementation independent of the server's).
 */
class MfaFlowsTest extends UsingLocalApi {

    private static final String PASSWORD = "correct horse battery";

    /** RFC 6238 as an authenticator app does it: base32 secret, HMAC-SHA-1, 6 digits, 30 s. */
    static String appCode(String base32Secret, long stepOffset) throws Exception {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        ByteBuffer secret = ByteBuffer.allocate(base32Secret.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (char c : base32Secret.toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                secret.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.array(), "HmacSHA1"));
        byte[] hash = mac.doFinal(ByteBuffer.allocate(8)
                .putLong(System.currentTimeMillis() / 30_000 + stepOffset)
                .array());
        int offset = hash[19] & 0xf;
        int value = ((hash[offset] & 0x7f) << 24)
                | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8)
                | (hash[offset + 3] & 0xff);
        return String.format("%06d", value % 1_000_000);
    }

    record Enrolled(
            ApiClient client, String email, String token, String factorId, String secret, List<String> recoveryCodes) {}

    /**
     * Signs up, enrolls TOTP and activates it with the current step's code; logins then use the
     * next step's code (within the one step of skew, and later than the step already used).
     */
    private static Enrolled enrolled(String name) throws Exception {
        ApiClient client = new ApiClient(api.port());
        String email = unique(name);
        String token = client.account(email, PASSWORD).field("access_token");
        Answer enrollment = client.post("/api/v1/auth/mfa/totp", null, token);
        assertThat(enrollment.status()).isEqualTo(201);
        assertThat(enrollment.field("otpauthUri"))
                .startsWith("otpauth://totp/DevSkyy:")
                .contains("secret=" + enrollment.field("secret"));
        assertThat(Base64.getDecoder().decode(enrollment.field("qrCode"))).startsWith(0x89, 'P', 'N', 'G');
        String factorId = enrollment.field("factorId");
        Answer verified = client.post(
                "/api/v1/auth/mfa/totp/" + factorId + "/verify",
                "{\"code\":\"" + appCode(enrollment.field("secret"), 0) + "\"}",
                token);
        assertThat(verified.status()).as(verified.raw()).isEqualTo(200);
        List<String> codes = new ArrayList<>();
        verified.body().path("recoveryCodes").forEach(c -> codes.add(c.asString()));
        return new Enrolled(client, email, token, factorId, enrollment.field("secret"), codes);
    }

    private static Answer login(Enrolled user) throws IOException {
        return user.client()
                .post(
                        "/api/v1/auth/login",
                        "{\"email\":\"" + user.email() + "\",\"password\":\"" + PASSWORD + "\"}",
                        null);
    }

    private static Answer challenge(Enrolled user, String challengeId, String field, String value) throws IOException {
        return user.client()
                .post(
                        "/api/v1/auth/mfa/challenge",
                        "{\"challengeId\":\"" + challengeId + "\",\"" + field + "\":\"" + value + "\"}",
                        null);
    }

    private static String claim(String jwt, String name) {
        String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        return Json.tree(payload.getBytes()).path(name).asString();
    }

    @Test
    void loginWithMfaNeedsTheSecondFactorAndYieldsAal2() throws Exception {
        Enrolled user = enrolled("Mfa");
        assertThat(user.recoveryCodes()).hasSize(10).doesNotHaveDuplicates();
        Answer first = login(user);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().path("mfaRequired").asBoolean()).isTrue();
        assertThat(Instant.parse(first.field("expiresAt"))).isAfter(Instant.now());
        assertThat(first.body().has("access_token")).isFalse();
        Answer wrong = challenge(
                user,
                first.field("challengeId"),
                "code",
                "000000".equals(appCode(user.secret(), 1)) ? "111111" : "000000");
        assertThat(wrong.status()).isEqualTo(401);
        String code = appCode(user.secret(), 1);
        Answer done = challenge(user, first.field("challengeId"), "code", code);
        assertThat(done.status()).as(done.raw()).isEqualTo(200);
        assertThat(claim(done.field("access_token"), "aal")).isEqualTo("aal2");
        // A challenge is single use, and a code is accepted once (the very same code string, replayed).
        assertThat(challenge(user, first.field("challengeId"), "code", code).status())
                .isEqualTo(401);
        Answer again = login(user);
        assertThat(challenge(user, again.field("challengeId"), "code", code).status())
                .isEqualTo(401);
        // Refreshing keeps the session's assurance level.
        Answer refreshed = user.client()
                .post("/api/v1/auth/refresh", "{\"refresh_token\":\"" + done.field("refresh_token") + "\"}", null);
        assertThat(claim(refreshed.field("access_token"), "aal")).isEqualTo("aal2");
    }

    @Test
    void recoveryCodesWorkOnceEachAndCanBeRegeneratedOnlyWithAal2() throws Exception {
        Enrolled user = enrolled("Recovery");
        String code = user.recoveryCodes().getFirst();
        Answer signedIn = challenge(user, login(user).field("challengeId"), "recoveryCode", code.toLowerCase());
        assertThat(signedIn.status()).as(signedIn.raw()).isEqualTo(200);
        assertThat(challenge(user, login(user).field("challengeId"), "recoveryCode", code)
                        .status())
                .isEqualTo(401);
        // The enrolment session is aal1: regenerating needs aal2.
        assertThat(user.client()
                        .post("/api/v1/auth/mfa/recovery-codes", null, user.token())
                        .status())
                .isEqualTo(403);
        Answer regenerated =
                user.client().post("/api/v1/auth/mfa/recovery-codes", null, signedIn.field("access_token"));
        assertThat(regenerated.status()).isEqualTo(200);
        assertThat(regenerated.body().path("recoveryCodes")).hasSize(10);
        assertThat(challenge(
                                user,
                                login(user).field("challengeId"),
                                "recoveryCode",
                                user.recoveryCodes().get(1))
                        .status())
                .isEqualTo(401);
        assertThat(challenge(
                                user,
                                login(user).field("challengeId"),
                                "recoveryCode",
                                regenerated.body().path("recoveryCodes").get(0).asString())
                        .status())
                .isEqualTo(200);
    }

    @Test
    void enrollingEndsOtherSessionsAndRemovingNeedsAFreshCode() throws Exception {
        ApiClient client = new ApiClient(api.port());
        String email = unique("Remove");
        String first = client.account(email, PASSWORD).field("access_token");
        String second = client.post(
                        "/api/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}", null)
                .field("access_token");
        Answer enrollment = client.post("/api/v1/auth/mfa/totp", null, first);
        String factorId = enrollment.field("factorId");
        assertThat(client.post("/api/v1/auth/mfa/totp/" + factorId + "/verify", "{\"code\":\"12345\"}", first)
                        .status())
                .isEqualTo(422);
        String activation = appCode(enrollment.field("secret"), 0);
        assertThat(client.post(
                                "/api/v1/auth/mfa/totp/" + factorId + "/verify",
                                "{\"code\":\"" + activation + "\"}",
                                first)
                        .status())
                .isEqualTo(200);
        assertThat(client.get("/api/v1/auth/me", second).status()).isEqualTo(401);
        assertThat(client.post("/api/v1/auth/mfa/totp", null, first).status()).isEqualTo(409);
        // The code used to activate the factor cannot remove it.
        assertThat(client.send(
                                "DELETE",
                                "/api/v1/auth/mfa/totp/" + factorId,
                                "{\"code\":\"" + activation + "\"}",
                                first,
                                "application/json")
                        .status())
                .isEqualTo(422);
        assertThat(client.send(
                                "DELETE",
                                "/api/v1/auth/mfa/totp/" + factorId,
                                "{\"code\":\"" + appCode(enrollment.field("secret"), 1) + "\"}",
                                first,
                                "application/json")
                        .status())
                .isEqualTo(204);
        Answer plain = client.post(
                "/api/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}", null);
        assertThat(plain.body().has("access_token")).isTrue();
        assertThat(claim(plain.field("access_token"), "aal")).isEqualTo("aal1");
    }

    @Test
    void wrongSecondFactorsCountInTheLockout() throws Exception {
        Enrolled user = enrolled("Guess");
        String challengeId = login(user).field("challengeId");
        String wrong = "000000".equals(appCode(user.secret(), 0))
                        || "000000".equals(appCode(user.secret(), -1))
                        || "000000".equals(appCode(user.secret(), 1))
                ? "999999"
                : "000000";
        for (int i = 0; i < 5; i++) {
            assertThat(challenge(user, challengeId, "code", wrong).status()).isEqualTo(401);
        }
        Answer locked = challenge(user, challengeId, "code", appCode(user.secret(), 1));
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.headers()).containsKey("retry-after");
    }

    @Test
    void withMfaOnApiKeysNeedAnAal2Session() throws Exception {
        Enrolled user = enrolled("Keys");
        String workspaceId = user.client()
                .get("/api/v1/auth/me", user.token())
                .body()
                .path("workspaces")
                .get(0)
                .path("id")
                .asString();
        String body = "{\"name\":\"CI\",\"role\":\"developer\"}";
        String keys = "/api/v1/auth/workspaces/" + workspaceId + "/api-keys";
        Answer refused = user.client().post(keys, body, user.token());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.field("type")).endsWith("/second-factor-required");
        String aal2 = challenge(user, login(user).field("challengeId"), "code", appCode(user.secret(), 1))
                .field("access_token");
        assertThat(user.client().post(keys, body, aal2).status()).isEqualTo(201);
    }

    @Test
    void anAdministratorWithMfaAdministersOnlyFromAnAal2Session() throws Exception {
        Enrolled admin = enrolled("MfaAdmin");
        ApiClient other = new ApiClient(api.port());
        String otherEmail = unique("Target");
        other.account(otherEmail, PASSWORD);
        String adminId = admin.client().get("/api/v1/auth/me", admin.token()).field("id");
        grantPlatformRole(adminId, "super_admin");
        String targetId = admin.client()
                .get("/api/v1/auth/users?email=" + otherEmail.replace("+", "%2B"), admin.token())
                .body()
                .path("users")
                .get(0)
                .path("id")
                .asString();
        Answer refused = admin.client().patch("/api/v1/auth/users/" + targetId, "{\"disabled\":true}", admin.token());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.field("type")).endsWith("/second-factor-required");
        String aal2 = challenge(admin, login(admin).field("challengeId"), "code", appCode(admin.secret(), 1))
                .field("access_token");
        assertThat(admin.client()
                        .patch("/api/v1/auth/users/" + targetId, "{\"disabled\":true}", aal2)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void badInputOnMfaRoutes() throws Exception {
        Enrolled user = enrolled("BadMfa");
        String challengeId = login(user).field("challengeId");
        Answer neither =
                user.client().post("/api/v1/auth/mfa/challenge", "{\"challengeId\":\"" + challengeId + "\"}", null);
        assertThat(neither.status()).isEqualTo(422);
        assertThat(neither.body().at("/errors/0/code").asString()).isEqualTo("invalid-combination");
        assertThat(neither.body().at("/errors/0/detail").asString())
                .isEqualTo("a code or a recovery code, exactly one of the two");
        assertThat(user.client()
                        .post(
                                "/api/v1/auth/mfa/challenge",
                                "{\"challengeId\":\"" + challengeId
                                        + "\",\"code\":\"123456\",\"recoveryCode\":\"AAAA-BBBB-CCCC-DDDD\"}",
                                null)
                        .status())
                .isEqualTo(422);
        assertThat(challenge(user, "chl_unknown", "code", "123456").status()).isEqualTo(401);
        assertThat(challenge(user, "../../etc", "code", "123456").status()).isEqualTo(401);
        assertThat(user.client()
                        .post("/api/v1/auth/mfa/totp/mfa_nope/verify", "{\"code\":\"123456\"}", user.token())
                        .status())
                .isEqualTo(404);
        assertThat(user.client().post("/api/v1/auth/mfa/totp", null, null).status())
                .isEqualTo(401);
    }
}

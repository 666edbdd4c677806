package app.devskyy.auth;

import app.devskyy.core.http.ApiProblem;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The form-encoded refresh_token grant of RFC 6749 section 6, for OAuth client libraries. */
final class OAuthForm {

    private OAuthForm() {}

    static String refreshToken(byte[] body) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                try {
                    fields.putIfAbsent(
                            URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException malformed) {
                    throw ApiProblem.badRequest("The form body is not URL-encoded.");
                }
            }
        }
        if (!"refresh_token".equals(fields.get("grant_type"))) {
            throw ApiProblem.of(
                    400, "unsupported-grant-type", "Bad Request", "The only grant type here is refresh_token.");
        }
        String token = fields.get("refresh_token");
        if (token == null || token.isEmpty()) {
            throw ApiProblem.badRequest("The form has no refresh_token.");
        }
        return token;
    }
}

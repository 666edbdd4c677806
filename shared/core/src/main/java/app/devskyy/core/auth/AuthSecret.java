package app.devskyy.core.auth;

import app.devskyy.core.Json;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The auth family's one secret, as Secrets Manager holds it: the token signing keys (a private JWK
 * Set) and the key that derives refresh tokens. The auth family reads it; the key rotation job of
 * the maintenance family rewrites its signing keys. Never logged, never in a response.
 *
 * <pre>{"signingKeys": {"keys": [...]}, "refreshKey": "&lt;base64, 32 bytes&gt;"}</pre>
 */
public record AuthSecret(SigningKeys signingKeys, byte[] refreshKey) {

    public static AuthSecret parse(String json) {
        JsonNode secret = Json.tree(json.getBytes(StandardCharsets.UTF_8));
        byte[] refreshKey = Base64.getDecoder().decode(secret.path("refreshKey").asString());
        if (refreshKey.length < 32) {
            throw new IllegalArgumentException("the refresh key must be at least 256 bits");
        }
        if (!secret.path("signingKeys").isObject()) {
            throw new IllegalArgumentException("the secret has no signing keys");
        }
        return new AuthSecret(SigningKeys.parse(secret.get("signingKeys").toString()), refreshKey);
    }

    /** A fresh secret: one signing key and a random refresh key (a new stage's, or the local server's). */
    public static String generate() {
        byte[] refreshKey = new byte[32];
        new SecureRandom().nextBytes(refreshKey);
        return new AuthSecret(SigningKeys.generate(), refreshKey).toJson();
    }

    /** The same secret with other signing keys: what a rotation step writes. */
    public AuthSecret withSigningKeys(SigningKeys keys) {
        return new AuthSecret(keys, refreshKey);
    }

    /** The secret as it is stored. */
    public String toJson() {
        ObjectNode secret = Json.MAPPER.createObjectNode();
        secret.set("signingKeys", Json.tree(signingKeys.toPrivateJson().getBytes(StandardCharsets.UTF_8)));
        secret.put("refreshKey", Base64.getEncoder().encodeToString(refreshKey));
        return Json.write(secret);
    }
}

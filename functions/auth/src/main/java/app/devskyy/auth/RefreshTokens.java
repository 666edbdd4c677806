package app.devskyy.auth;

import app.devskyy.core.crypto.Digests;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque refresh tokens: 256 bits, stored only as their SHA-256. A session's first token is
 * random; each successor is HMAC(refresh key, predecessor). That derivation is what lets a client
 * that lost a refresh response retry with the previous token and receive the very token it
 * missed, without the server ever storing a token.
 */
final class RefreshTokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;

    RefreshTokens(byte[] refreshKey) {
        this.key = new SecretKeySpec(refreshKey, "HmacSHA256");
    }

    String first() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    String successor(String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return ENCODER.encodeToString(mac.doFinal(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hash(String token) {
        return Digests.sha256(token);
    }

    /** Only strings of our shape are looked up at all. */
    static boolean wellFormed(String token) {
        return token != null && token.matches("[A-Za-z0-9_-]{43}");
    }
}

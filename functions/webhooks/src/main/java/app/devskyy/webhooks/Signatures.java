package app.devskyy.webhooks;

import app.devskyy.core.http.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The primitives of the three schemes, and the one answer a failed verification gets. */
final class Signatures {

    private Signatures() {}

    static byte[] hmacSha256(String secret, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant time, so that a forger learns nothing from how long a comparison took. */
    static boolean equal(String expected, String presented) {
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Every verification failure (missing header, bad format, wrong secret, tampered body, stale
     * timestamp) gets this same answer: telling them apart would help a forger.
     */
    static ApiProblem rejected() {
        return ApiProblem.of(401, "invalid-signature", "Unauthorized", "The webhook signature could not be verified.");
    }
}

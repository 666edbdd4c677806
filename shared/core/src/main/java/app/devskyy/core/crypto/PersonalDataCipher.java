package app.devskyy.core.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Personal data at rest. Values that need no querying are encrypted with AES-256-GCM under a key
 * bound to their context (the record and field they belong to, as additional authenticated
 * data, so a ciphertext cannot be moved to another record). Values that must be looked up (an
 * email) get a keyed blind index: HMAC-SHA-256, equal for equal inputs, useless without the key.
 *
 * <p>Both keys derive from one 256-bit data key: in AWS an envelope key that KMS decrypts at
 * start-up ({@link DataKeys}), locally a key file of the local server.
 */
public final class PersonalDataCipher {

    private static final String VERSION = "v1";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec encryptionKey;
    private final SecretKeySpec indexKey;

    public PersonalDataCipher(byte[] dataKey) {
        if (dataKey.length != 32) {
            throw new IllegalArgumentException("the personal data key must be 256 bits");
        }
        this.encryptionKey = new SecretKeySpec(derive(dataKey, "devskyy/pii/encryption"), "AES");
        this.indexKey = new SecretKeySpec(derive(dataKey, "devskyy/pii/blind-index"), "HmacSHA256");
    }

    /** {@code v1.<base64url(iv | ciphertext | tag)>}. */
    public String encrypt(String plaintext, String context) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, encryptionKey, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return VERSION + "."
                    + Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(ByteBuffer.allocate(iv.length + sealed.length)
                                    .put(iv)
                                    .put(sealed)
                                    .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    /** The plaintext; fails when the value was altered or belongs to another context. */
    public String decrypt(String token, String context) {
        if (!token.startsWith(VERSION + ".")) {
            throw new IllegalArgumentException("unknown ciphertext version");
        }
        byte[] bytes = Base64.getUrlDecoder().decode(token.substring(VERSION.length() + 1));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, encryptionKey, new GCMParameterSpec(TAG_BITS, bytes, 0, IV_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the value cannot be decrypted in this context");
        }
    }

    /** The blind index of an already normalised value (an email: trimmed, lower-cased). */
    public String blindIndex(String normalized) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(indexKey, normalized));
    }

    private static byte[] derive(byte[] dataKey, String purpose) {
        return Arrays.copyOf(hmac(new SecretKeySpec(dataKey, "HmacSHA256"), purpose), 32);
    }

    private static byte[] hmac(SecretKeySpec key, String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

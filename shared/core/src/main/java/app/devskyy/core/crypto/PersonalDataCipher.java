package app.devskyy.core.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Personal data at rest. Values that need no querying are encrypted with AES-256-GCM, bound to
 * their context (the record and field they belong to, as additional authenticated data, so a
 * ciphertext cannot be moved to another record). A person's values are encrypted under their own
 * key ({@link #encryptFor}, {@code v2.<key id>.…}), which erasure destroys (crypto-shredding,
 * {@link PersonKeys}); values of no person (a workspace's integration secret) under the service key
 * ({@link #encrypt}, {@code v1.…}). Values that must be looked up (an email) get a keyed blind
 * index: HMAC-SHA-256, equal for equal inputs, useless without the key.
 *
 * <p>The service key, the blind index key and the key that wraps each person's key derive from
 * one 256-bit data key: in AWS an envelope key that KMS decrypts at start-up ({@link DataKeys}),
 * locally a key file of the local server. A person's key, once unwrapped, is kept in memory for
 * {@link #KEY_CACHE}, so a busy person costs one read of the key table per container and period.
 */
public final class PersonalDataCipher {

    private static final String VERSION = "v1";
    private static final String PERSONAL = "v2";
    static final Duration KEY_CACHE = Duration.ofMinutes(5);
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Unwrapped(SecretKeySpec key, long until) {}

    private final SecretKeySpec encryptionKey;
    private final SecretKeySpec indexKey;
    private final SecretKeySpec wrappingKey;
    private final PersonKeys keys;
    private final Clock clock;
    private final Map<String, Unwrapped> unwrapped = new ConcurrentHashMap<>();

    /** A cipher of the service key alone (tools and tests that need no person's key). */
    public PersonalDataCipher(byte[] dataKey) {
        this(dataKey, null, Clock.systemUTC());
    }

    public PersonalDataCipher(byte[] dataKey, PersonKeys keys, Clock clock) {
        if (dataKey.length != 32) {
            throw new IllegalArgumentException("the personal data key must be 256 bits");
        }
        this.encryptionKey = new SecretKeySpec(derive(dataKey, "devskyy/pii/encryption"), "AES");
        this.indexKey = new SecretKeySpec(derive(dataKey, "devskyy/pii/blind-index"), "HmacSHA256");
        this.wrappingKey = new SecretKeySpec(derive(dataKey, "devskyy/pii/person-key-wrapping"), "AES");
        this.keys = keys;
        this.clock = clock;
    }

    /** {@code v1.<base64url(iv | ciphertext | tag)>}, under the service key: for values of no person. */
    public String encrypt(String plaintext, String context) {
        return VERSION + "." + seal(encryptionKey, plaintext, context);
    }

    /** {@code v2.<key id>.<base64url(iv | ciphertext | tag)>}, under the person's own key (made on first use). */
    public String encryptFor(String userId, String plaintext, String context) {
        String keyId = personKeyId(userId);
        return PERSONAL + "." + keyId + "." + seal(personKey(keyId, true).orElseThrow(), plaintext, context);
    }

    /**
     * The id of a person's key: a keyed hash of their user id, so that neither the key table nor
     * a ciphertext names them.
     */
    public String personKeyId(String userId) {
        return blindIndex("person-key:" + userId).substring(0, 22);
    }

    /** A service-key value of a person, encrypted again under their own key (the migration); others unchanged. */
    public String underPersonKey(String userId, String token, String context) {
        return token.startsWith(VERSION + ".") ? encryptFor(userId, decrypt(token, context), context) : token;
    }

    private Optional<SecretKeySpec> personKey(String keyId, boolean create) {
        if (keys == null) {
            throw new IllegalStateException("this cipher has no key table");
        }
        long now = clock.millis();
        Unwrapped cached = unwrapped.get(keyId);
        if (cached != null && cached.until() > now) {
            return Optional.of(cached.key());
        }
        Optional<byte[]> wrapped = keys.wrapped(keyId);
        if (wrapped.isEmpty() && !create) {
            return Optional.empty();
        }
        byte[] stored = wrapped.orElseGet(() -> {
            byte[] fresh = new byte[32];
            RANDOM.nextBytes(fresh);
            return keys.create(keyId, wrap(fresh, keyId), now);
        });
        SecretKeySpec key = new SecretKeySpec(unwrap(stored, keyId), "AES");
        unwrapped.put(keyId, new Unwrapped(key, now + KEY_CACHE.toMillis()));
        return Optional.of(key);
    }

    private byte[] wrap(byte[] key, String keyId) {
        return Base64.getUrlDecoder()
                .decode(seal(wrappingKey, Base64.getEncoder().encodeToString(key), "person-key:" + keyId));
    }

    private byte[] unwrap(byte[] wrapped, String keyId) {
        return Base64.getDecoder().decode(open(wrappingKey, wrapped, "person-key:" + keyId));
    }

    private static String seal(SecretKeySpec key, String plaintext, String context) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(ByteBuffer.allocate(iv.length + sealed.length)
                            .put(iv)
                            .put(sealed)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    /**
     * The plaintext of a service-key or person-key value; fails when the value was altered,
     * belongs to another context, or its person's key is destroyed (the person was erased).
     */
    public String decrypt(String token, String context) {
        if (token.startsWith(VERSION + ".")) {
            return open(encryptionKey, Base64.getUrlDecoder().decode(token.substring(VERSION.length() + 1)), context);
        }
        String[] parts = token.split("\\.", 3);
        if (parts.length != 3 || !parts[0].equals(PERSONAL)) {
            throw new IllegalArgumentException("unknown ciphertext version");
        }
        SecretKeySpec key = personKey(parts[1], false)
                .orElseThrow(() -> new IllegalArgumentException("the value's key is destroyed"));
        return open(key, Base64.getUrlDecoder().decode(parts[2]), context);
    }

    private static String open(SecretKeySpec key, byte[] bytes, String context) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, IV_BYTES));
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

package app.devskyy.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;

/**
 * The ES256 key set of the token issuer. Several keys may be live: the newest (by issue time)
 * whose {@code nbf} has come signs, the others still verify until they are removed. That is how
 * keys rotate without logging anyone out: a new key is added with an {@code nbf} in the future,
 * published at once, and signs only from then on; the key it replaced is removed once no token it
 * signed can still be current. Stored as a JWK Set with private parts (Secrets Manager in AWS, a
 * secret of the local server's Secrets Manager locally); only public halves are ever published.
 */
public final class SigningKeys {

    private final List<ECKey> keys;

    private SigningKeys(List<ECKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a signing key set needs at least one key");
        }
        this.keys = keys.stream()
                .sorted(Comparator.comparing(SigningKeys::issued).reversed())
                .toList();
    }

    /** Parses a private JWK Set; every key must be an EC P-256 key with its private part. */
    public static SigningKeys parse(String jwkSetJson) {
        try {
            List<ECKey> keys = new ArrayList<>();
            for (JWK jwk : JWKSet.parse(jwkSetJson).getKeys()) {
                if (!(jwk instanceof ECKey ec)
                        || !Curve.P_256.equals(ec.getCurve())
                        || !ec.isPrivate()
                        || ec.getKeyID() == null) {
                    throw new IllegalArgumentException("signing keys must be private EC P-256 keys with a kid");
                }
                keys.add(ec);
            }
            return new SigningKeys(keys);
        } catch (ParseException e) {
            throw new IllegalArgumentException("the signing key set is not a JWK Set");
        }
    }

    /** A new key set with one fresh key, signing at once (a new deployment's, or the local server's). */
    public static SigningKeys generate() {
        return new SigningKeys(List.of(newKey(Instant.now(), Instant.now())));
    }

    /** This set with a new key that signs from {@code signsFrom}: the first step of a rotation. */
    public SigningKeys rotate(Instant now, Instant signsFrom) {
        List<ECKey> rotated = new ArrayList<>(keys);
        rotated.add(newKey(now, signsFrom));
        return new SigningKeys(rotated);
    }

    /**
     * This set without the keys a newer key has replaced for at least {@code grace}: the last step
     * of a rotation. The grace must cover the longest a token lives, and the time the issuer may
     * take to see the new key; the key that signs is never removed.
     */
    public SigningKeys retire(Instant now, Duration grace) {
        ECKey signing = signingKey(now);
        Instant replacedAt = signsFrom(signing);
        if (now.isBefore(replacedAt.plus(grace))) {
            return this;
        }
        return new SigningKeys(keys.stream()
                .filter(k -> k == signing || issued(k).isAfter(issued(signing)))
                .toList());
    }

    /** Whether a rotation is under way: a key waits for its {@code nbf}, or a replaced key is not yet retired. */
    public boolean rotating() {
        return keys.size() > 1;
    }

    private static ECKey newKey(Instant issued, Instant signsFrom) {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .keyIDFromThumbprint(true)
                    .issueTime(Date.from(issued))
                    .notBeforeTime(Date.from(signsFrom))
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key that signs at {@code now}: the newest whose {@code nbf} has come (the oldest if none has). */
    public ECKey signingKey(Instant now) {
        return keys.stream().filter(k -> !signsFrom(k).isAfter(now)).findFirst().orElse(keys.getLast());
    }

    /** The newest key, signing or about to: what the key's age is measured by. */
    public ECKey newest() {
        return keys.getFirst();
    }

    public List<ECKey> keys() {
        return keys;
    }

    /** The public keys, as the JWKS endpoint serves them. */
    public JWKSet publicJwks() {
        return new JWKSet(keys.stream().map(k -> (JWK) k.toPublicJWK()).toList());
    }

    /** The private set, for storing. */
    public String toPrivateJson() {
        return new JWKSet(keys.stream().map(k -> (JWK) k).toList()).toString(false);
    }

    public static Instant issued(JWK key) {
        return key.getIssueTime() == null ? Instant.EPOCH : key.getIssueTime().toInstant();
    }

    /** When a key signs from: its {@code nbf}, or its issue time for keys made without one. */
    public static Instant signsFrom(JWK key) {
        return key.getNotBeforeTime() == null
                ? issued(key)
                : key.getNotBeforeTime().toInstant();
    }
}

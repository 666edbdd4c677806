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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;

/**
 * The ES256 key set of the token issuer. Several keys may be live: the newest (by issue time)
 * signs, the older ones still verify until they are removed, which is how keys rotate without
 * logging anyone out. Stored as a JWK Set with private parts (Secrets Manager in AWS, a file of
 * the local server's data folder locally); only {@link #publicJwks()} is ever published.
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

    /** A new key set with one fresh key (the local server's development key). */
    public static SigningKeys generate() {
        return new SigningKeys(List.of(newKey()));
    }

    /** This set with a new newest key added: the rotation step. */
    public SigningKeys rotate() {
        List<ECKey> rotated = new ArrayList<>(keys);
        rotated.add(newKey());
        return new SigningKeys(rotated);
    }

    private static ECKey newKey() {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .keyIDFromThumbprint(true)
                    .issueTime(Date.from(Instant.now()))
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public ECKey signingKey() {
        return keys.getFirst();
    }

    /** The public keys, as the JWKS endpoint serves them. */
    public JWKSet publicJwks() {
        return new JWKSet(keys.stream().map(k -> (JWK) k.toPublicJWK()).toList());
    }

    /** The private set, for storing. */
    public String toPrivateJson() {
        return new JWKSet(keys.stream().map(k -> (JWK) k).toList()).toString(false);
    }

    private static Instant issued(ECKey key) {
        return key.getIssueTime() == null ? Instant.EPOCH : key.getIssueTime().toInstant();
    }
}

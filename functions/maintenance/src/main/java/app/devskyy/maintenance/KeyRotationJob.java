package app.devskyy.maintenance;

import app.devskyy.core.auth.AuthSecret;
import app.devskyy.core.auth.PublishedKeys;
import app.devskyy.core.auth.SigningKeys;
import app.devskyy.core.observability.Telemetry;
import com.nimbusds.jose.jwk.JWK;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Key rotation (hourly): the token signing keys of the auth secret rotate without anyone being
 * logged out. Each run takes at most one step, always in this order:
 *
 * <ol>
 *   <li><b>publish</b> every key of the secret that the published set lacks (a key added by hand,
 *       or a step a failed run left half done);
 *   <li><b>retire</b> the keys a newer key has replaced for longer than the grace (the auth
 *       instances' secret cache, plus the longest a token lives, plus the verifiers' clock skew):
 *       out of the secret, then out of the published set;
 *   <li><b>rotate</b> when no rotation is under way and the newest key is older than the rotation
 *       period: a new key, published first, then added to the secret with an {@code nbf} one
 *       publication delay ahead, so that every cache of the public set holds it before it signs.
 * </ol>
 *
 * It decides on the clock, not the slot: a late delivery must not shorten a delay. The secret is
 * read and written whole (Secrets Manager keeps the versions); the run's slot keeps a second
 * delivery from taking a second step.
 */
final class KeyRotationJob extends MaintenanceJob {

    static final String NAME = "keyRotationJob";

    private final Supplier<String> readSecret;
    private final Consumer<String> writeSecret;
    private final PublishedKeys published;
    private final Duration rotation;
    private final Duration publication;
    private final Duration grace;

    /**
     * @param rotation    how long a key signs before it is replaced ({@code SIGNING_KEY_ROTATION_DAYS})
     * @param publication how long a new key is published before it signs ({@code KEY_PUBLICATION_SECONDS})
     * @param grace       how long a replaced key still verifies after its successor began to sign
     */
    KeyRotationJob(
            FindingStore findings,
            RunStore runs,
            Supplier<String> readSecret,
            Consumer<String> writeSecret,
            PublishedKeys published,
            Duration rotation,
            Duration publication,
            Duration grace,
            Telemetry telemetry,
            Duration budget,
            Clock clock) {
        super(NAME, findings, runs, telemetry, budget, clock);
        this.readSecret = readSecret;
        this.writeSecret = writeSecret;
        this.published = published;
        this.rotation = rotation;
        this.publication = publication;
        this.grace = grace;
    }

    @Override
    protected Set<String> rules() {
        // It finds nothing itself: a rotation that does not happen is the security scan's signing-key-old.
        return Set.of();
    }

    @Override
    protected String page(Instant slot, String cursor, Tally tally) {
        Instant now = clock.instant();
        AuthSecret secret = AuthSecret.parse(readSecret.get());
        SigningKeys keys = secret.signingKeys();
        tally.seen += keys.keys().size();
        Set<String> publishedIds =
                published.read().getKeys().stream().map(JWK::getKeyID).collect(Collectors.toSet());
        for (JWK key : keys.keys()) {
            if (!publishedIds.contains(key.getKeyID())) {
                published.publish(key);
                tally.changed++;
            }
        }
        SigningKeys retired = keys.retire(now, grace);
        if (retired.keys().size() < keys.keys().size()) {
            writeSecret.accept(secret.withSigningKeys(retired).toJson());
            tally.changed += keys.keys().size() - retired.keys().size();
            keys = retired;
        } else if (!keys.rotating()
                && Duration.between(SigningKeys.issued(keys.newest()), now).compareTo(rotation) >= 0) {
            SigningKeys rotated = keys.rotate(now, now.plus(publication));
            published.publish(rotated.newest());
            writeSecret.accept(secret.withSigningKeys(rotated).toJson());
            tally.changed++;
            keys = rotated;
        }
        Set<String> held = keys.keys().stream().map(JWK::getKeyID).collect(Collectors.toSet());
        for (String keyId : publishedIds) {
            if (!held.contains(keyId)) {
                // Out of the secret already (retired now or by an earlier run), or never in it.
                published.withdraw(keyId);
                tally.changed++;
            }
        }
        return null;
    }
}

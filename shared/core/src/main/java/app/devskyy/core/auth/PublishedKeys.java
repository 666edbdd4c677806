package app.devskyy.core.auth;

import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.aws.Outages;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;

/**
 * The token verification keys as published in the auth table ({@code JWKS/KEY#<kid>}, one item
 * per key, so that publishing one key never overwrites another): what every function verifies
 * access tokens with and what {@code /.well-known/jwks.json} serves. Readers keep the set for
 * {@link #CACHE}, and read it again at once when a token names a key they do not hold, so that a key published moments ago verifies everywhere. The issuer publishes its
 * signing key before its first signature; the key rotation job publishes a new key before it may
 * sign, and removes a retired one after it left the secret.
 */
public final class PublishedKeys {

    /** How long a reader keeps the set without reading it again. */
    public static final Duration CACHE = Duration.ofMinutes(5);

    private final DynamoDbTable<CredentialItems.PublishedKey> items;
    private final Clock clock;
    private final JWKSource<SecurityContext> source;
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();

    public PublishedKeys(DynamoTables tables, String table, Clock clock) {
        this.items = tables.table(table, CredentialItems.PublishedKey.SCHEMA);
        this.clock = clock;
        this.source = JWKSourceBuilder.create(new TableSource())
                // A refresh may wait longer than the SDK's own call timeout, so that an outage is the SDK's failure.
                .cache(CACHE.toMillis(), Duration.ofSeconds(15).toMillis())
                // No rate limit: during an outage it would turn the 503 of every verification after
                // the second into a 401. An unknown kid costs one Query, as an unknown API key costs a GetItem.
                .rateLimited(false)
                .build();
    }

    /** The set as readers see it, for verifying tokens: cached, refreshed on an unknown key. */
    public JWKSource<SecurityContext> source() {
        return source;
    }

    /** Every published key, read now (consistently): what the rotation job and the security scan see. */
    public JWKSet read() {
        List<JWK> keys = new ArrayList<>();
        items.query(r -> r.queryConditional(QueryConditional.keyEqualTo(Key.builder()
                                .partitionValue(CredentialItems.PUBLISHED_KEYS)
                                .build()))
                        .consistentRead(true))
                .items()
                .forEach(item -> {
                    try {
                        keys.add(JWK.parse(item.jwk()));
                    } catch (ParseException unreadable) {
                        throw new IllegalStateException("the published key " + item.sk() + " is not a JWK");
                    }
                });
        return new JWKSet(keys);
    }

    /**
     * The set as readers hold it, for the JWKS endpoint: cached like every verifier's, so that a
     * public route costs no read per request. A key shows within {@link #CACHE} of its publication,
     * well inside the rotation's publication delay.
     */
    public JWKSet current() {
        try {
            return new JWKSet(source.get(new JWKSelector(new JWKMatcher.Builder().build()), null));
        } catch (KeySourceException unavailable) {
            throw new Outages.DependencyUnavailable("the published keys", unavailable);
        }
    }

    /** Publishes a key's public half (again: the same item). */
    public void publish(JWK key) {
        JWK publicKey = key.toPublicJWK();
        items.putItem(new CredentialItems.PublishedKey(
                CredentialItems.PUBLISHED_KEYS,
                CredentialItems.publishedKey(publicKey.getKeyID()).sk(),
                publicKey.toJSONString(),
                clock.millis()));
        confirmed.add(publicKey.getKeyID());
    }

    /**
     * Makes sure a key is published before it signs: a consistent read the first time this
     * instance signs with it, a publish when it is missing (a key set edited by hand, a new deployment).
     */
    public void ensure(JWK key) {
        if (confirmed.contains(key.getKeyID())) {
            return;
        }
        boolean published = items.getItem(
                        r -> r.key(CredentialItems.publishedKey(key.getKeyID()).key())
                                .consistentRead(true))
                != null;
        if (published) {
            confirmed.add(key.getKeyID());
        } else {
            publish(key);
        }
    }

    /** Takes a key out of the published set: readers stop accepting it within {@link #CACHE}. */
    public void withdraw(String keyId) {
        items.deleteItem(CredentialItems.publishedKey(keyId).key());
        confirmed.remove(keyId);
    }

    /** The table as nimbus's caching source reads it. */
    private final class TableSource implements JWKSetSource<SecurityContext> {

        @Override
        public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refresh, long currentTime, SecurityContext context) {
            return read();
        }

        @Override
        public void close() {
            // Nothing held open: the DynamoDB client belongs to the function.
        }
    }
}

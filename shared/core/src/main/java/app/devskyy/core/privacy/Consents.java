package app.devskyy.core.privacy;

import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.config.Config;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;

/**
 * The one question every family asks before processing for a purpose: may I process this
 * person's data for it? A purpose whose legal basis is not consent is always allowed; one that
 * needs consent is allowed only while the person's current decision is a grant (nobody has
 * consented until they say so). Answers are cached in the instance for
 * {@code CONSENT_CACHE_SECONDS} (30): a withdrawal reaches a warm function within that time.
 */
public final class Consents {

    /** The purposes other families ask about, by id. */
    public static final String LLM_PROMPT_LOGGING = "llm-prompt-logging";

    public static final String MARKETING_EMAIL = "marketing-email";

    private record Cached(boolean allowed, long at) {}

    private final DynamoDbTable<ConsentItems.Current> current;
    private final Purposes purposes;
    private final Clock clock;
    private final Duration cacheFor;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public Consents(DynamoTables tables, String table, Purposes purposes, Clock clock, Duration cacheFor) {
        this.current = tables.table(table, ConsentItems.Current.SCHEMA);
        this.purposes = purposes;
        this.clock = clock;
        this.cacheFor = cacheFor;
    }

    public static Consents fromConfig(Config config, DynamoTables tables, Clock clock) {
        return new Consents(
                tables,
                config.required("GDPR_TABLE", "GdprTable"),
                Purposes.bundled(),
                clock,
                Duration.ofSeconds(config.integer("CONSENT_CACHE_SECONDS", 30)));
    }

    /** Whether the person's data may be processed for {@code purpose}; an unknown purpose never may. */
    public boolean allows(String userId, String purpose) {
        Purposes.Purpose known = purposes.purpose(purpose).orElse(null);
        if (known == null) {
            return false;
        }
        if (!known.consentRequired()) {
            return true;
        }
        String key = userId + "\n" + purpose;
        long now = clock.millis();
        Cached cached = cache.get(key);
        if (cached != null && now - cached.at() < cacheFor.toMillis()) {
            return cached.allowed();
        }
        ConsentItems.Current decision =
                current.getItem(ConsentItems.current(userId, purpose).key());
        boolean allowed = decision != null && decision.granted();
        if (cache.size() > 10_000) {
            cache.clear();
        }
        cache.put(key, new Cached(allowed, now));
        return allowed;
    }
}

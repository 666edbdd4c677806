package app.devskyy.core.privacy;

import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.config.Config;
import app.devskyy.core.http.ApiProblem;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;

/**
 * The one question every family asks before processing for a purpose: may I process this
 * person's data for it? A purpose whose legal basis is not consent is allowed; one that needs
 * consent only while the person's current decision is a grant (nobody has consented until they
 * say so); an unknown one never. A restriction (Art. 18) stops all processing of the person's
 * data; an objection (Art. 21) every purpose based on consent or legitimate interest. Answers are
 * cached in the instance for {@code CONSENT_CACHE_SECONDS} (30): a withdrawal, a restriction or
 * an objection reaches a warm function within that time.
 */
public final class Consents {

    /** The purposes other families ask about, by id. */
    public static final String LLM_PROMPT_LOGGING = "llm-prompt-logging";

    public static final String MARKETING_EMAIL = "marketing-email";

    private record Cached<T>(T value, long at) {}

    private static final ConsentItems.Flags NONE = new ConsentItems.Flags(null, null, false, false, 0);

    private final DynamoDbTable<ConsentItems.Current> current;
    private final DynamoDbTable<ConsentItems.Flags> flags;
    private final Purposes purposes;
    private final Clock clock;
    private final Duration cacheFor;
    private final Map<String, Cached<Boolean>> decisions = new ConcurrentHashMap<>();
    private final Map<String, Cached<ConsentItems.Flags>> people = new ConcurrentHashMap<>();

    public Consents(DynamoTables tables, String table, Purposes purposes, Clock clock, Duration cacheFor) {
        this.current = tables.table(table, ConsentItems.Current.SCHEMA);
        this.flags = tables.table(table, ConsentItems.Flags.SCHEMA);
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

    /** Whether the person's data may be processed for {@code purpose}. */
    public boolean allows(String userId, String purpose) {
        Purposes.Purpose known = purposes.purpose(purpose).orElse(null);
        if (known == null) {
            return false;
        }
        ConsentItems.Flags person = flags(userId);
        if (person.restricted()) {
            return false;
        }
        if (person.objected() && Set.of("consent", "legitimate_interest").contains(known.legalBasis())) {
            return false;
        }
        if (!known.consentRequired()) {
            return true;
        }
        return cached(decisions, userId + "\n" + purpose, () -> {
            ConsentItems.Current decision =
                    current.getItem(ConsentItems.current(userId, purpose).key());
            return decision != null && decision.granted();
        });
    }

    /** Whether the person asked for their processing to be restricted, and a privacy admin granted it. */
    public boolean isRestricted(String userId) {
        return flags(userId).restricted();
    }

    /**
     * Refuses work on a restricted person's behalf: a caller {@code user:<id>} (as the LLM family
     * attributes calls) whose processing is restricted gets 403 {@code processing-restricted}.
     * Calls of API keys are a workspace's, not a person's.
     */
    public void requireProcessing(String callerId) {
        if (callerId.startsWith("user:") && isRestricted(callerId.substring("user:".length()))) {
            throw ApiProblem.of(
                    403,
                    "processing-restricted",
                    "Processing restricted",
                    "At your request, your data is stored but not processed (GDPR Art. 18); nothing is run for you"
                            + " until the restriction is lifted.");
        }
    }

    private ConsentItems.Flags flags(String userId) {
        return cached(
                people,
                userId,
                () -> Optional.ofNullable(
                                flags.getItem(ConsentItems.flags(userId).key()))
                        .orElse(NONE));
    }

    private <T> T cached(Map<String, Cached<T>> cache, String key, Supplier<T> read) {
        long now = clock.millis();
        Cached<T> hit = cache.get(key);
        if (hit != null && now - hit.at() < cacheFor.toMillis()) {
            return hit.value();
        }
        T value = read.get();
        if (cache.size() > 10_000) {
            cache.clear();
        }
        cache.put(key, new Cached<>(value, now));
        return value;
    }
}

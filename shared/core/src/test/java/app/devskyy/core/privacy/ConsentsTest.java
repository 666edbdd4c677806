package app.devskyy.core.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.testing.DynamoDbLocal;
import app.devskyy.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;

/** The one question families ask, against DynamoDB Local: consent only while granted, a withdrawal seen after the cache. */
@ExtendWith(DynamoDbLocal.class)
class ConsentsTest {

    private final MutableClock clock = new MutableClock(Instant.ofEpochSecond(1_790_000_000L));
    private DynamoDbTable<ConsentItems.Current> current;
    private Consents consents;
    private String person;

    @BeforeEach
    void setUp() {
        DynamoTables tables = new DynamoTables(DynamoDbLocal.client());
        current = tables.table("GdprTable", ConsentItems.Current.SCHEMA);
        consents = new Consents(tables, "GdprTable", Purposes.bundled(), clock, Duration.ofSeconds(30));
        person = "usr_" + UUID.randomUUID().toString().replace("-", "");
    }

    private void decide(boolean granted) {
        var key = ConsentItems.current(person, Consents.LLM_PROMPT_LOGGING);
        current.putItem(new ConsentItems.Current(
                key.pk(), key.sk(), Consents.LLM_PROMPT_LOGGING, granted, "2026-12-01", "api", clock.millis()));
    }

    @Test
    void aConsentBasedPurposeIsAllowedOnlyWhileGrantedAndAWithdrawalIsSeenOnceTheCacheExpires() {
        assertThat(consents.allows(person, Consents.LLM_PROMPT_LOGGING))
                .as("never decided")
                .isFalse();
        clock.advance(Duration.ofSeconds(31));
        decide(true);
        assertThat(consents.allows(person, Consents.LLM_PROMPT_LOGGING)).isTrue();
        decide(false);
        assertThat(consents.allows(person, Consents.LLM_PROMPT_LOGGING))
                .as("cached")
                .isTrue();
        clock.advance(Duration.ofSeconds(31));
        assertThat(consents.allows(person, Consents.LLM_PROMPT_LOGGING)).isFalse();
    }

    @Test
    void aRestrictionAllowsNothingAndAnObjectionEndsWhatRestsOnConsent() {
        DynamoDbTable<ConsentItems.Flags> flags =
                new DynamoTables(DynamoDbLocal.client()).table("GdprTable", ConsentItems.Flags.SCHEMA);
        var key = ConsentItems.flags(person);
        decide(true);
        flags.putItem(new ConsentItems.Flags(key.pk(), key.sk(), false, true, clock.millis()));
        assertThat(consents.allows(person, Consents.LLM_PROMPT_LOGGING))
                .as("objected: even a grant")
                .isFalse();
        assertThat(consents.allows(person, "service"))
                .as("the service itself goes on")
                .isTrue();
        consents.requireProcessing("user:" + person);

        clock.advance(Duration.ofSeconds(31));
        flags.putItem(new ConsentItems.Flags(key.pk(), key.sk(), true, false, clock.millis()));
        assertThat(consents.allows(person, "service")).isFalse();
        assertThatThrownBy(() -> consents.requireProcessing("user:" + person))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.slug()).isEqualTo("processing-restricted"));
        consents.requireProcessing("key:key_123");
    }

    @Test
    void aPurposeNotBasedOnConsentIsAllowedAndAnUnknownOneNever() {
        assertThat(consents.allows(person, "service")).isTrue();
        assertThat(consents.allows(person, "selling-your-data")).isFalse();
    }

    @Test
    void everyPurposeHasACurrentNoticeAndEarlierOnesStayFindable() {
        Purposes purposes = Purposes.bundled();
        assertThat(purposes.all()).isNotEmpty().allSatisfy(p -> {
            assertThat(p.current().text()).isNotBlank();
            assertThat(p.notice(p.current().version())).contains(p.current());
        });
        assertThat(purposes.purpose(Consents.MARKETING_EMAIL).orElseThrow().consentRequired())
                .isTrue();
    }
}

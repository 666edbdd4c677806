package app.devskyy.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.testing.DynamoDbLocal;
import app.devskyy.core.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A person's own key, in the template's data key table under DynamoDB Local. */
@ExtendWith(DynamoDbLocal.class)
class PersonKeysTest {

    private static final byte[] DATA_KEY = new byte[32];

    static {
        new SecureRandom().nextBytes(DATA_KEY);
    }

    private static PersonalDataCipher cipher(Clock clock) {
        return new PersonalDataCipher(DATA_KEY, new PersonKeys(DynamoDbLocal.client(), "DataKeyTable"), clock);
    }

    private static String person() {
        return "usr_" + UUID.randomUUID().toString().replace("-", "");
    }

    @Test
    void aPersonsValuesAreUnderTheirOwnKeyWhichNamesNoOneAndEveryContainerShares() {
        String ada = person();
        String bob = person();
        PersonalDataCipher one = cipher(Clock.systemUTC());
        String sealed = one.encryptFor(ada, "ada@example.com", "user:" + ada + ":email");
        assertThat(sealed).startsWith("v2." + one.personKeyId(ada) + ".").doesNotContain(ada, "ada@");
        assertThat(one.personKeyId(ada)).isNotEqualTo(one.personKeyId(bob));
        // Another container (a cipher of its own) reads the same key from the table.
        assertThat(cipher(Clock.systemUTC()).decrypt(sealed, "user:" + ada + ":email"))
                .isEqualTo("ada@example.com");
        assertThatThrownBy(() -> one.decrypt(sealed, "user:" + bob + ":email"))
                .isInstanceOf(IllegalArgumentException.class);
        var stored = DynamoDbLocal.client()
                .getItem(r -> r.tableName("DataKeyTable")
                        .key(PersonKeys.item(one.personKeyId(ada)).attributes()))
                .item();
        assertThat(stored.get("wrappedKey").b().asByteArray()).hasSizeGreaterThan(32);
        assertThat(stored.toString()).doesNotContain(ada);
    }

    @Test
    void deletingTheKeyShredsEveryCopyOnceTheCachePasses() {
        String ada = person();
        Instant start = Instant.parse("2026-12-01T10:00:00Z");
        MutableClock clock = new MutableClock(start);
        PersonalDataCipher cipher = cipher(clock);
        String sealed = cipher.encryptFor(ada, "Ada Lovelace", "user:" + ada + ":displayName");
        DynamoDbLocal.client()
                .deleteItem(r -> r.tableName("DataKeyTable")
                        .key(PersonKeys.item(cipher.personKeyId(ada)).attributes()));
        assertThatThrownBy(() -> cipher(clock).decrypt(sealed, "user:" + ada + ":displayName"))
                .hasMessageContaining("destroyed");
        // A container that unwrapped the key keeps it for its cache time, no longer.
        assertThat(cipher.decrypt(sealed, "user:" + ada + ":displayName")).isEqualTo("Ada Lovelace");
        clock.advance(PersonalDataCipher.KEY_CACHE.plusSeconds(1));
        assertThatThrownBy(() -> cipher.decrypt(sealed, "user:" + ada + ":displayName"))
                .hasMessageContaining("destroyed");
    }

    @Test
    void aServiceKeyValueMovesUnderThePersonsKeyAndOthersStayAsTheyAre() {
        String ada = person();
        PersonalDataCipher cipher = cipher(Clock.systemUTC());
        String old = cipher.encrypt("10.0.0.1", "session:s1:ip");
        String moved = cipher.underPersonKey(ada, old, "session:s1:ip");
        assertThat(moved).startsWith("v2.");
        assertThat(cipher.decrypt(moved, "session:s1:ip")).isEqualTo("10.0.0.1");
        assertThat(cipher.underPersonKey(ada, moved, "session:s1:ip")).isEqualTo(moved);
        assertThat(DynamoDbLocal.client()
                        .scan(r -> r.tableName("DataKeyTable")
                                .filterExpression("pk = :pk")
                                .expressionAttributeValues(
                                        Map.of(":pk", AttributeValue.fromS("KEY#" + cipher.personKeyId(ada)))))
                        .count())
                .isOne();
    }
}

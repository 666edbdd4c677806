package app.devskyy.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.Requests;
import app.devskyy.core.testing.HttpEvents;
import com.stripe.net.Webhook;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Stripe receiver's check, against deliveries signed by stripe-java's own helper. */
class StripeVerifierTest {

    private static final String SECRET = "whsec_test_current";
    private static final long NOW = 1_790_000_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    private static final String EVENT = "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"invoice.paid\",\"created\":"
            + (NOW - 5) + ",\"data\":{\"object\":{\"id\":\"in_1\"}}}";

    private static InboundEvent verify(String body, String signature, List<String> secrets) {
        var event = HttpEvents.json("POST", "/api/v1/webhooks/stripe", body);
        event.setHeaders(Map.of("content-type", "application/json", "stripe-signature", signature));
        return StripeVerifier.verify(Requests.of(event), secrets, CLOCK);
    }

    private static String sign(String body, String secret, long timestamp) throws Exception {
        return Webhook.Signature.generateSignatureHeader(body, secret, timestamp);
    }

    @Test
    void aDeliverySignedWithAnActiveSecretIsTheEventItCarries() throws Exception {
        InboundEvent event = verify(EVENT, sign(EVENT, SECRET, NOW), List.of("whsec_test_old", SECRET));
        assertThat(event.id()).isEqualTo("evt_1");
        assertThat(event.type()).isEqualTo("invoice.paid");
        assertThat(event.dedupeKeys()).containsExactly("stripe#evt_1");
        assertThat(event.changedAt()).isEqualTo((NOW - 5) * 1000);
    }

    @Test
    void anotherSecretATamperedBodyOrAStaleTimestampIsRejectedAlike() throws Exception {
        String signature = sign(EVENT, SECRET, NOW);
        for (Runnable rejected : List.<Runnable>of(
                () -> verify(EVENT, signature, List.of("whsec_other")),
                () -> verify(EVENT.replace("in_1", "in_2"), signature, List.of(SECRET)),
                () -> verify(EVENT, signatureAt(NOW - 301), List.of(SECRET)),
                () -> verify(EVENT, "t=" + NOW + ",v0=" + "0".repeat(64), List.of(SECRET)))) {
            assertThatThrownBy(rejected::run)
                    .isInstanceOfSatisfying(
                            ApiProblem.class, p -> assertThat(p.status()).isEqualTo(401));
        }
    }

    private static String signatureAt(long timestamp) {
        try {
            return sign(EVENT, SECRET, timestamp);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aSignedBodyOfTheWrongShapeIsABadRequest() throws Exception {
        String created = EVENT.replace("\"created\":" + (NOW - 5), "\"created\":1e400");
        assertThatThrownBy(() -> verify(created, sign(created, SECRET, NOW), List.of(SECRET)))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.status()).isEqualTo(400));
        String longId = EVENT.replace("evt_1", "evt_" + "a".repeat(3000));
        assertThatThrownBy(() -> verify(longId, sign(longId, SECRET, NOW), List.of(SECRET)))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.status()).isEqualTo(400));
    }
}

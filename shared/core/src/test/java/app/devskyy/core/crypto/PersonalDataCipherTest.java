package app.devskyy.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.config.Config;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PersonalDataCipherTest {

    private static byte[] key() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private final PersonalDataCipher cipher = new PersonalDataCipher(key());

    @Test
    void roundTripsAndNeverRepeatsACiphertext() {
        String first = cipher.encrypt("ada@example.com", "user:u-1:email");
        String second = cipher.encrypt("ada@example.com", "user:u-1:email");
        assertThat(first).startsWith("v1.").isNotEqualTo(second).doesNotContain("ada");
        assertThat(cipher.decrypt(first, "user:u-1:email")).isEqualTo("ada@example.com");
    }

    @Test
    void aCiphertextCannotBeMovedToAnotherRecordOrAltered() {
        String sealed = cipher.encrypt("ada@example.com", "user:u-1:email");
        assertThatThrownBy(() -> cipher.decrypt(sealed, "user:u-2:email")).isInstanceOf(IllegalArgumentException.class);
        byte[] bytes = Base64.getUrlDecoder().decode(sealed.substring(3));
        bytes[bytes.length / 2] ^= 0x01;
        String altered = "v1." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        assertThatThrownBy(() -> cipher.decrypt(altered, "user:u-1:email"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PersonalDataCipher(key()).decrypt(sealed, "user:u-1:email"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void blindIndexesAreStablePerKeyAndRevealNothing() {
        assertThat(cipher.blindIndex("ada@example.com"))
                .isEqualTo(cipher.blindIndex("ada@example.com"))
                .isNotEqualTo(cipher.blindIndex("bob@example.com"))
                .isNotEqualTo(new PersonalDataCipher(key()).blindIndex("ada@example.com"))
                .doesNotContain("ada");
    }

    @Test
    void productionDecryptsTheEnvelopeKeyWithKms() throws Exception {
        byte[] dataKey = key();
        try (mockwebserver3.MockWebServer kms = new mockwebserver3.MockWebServer()) {
            kms.start();
            // KMS Decrypt in its JSON 1.1 wire format.
            kms.enqueue(new mockwebserver3.MockResponse.Builder()
                    .addHeader("content-type", "application/x-amz-json-1.1")
                    .body("{\"KeyId\":\"arn:aws:kms:us-east-1:123456789012:key/k-1\",\"Plaintext\":\""
                            + Base64.getEncoder().encodeToString(dataKey)
                            + "\",\"EncryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"}")
                    .build());
            Config production = Config.of(Map.of(
                    "AWS_REGION",
                    "us-east-1",
                    "AWS_ENDPOINT_URL_KMS",
                    kms.url("/").toString(),
                    "PII_DATA_KEY_CIPHERTEXT",
                    Base64.getEncoder().encodeToString("wrapped-key-blob".getBytes()),
                    "DATA_KEY_TABLE",
                    "devskyy-prod-DataKeyTable"));
            PersonalDataCipher fromKms = DataKeys.personalDataCipher(production, new AwsClients(production));
            assertThat(fromKms.blindIndex("ada@example.com"))
                    .isEqualTo(new PersonalDataCipher(dataKey).blindIndex("ada@example.com"));
            var request = kms.takeRequest();
            assertThat(request.getHeaders().get("x-amz-target")).isEqualTo("TrentService.Decrypt");
            assertThat(request.getBody().utf8())
                    .contains(Base64.getEncoder().encodeToString("wrapped-key-blob".getBytes()));
        }
    }

    @Test
    void productionRefusesAPlaintextKey() {
        String plaintextKey = Base64.getEncoder().encodeToString(key());
        assertThatThrownBy(() -> DataKeys.personalDataCipher(
                        Config.of(Map.of("PII_DATA_KEY", plaintextKey)), new AwsClients(Config.of(Map.of()))))
                .hasMessageContaining("PII_DATA_KEY_CIPHERTEXT");
        Config local = Config.of(Map.of("DEVSKYY_ENV", "local", "PII_DATA_KEY", plaintextKey));
        assertThat(DataKeys.personalDataCipher(local, new AwsClients(local)).blindIndex("x"))
                .isNotBlank();
    }
}

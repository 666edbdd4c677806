package app.devskyy.core.crypto;

import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.config.Config;
import java.time.Clock;
import java.util.Base64;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Where the personal-data key comes from, and where each person's key is kept. In AWS: {@code PII_DATA_KEY_CIPHERTEXT}, a data key that
 * KMS generated and encrypted (envelope encryption), decrypted once per cold start. Locally:
 * {@code PII_DATA_KEY}, the plaintext key the local server keeps in its data folder; production
 * refuses it, so a plaintext key can never slip into a deployment.
 */
public final class DataKeys {

    private DataKeys() {}

    /** The cipher, with the people's keys in the data key table ({@code DATA_KEY_TABLE}). */
    public static PersonalDataCipher personalDataCipher(Config config, AwsClients aws) {
        return new PersonalDataCipher(
                dataKey(config, aws),
                new PersonKeys(aws.dynamoDb(), config.required("DATA_KEY_TABLE", "DataKeyTable")),
                Clock.systemUTC());
    }

    private static byte[] dataKey(Config config, AwsClients aws) {
        if (config.isLocal()) {
            return Base64.getDecoder().decode(config.required("PII_DATA_KEY"));
        }
        if (config.optional("PII_DATA_KEY").isPresent()) {
            throw new IllegalStateException("PII_DATA_KEY is for local development only; use PII_DATA_KEY_CIPHERTEXT");
        }
        byte[] ciphertext = Base64.getDecoder().decode(config.required("PII_DATA_KEY_CIPHERTEXT"));
        try (KmsClient kms = aws.configure(KmsClient.builder(), "KMS").build()) {
            return kms.decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(ciphertext)))
                    .plaintext()
                    .asByteArray();
        }
    }
}

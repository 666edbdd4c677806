package app.devskyy.local;

import app.devskyy.core.auth.AuthSecret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The development secrets of the local server: generated on first start into the data folder and
 * kept there, so that tokens, sessions and encrypted data survive restarts. The auth secret is
 * handed to the local Secrets Manager as its first value (from then on the rotation job may
 * rewrite it there); in AWS the personal-data key's place is taken by KMS.
 */
record LocalSecrets(String authSecret, String personalDataKey) {

    static LocalSecrets load(Path dataDir) throws IOException {
        Path secrets = dataDir.resolve("secrets");
        Files.createDirectories(secrets);
        String auth = readOrCreate(secrets.resolve("auth-secret.json"), AuthSecret::generate);
        String piiKey = readOrCreate(secrets.resolve("pii-data-key"), () -> {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return Base64.getEncoder().encodeToString(key);
        });
        return new LocalSecrets(auth, piiKey.strip());
    }

    private static String readOrCreate(Path file, Supplier<String> generate) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file);
        }
        String value = generate.get();
        Files.writeString(file, value);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the folder's own permissions apply.
        }
        LoggerFactory.getLogger(LocalSecrets.class).info("generated development secret {}", file.getFileName());
        return value;
    }
}

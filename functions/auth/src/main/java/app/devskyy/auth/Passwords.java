package app.devskyy.auth;

import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.FieldError;
import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Password policy and hashing: Argon2id at or above the OWASP minimum (19 MiB, 2 passes, 1 lane),
 * the parameters stored in each PHC string so that they can be raised later: a login with a hash
 * of weaker parameters is rehashed.
 */
public final class Passwords {

    public static final int MIN_LENGTH = 8;
    public static final int MAX_LENGTH = 128;

    private final Argon2Function current;
    private final Set<String> common;
    /** Verified against when the account does not exist, so that both cases cost the same. */
    private final String decoy;

    public Passwords(int memoryKib, int iterations, int parallelism) {
        if (memoryKib < 19 * 1024 || iterations < 2 || parallelism < 1) {
            throw new IllegalArgumentException("Argon2id parameters below the OWASP minimum");
        }
        this.current = Argon2Function.getInstance(memoryKib, iterations, parallelism, 32, Argon2.ID);
        this.common = loadCommon();
        this.decoy = hash("decoy password for unknown accounts");
    }

    public static Passwords owaspMinimum() {
        return new Passwords(19 * 1024, 2, 1);
    }

    /** 422 with a field error at {@code pointer} when the password is not acceptable. */
    public void checkPolicy(String password, String pointer) {
        int length = password.codePointCount(0, password.length());
        if (length < MIN_LENGTH) {
            throw ApiProblem.validation(List.of(
                    new FieldError(pointer, "too-short", "must be at least " + MIN_LENGTH + " characters long")));
        }
        if (length > MAX_LENGTH) {
            throw ApiProblem.validation(
                    List.of(new FieldError(pointer, "too-long", "must be at most " + MAX_LENGTH + " characters long")));
        }
        if (common.contains(password.toLowerCase(Locale.ROOT))) {
            throw ApiProblem.validation(List.of(
                    new FieldError(pointer, "weak-password", "is one of the most common passwords; choose another")));
        }
    }

    public String hash(String password) {
        return Password.hash(password).addRandomSalt(16).with(current).getResult();
    }

    public boolean verify(String password, String hash) {
        try {
            return Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash));
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /** Spends the time of a verification without an account, so timing does not reveal existence. */
    public void verifyDecoy(String password) {
        verify(password, decoy);
    }

    /** True when the hash was made with weaker parameters than today's. */
    public boolean needsRehash(String hash) {
        Argon2Function used = Argon2Function.getInstanceFromHash(hash);
        return used.getVariant() != Argon2.ID
                || used.getMemory() < current.getMemory()
                || used.getIterations() < current.getIterations()
                || used.getParallelism() < current.getParallelism();
    }

    private static Set<String> loadCommon() {
        Set<String> words = new HashSet<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                Passwords.class.getResourceAsStream("/common-passwords.txt"), StandardCharsets.UTF_8))) {
            reader.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(l -> words.add(l.strip()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(words);
    }
}

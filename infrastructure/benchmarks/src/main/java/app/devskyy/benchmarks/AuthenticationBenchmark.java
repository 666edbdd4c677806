package app.devskyy.benchmarks;

import app.devskyy.auth.Passwords;
import app.devskyy.core.auth.AccessTokens;
import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.auth.Role;
import app.devskyy.core.auth.SessionRevocations;
import app.devskyy.core.auth.SigningKeys;
import app.devskyy.core.auth.TokenSettings;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Warm cost of authenticating a request, against its floor: the ES256 signature check alone.
 * And the cost of one Argon2id verification at the OWASP minimum, what every login pays.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AuthenticationBenchmark {

    private Authenticator authenticator;
    private ECDSAVerifier signatureOnly;
    private String token;
    private Passwords passwords;
    private String hash;

    @Setup
    public void setUp() throws Exception {
        SigningKeys keys = SigningKeys.generate();
        TokenSettings settings = new TokenSettings("https://api.devskyy.app", "devskyy-api", Duration.ofMinutes(15));
        // Revocations as other functions see them when warm: an answer from the per-instance cache.
        authenticator = new Authenticator(
                keys.publicJwks(), settings, SessionRevocations.cached(sessionId -> false, Clock.systemUTC()));
        token = new AccessTokens(keys, settings, Clock.systemUTC())
                .issue(new Principal(
                        "usr_1", "ses_1", Map.of("ws_1", Role.ADMIN, "ws_2", Role.DEVELOPER), Optional.empty()));
        signatureOnly = new ECDSAVerifier(keys.newest().toECPublicKey());
        passwords = Passwords.owaspMinimum();
        hash = passwords.hash("correct horse battery");
    }

    @Benchmark
    public boolean es256SignatureOnly() throws Exception {
        return SignedJWT.parse(token).verify(signatureOnly);
    }

    @Benchmark
    public Principal authenticatorVerify() {
        return authenticator.verify(token);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public boolean argon2idVerify() {
        return passwords.verify("correct horse battery", hash);
    }
}

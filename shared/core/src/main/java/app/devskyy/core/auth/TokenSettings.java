package app.devskyy.core.auth;

import app.devskyy.core.config.Config;
import java.time.Duration;

/** Who issues access tokens, for whom, and for how long. */
public record TokenSettings(String issuer, String audience, Duration lifetime) {

    public static TokenSettings from(Config config) {
        return new TokenSettings(
                config.required("AUTH_ISSUER", "http://localhost:3000"),
                config.string("AUTH_AUDIENCE", "devskyy-api"),
                Duration.ofSeconds(config.integer("AUTH_ACCESS_TOKEN_SECONDS", 900)));
    }
}

package app.devskyy.health;

import app.devskyy.core.config.Config;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The health function's settings, read once at start-up.
 *
 * @param tables        logical name to table name, from {@code HEALTH_TABLES=idempotency=devskyy-idempotency,...}
 * @param upstashUrl    {@code UPSTASH_REDIS_REST_URL}, when the deployment uses Upstash
 * @param upstashToken  {@code UPSTASH_REDIS_REST_TOKEN}, required with the URL
 */
public record HealthConfig(
        Map<String, String> tables,
        Optional<String> upstashUrl,
        Optional<String> upstashToken,
        Duration checkTimeout,
        Duration deadline,
        Duration reuseFor,
        Duration warnAfter) {

    public static HealthConfig from(Config config) {
        Map<String, String> tables = new LinkedHashMap<>();
        for (String entry : config.list("HEALTH_TABLES")) {
            int equals = entry.indexOf('=');
            if (equals <= 0 || equals == entry.length() - 1) {
                throw new Config.InvalidSettingException("HEALTH_TABLES");
            }
            tables.put(
                    entry.substring(0, equals).strip(),
                    entry.substring(equals + 1).strip());
        }
        Optional<String> url = config.optional("UPSTASH_REDIS_REST_URL");
        Optional<String> token =
                url.isPresent() ? Optional.of(config.required("UPSTASH_REDIS_REST_TOKEN")) : Optional.empty();
        return new HealthConfig(
                Collections.unmodifiableMap(tables),
                url,
                token,
                config.millis("HEALTH_CHECK_TIMEOUT_MS", Duration.ofMillis(1500)),
                config.millis("HEALTH_DEADLINE_MS", Duration.ofMillis(1900)),
                config.millis("HEALTH_REUSE_MS", Duration.ofMillis(2000)),
                config.millis("HEALTH_WARN_AFTER_MS", Duration.ofMillis(500)));
    }
}

package app.devskyy.core.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads settings once, at start-up, from the environment. A system property of the same name wins
 * over the environment variable: that is how the local server and the tests hand a function its
 * development values without touching the process environment.
 *
 * <p>{@code DEVSKYY_ENV} says where we run: {@code production} (the default, and what Lambda
 * gets) or {@code local}. In production a missing required setting stops the start with a
 * {@link MissingSettingException} naming it; locally the development value is used and logged.
 */
public final class Config {

    private static final Logger LOG = LoggerFactory.getLogger(Config.class);

    private final UnaryOperator<String> source;
    private final boolean local;

    Config(UnaryOperator<String> source) {
        this.source = source;
        this.local = "local".equals(source.apply("DEVSKYY_ENV"));
    }

    public static Config fromEnvironment() {
        return new Config(name -> {
            String property = System.getProperty(name);
            return property != null ? property : System.getenv(name);
        });
    }

    /** For tests: settings from a fixed map. */
    public static Config of(Map<String, String> settings) {
        return new Config(settings::get);
    }

    public boolean isLocal() {
        return local;
    }

    public Optional<String> optional(String name) {
        String value = source.apply(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    /** A setting every deployment must provide. */
    public String required(String name) {
        return optional(name).orElseThrow(() -> new MissingSettingException(name));
    }

    /** A setting production must provide; the local server falls back to a development value. */
    public String required(String name, String developmentValue) {
        Optional<String> value = optional(name);
        if (value.isPresent()) {
            return value.get();
        }
        if (!local) {
            throw new MissingSettingException(name);
        }
        LOG.info("setting {} is not set; using its development value", name);
        return developmentValue;
    }

    public String string(String name, String defaultValue) {
        return optional(name).orElse(defaultValue);
    }

    public int integer(String name, int defaultValue) {
        return optional(name).map(v -> parse(name, v, Integer::parseInt)).orElse(defaultValue);
    }

    public boolean flag(String name, boolean defaultValue) {
        return optional(name)
                .map(v -> parse(name, v, s -> switch (s.toLowerCase(Locale.ROOT)) {
                    case "true", "on", "1", "yes" -> true;
                    case "false", "off", "0", "no" -> false;
                    default -> throw new IllegalArgumentException(s);
                }))
                .orElse(defaultValue);
    }

    public Duration millis(String name, Duration defaultValue) {
        return optional(name)
                .map(v -> Duration.ofMillis(parse(name, v, Long::parseLong)))
                .orElse(defaultValue);
    }

    /** A comma-separated list; empty when unset. */
    public List<String> list(String name) {
        return optional(name)
                .map(v -> Arrays.stream(v.split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .toList())
                .orElse(List.of());
    }

    private static <T> T parse(String name, String value, Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            // The value itself is not echoed: it may be a secret set under the wrong name.
            throw new InvalidSettingException(name);
        }
    }

    /** A required setting is absent. */
    public static final class MissingSettingException extends IllegalStateException {
        public MissingSettingException(String name) {
            super("required setting " + name + " is not set");
        }
    }

    /** A setting is present but not of its type. */
    public static final class InvalidSettingException extends IllegalStateException {
        public InvalidSettingException(String name) {
            super("setting " + name + " has a value of the wrong type");
        }
    }
}

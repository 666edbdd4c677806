package app.devskyy.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** What the build baked in: version, git commit and build time (see {@code build-info.properties}). */
public record BuildInfo(String version, String commit, String buildTime) {

    public static BuildInfo load() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/build-info.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BuildInfo(value(properties, "version"), value(properties, "commit"), value(properties, "buildTime"));
    }

    /** A property left unfiltered (a build outside git) reads as "unknown" rather than "${...}". */
    private static String value(Properties properties, String name) {
        String value = properties.getProperty(name, "");
        return value.isBlank() || value.startsWith("${") ? "unknown" : value;
    }

    /** The major version, which health+json calls {@code version}; {@code releaseId} is the full one. */
    public String majorVersion() {
        int dot = version.indexOf('.');
        return dot > 0 ? version.substring(0, dot) : version;
    }
}

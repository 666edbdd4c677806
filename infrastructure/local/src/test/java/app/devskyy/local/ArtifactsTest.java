package app.devskyy.local;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.testing.Events;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The Lambda zips the template deploys (built by {@code package}, before these tests run in
 * {@code verify}) carry what their functions use and not what only a server or another family
 * needs: the regressions that made every zip 34 to 42 MB.
 */
class ArtifactsTest {

    private static final Path ROOT = Events.repositoryRoot();

    private static Set<String> libraries(String family) throws IOException {
        Path zip = ROOT.resolve("functions").resolve(family).resolve("target").resolve(family + ".zip");
        assertThat(zip).as("built by package").exists();
        Set<String> names = new TreeSet<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            file.stream()
                    .map(ZipEntry::getName)
                    .filter(n -> n.startsWith("lib/"))
                    .map(n -> n.substring("lib/".length()).replaceFirst("-\\d[^-]*\\.jar$", ""))
                    .forEach(names::add);
        }
        return names;
    }

    @Test
    void noZipCarriesAWebServerOrRestClientAndOnlyFamiliesWithPersonalDataCarryKms() throws IOException {
        List<String> families;
        try (var listing = Files.list(ROOT.resolve("functions"))) {
            families = listing.filter(d -> Files.exists(d.resolve("pom.xml")))
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList();
        }
        assertThat(families).contains("health", "auth", "maintenance");
        for (String family : families) {
            Set<String> libraries = libraries(family);
            assertThat(libraries)
                    .as(family)
                    .contains("dynamodb", "nimbus-jose-jwt")
                    .doesNotContain(
                            "spring-web",
                            "spring-boot-web-server",
                            "spring-boot-restclient",
                            "apache-client",
                            "netty-nio-client");
            if (!family.equals("maintenance")) {
                assertThat(libraries)
                        .as(family + ": only maintenance notifies operations")
                        .doesNotContain("sns");
            }
        }
        // Health stores no personal data, sends no mail and exports nothing.
        assertThat(libraries("health")).doesNotContain("kms", "sesv2", "s3", "sns", "secretsmanager");
        assertThat(libraries("auth")).contains("kms", "sesv2", "s3", "secretsmanager");
    }
}

package app.devskyy.local;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.testing.Events;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules that keep the families separately deployable over one core, checked on the compiled
 * classes of every deployed module (tests and the local server excluded).
 */
class ArchitectureTest {

    static final Set<String> FAMILIES = Set.of("health", "auth", "llmproxy", "webhooks");
    static JavaClasses deployed;

    @BeforeAll
    static void importDeployedClasses() {
        // Tests and the test-jars (the harness) are not deployed; the family and shared modules' main classes are.
        deployed = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.asURI().toString().matches(".*(-tests\\.jar|/test-classes/).*"))
                .importPackages(
                        "app.devskyy.core",
                        "app.devskyy.llm",
                        "app.devskyy.health",
                        "app.devskyy.auth",
                        "app.devskyy.llmproxy",
                        "app.devskyy.webhooks");
    }

    /** Each family deploys alone: a family that used another's classes would ship and couple to them. */
    @Test
    void noFamilyDependsOnAnother() {
        for (String family : FAMILIES) {
            String[] others = FAMILIES.stream()
                    .filter(f -> !f.equals(family))
                    .map(f -> "app.devskyy." + f + "..")
                    .toArray(String[]::new);
            noClasses()
                    .that()
                    .resideInAPackage("app.devskyy." + family + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(others)
                    .check(deployed);
        }
    }

    /** The shared modules are below every family: nothing shared may know one. */
    @Test
    void sharedCodeDependsOnNoFamilyNorOnTheLocalServer() {
        String[] families =
                FAMILIES.stream().map(f -> "app.devskyy." + f + "..").toArray(String[]::new);
        noClasses()
                .that()
                .resideInAnyPackage("app.devskyy.core..", "app.devskyy.llm..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(families)
                .check(deployed);
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("app.devskyy.local..", "app.devskyy.benchmarks..")
                .check(deployed);
    }

    /**
     * AWS SDK types stay in stores, initializers and the core: routes, services, effects and
     * verifiers speak the family's own types, so they can be tested with {@code new} and a store
     * can change its access pattern without touching them.
     */
    @Test
    void routesServicesEffectsAndVerifiersUseNoAwsSdkType() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        FAMILIES.stream().map(f -> "app.devskyy." + f + "..").toArray(String[]::new))
                .and()
                .haveSimpleNameEndingWith("Routes")
                .or()
                .haveSimpleNameEndingWith("Service")
                .or()
                .haveSimpleNameEndingWith("Effects")
                .or()
                .haveSimpleNameEndingWith("Verifier")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("software.amazon.awssdk..")
                .check(deployed);
    }

    /** What only the local server and the tests use is no part of a deployed zip. */
    @Test
    void theDeployableCoreHoldsNoHarnessCode() {
        noClasses()
                .should()
                .haveSimpleName("FunctionStarter")
                .orShould()
                .haveSimpleName("LocalContext")
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage("org.junit..", "okhttp3.mockwebserver3..")
                .check(deployed);
    }

    private static final Pattern INLINE_QUALIFIED = Pattern.compile(
            "(?<![\\w.\"])(java|javax|software|com|org|tools|app)\\.[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*\\.[A-Z]\\w*");

    /** Types are imported, not written out inline: a reader sees a class's dependencies in its imports. */
    @Test
    void noFullyQualifiedTypeNamesInline() throws IOException {
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Events.repositoryRoot())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")
                            && f.toString().contains("/src/")
                            && !f.toString().contains("/target/"))
                    .toList()) {
                List<String> lines = Files.readAllLines(file);
                boolean inComment = false;
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).strip();
                    if (line.startsWith("/*")) {
                        inComment = true;
                    }
                    boolean code = !inComment
                            && !line.startsWith("//")
                            && !line.startsWith("import ")
                            && !line.startsWith("package ");
                    if (code
                            && INLINE_QUALIFIED
                                    .matcher(line.replaceAll("\"([^\"\\\\]|\\\\.)*\"", "\"\""))
                                    .find()) {
                        offenders.add(Events.repositoryRoot().relativize(file) + ":" + (i + 1));
                    }
                    if (line.contains("*/")) {
                        inComment = false;
                    }
                }
            }
        }
        assertThat(offenders).isEmpty();
    }
}

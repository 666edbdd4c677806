package app.devskyy.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What each Lambda artifact weighs and what weighs most in it: every {@code functions/<family>/target/<family>.zip}
 * the build made, its size, and its five largest entries (compressed, as they count against the
 * zip). Results go to standard output and to {@code infrastructure/benchmarks/target/artifacts.md}.
 */
public final class ArtifactSizes {

    /** Lambda's own limit is 50 MB zipped for a direct upload; this project's goal is 30. */
    private static final double GOAL_MIB = 30;

    private ArtifactSizes() {}

    public static void main(String[] args) throws IOException {
        List<Path> zips;
        try (Stream<Path> families = Files.list(Path.of("functions"))) {
            zips = families.map(f -> f.resolve("target").resolve(f.getFileName() + ".zip"))
                    .filter(Files::exists)
                    .sorted()
                    .toList();
        }
        StringBuilder report = new StringBuilder(
                "| artifact | MiB | within 30 MiB | largest parts (MiB, compressed) |\n" + "|---|---|---|---|\n");
        for (Path zip : zips) {
            double mib = Files.size(zip) / 1048576.0;
            List<ZipEntry> entries = new ArrayList<>();
            try (ZipFile file = new ZipFile(zip.toFile())) {
                file.stream().filter(e -> !e.isDirectory()).forEach(entries::add);
            }
            String largest = entries.stream()
                    .sorted(Comparator.comparingLong(ZipEntry::getCompressedSize)
                            .reversed())
                    .limit(5)
                    .map(e -> String.format(
                            Locale.ROOT,
                            "%s %.2f",
                            e.getName().replaceFirst("^lib/", "").replaceFirst("\\.jar$", ""),
                            e.getCompressedSize() / 1048576.0))
                    .reduce((a, b) -> a + ", " + b)
                    .orElse("");
            report.append(String.format(
                    Locale.ROOT,
                    "| `%s` | %.2f | %s | %s |%n",
                    zip.getFileName(),
                    mib,
                    mib <= GOAL_MIB ? "yes" : "no",
                    largest));
        }
        System.out.print(report);
        Path out = Path.of("infrastructure/benchmarks/target/artifacts.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }
}

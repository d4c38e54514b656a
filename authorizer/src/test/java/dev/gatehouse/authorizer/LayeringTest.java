package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The authorizer's packages are layers whose imports only run downwards (ARCHITECTURE.md): {@code exceptions} at the
 * bottom, then {@code keys}, {@code token} and {@code policy}, then the handlers' package on top. Checked on the main
 * sources, so a new upward import fails the build instead of a review.
 */
class LayeringTest {

    private static final Path MAIN = Path.of("src/main/java/dev/gatehouse/authorizer");
    private static final String ROOT = "dev.gatehouse.authorizer";
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.gatehouse\\.authorizer(\\.[a-z]+)?\\.[A-Z]");

    /** What each layer may use of the authorizer's packages (besides itself); {@code ""} is the handlers' package. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "exceptions", Set.of(),
            "keys", Set.of("exceptions"),
            "token", Set.of("exceptions", "keys"),
            "policy", Set.of("exceptions"),
            "", Set.of("exceptions", "keys", "token", "policy"));

    @Test
    void shouldOnlyImportDownwards() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String layer = layerOf(MAIN.relativize(file.getParent()).toString());
                Matcher matcher = REFERENCE.matcher(Files.readString(file));
                while (matcher.find()) {
                    String used =
                            matcher.group(1) == null ? "" : matcher.group(1).substring(1);
                    if (!used.equals(layer) && !ALLOWED.get(layer).contains(used)) {
                        violations.add(MAIN.relativize(file) + " uses " + ROOT + (used.isEmpty() ? "" : "." + used));
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void shouldKnowEveryPackageOfTheAuthorizer() throws IOException {
        try (Stream<Path> dirs = Files.walk(MAIN)) {
            List<String> packages = dirs.filter(Files::isDirectory)
                    .map(d -> MAIN.relativize(d).toString())
                    .toList();
            assertThat(ALLOWED.keySet()).containsAll(packages);
        }
    }

    private static String layerOf(String relative) {
        assertThat(ALLOWED).as("a layer for package '%s'", relative).containsKey(relative);
        return relative;
    }
}

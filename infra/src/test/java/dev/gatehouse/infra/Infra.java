package dev.gatehouse.infra;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the repository, {@code infra/} and the packaged templates are, as the build passes them in. */
final class Infra {

    /** The params a dev stage needs ({@code tokenIssuer}, {@code jwksUri}, {@code audience}), as test values. */
    static final List<String> DEV_PARAMS = List.of(
            "tokenIssuer=https://gatehouse-dev.example.com/",
            "jwksUri=https://gatehouse-dev.example.com/.well-known/jwks.json",
            "audience=https://api.dev.example.com");

    private Infra() {}

    /** {@link #DEV_PARAMS} and then {@code more} ({@code key=value}). */
    static List<String> devParams(String... more) {
        return Stream.concat(DEV_PARAMS.stream(), Stream.of(more)).toList();
    }

    static Path repoDir() {
        return directory("gatehouse.repo.dir");
    }

    static Path infraDir() {
        return directory("gatehouse.infra.dir");
    }

    /**
     * The output of {@code osls package --package <dir>} for one packaging run of the build ({@code dev}, {@code prod},
     * …).
     */
    static PackagedService packaged(String name) {
        return PackagedService.load(directory("gatehouse.infra.templates.dir").resolve(name), infraDir());
    }

    /** The osls the build installed with {@code npm ci}. */
    static Path osls() {
        Path osls = infraDir().resolve("node_modules/.bin/osls");
        if (!Files.isExecutable(osls)) {
            throw new IllegalStateException(
                    osls + " is missing: the build installs it with `npm ci` in infra/ at the package phase");
        }
        return osls;
    }

    static String property(String name) {
        return requireNonNull(
                System.getProperty(name), () -> "System property " + name + " is not set; run through ./mvnw verify");
    }

    private static Path directory(String property) {
        Path dir = Path.of(property(property));
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(property + " must name a directory, got " + dir);
        }
        return dir;
    }
}

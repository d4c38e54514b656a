package dev.gatehouse.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Serves the benchmark fixture's HTTPS JWKS on 127.0.0.1 until killed, and writes a shell file with the authorizer's
 * environment, a valid token and the JVM trust options, for cold-start experiments by hand:
 * {@code . bench/target/fixture.env && java $TRUST -cp ... dev.gatehouse.bench.ColdStartMain}.
 */
public final class FixtureServer {

    private FixtureServer() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "bench/target"));
        Fixture fixture = new Fixture(dir.resolve("fixture-tls"));
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, String> e : fixture.env().entrySet()) {
            lines.add("export " + e.getKey() + "='" + e.getValue() + "'");
        }
        List<String> tokens = fixture.tokens(256);
        Files.write(dir.resolve("fixture-tokens.txt"), tokens);
        lines.add("export TOKEN='" + tokens.get(0) + "'");
        lines.add("export TRUST='" + String.join(" ", fixture.javaTrustOptions()) + "'");
        fixture.nodeTrustEnv().forEach((k, v) -> lines.add("export " + k + "='" + v + "'"));
        Files.write(dir.resolve("fixture.env"), lines);
        System.out.println("JWKS at " + fixture.jwksUri() + "; environment in " + dir.resolve("fixture.env"));
        Thread.currentThread().join();
    }
}

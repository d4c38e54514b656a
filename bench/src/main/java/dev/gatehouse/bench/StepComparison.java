package dev.gatehouse.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Before/after figures for one redesign step, in one run: the plain-process cold start ({@link ColdStartMain}) and
 * the warm decision ({@link WarmProbe}) of the current authorizer.jar and of a baseline one, both under Lambda's
 * default flags, in a shuffled order per round so machine noise hits both alike. Writes its section of
 * BENCHMARKS.md (between the step markers, the rest of the file untouched).
 *
 * <p>Args: {@code <repository root> <baseline authorizer.jar> <baseline label> [rounds]}. Run through
 * {@code bench/compare}.
 */
public final class StepComparison {

    static final String BEGIN = "<!-- step comparison: written by bench/compare -->";
    static final String END = "<!-- end of step comparison -->";
    private static final Pattern WARM = Pattern.compile("p50=(\\d+) p99=(\\d+)");

    private StepComparison() {}

    public static void main(String[] args) throws Exception {
        BenchRunner.requireAccp();
        Path root = Path.of(args[0]).toAbsolutePath();
        Path baseline = Path.of(args[1]).toAbsolutePath();
        String label = args[2];
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        Path current = root.resolve("authorizer/target/authorizer.jar");
        Path work = Files.createDirectories(root.resolve("bench/target/compare"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String benchClasses = root.resolve("bench/target/classes").toString();

        Map<String, Path> jars = new LinkedHashMap<>();
        jars.put("before (" + label + ")", baseline);
        jars.put("after (this commit)", current);
        Map<String, List<Double>> cold = new LinkedHashMap<>();
        Map<String, List<Long>> p50 = new LinkedHashMap<>();
        Map<String, List<Long>> p99 = new LinkedHashMap<>();
        try (Fixture fixture = new Fixture(work)) {
            Path tokens = work.resolve("tokens.txt");
            List<String> minted = fixture.tokens(2048);
            Files.write(tokens, minted, StandardCharsets.US_ASCII);
            Map<String, String> env = new LinkedHashMap<>(fixture.env());
            env.put("TOKEN", minted.get(0));
            Random shuffle = new Random(20261207L);
            for (int round = 0; round < rounds; round++) {
                List<String> order = new ArrayList<>(jars.keySet());
                Collections.shuffle(order, shuffle);
                for (String name : order) {
                    List<String> command =
                            command(java, fixture, jars.get(name), benchClasses, ColdStartMain.class.getName());
                    long started = System.nanoTime();
                    String out = run(command, env, work);
                    cold.computeIfAbsent(name, k -> new ArrayList<>()).add((System.nanoTime() - started) / 1e6);
                    if (!out.contains("\"Allow\"")) {
                        throw new IllegalStateException(name + " did not allow:\n" + out);
                    }
                }
                if (round % 3 == 0) {
                    for (String name : order) {
                        List<String> command =
                                command(java, fixture, jars.get(name), benchClasses, WarmProbe.class.getName());
                        command.addAll(List.of(tokens.toString(), "30000", "30000"));
                        Matcher m = WARM.matcher(run(command, env, work));
                        if (!m.find()) {
                            throw new IllegalStateException(name + ": no warm figures");
                        }
                        p50.computeIfAbsent(name, k -> new ArrayList<>()).add(Long.parseLong(m.group(1)));
                        p99.computeIfAbsent(name, k -> new ArrayList<>()).add(Long.parseLong(m.group(2)));
                    }
                }
            }
        }

        StringBuilder md = new StringBuilder(BEGIN)
                .append("\n## Before and after the last redesign step\n\n")
                .append("Same run, same machine, shuffled order per round; Lambda's default flags (")
                .append(String.join(" ", BenchRunner.LAMBDA_DEFAULT_FLAGS))
                .append("). Cold start: JVM start → JWKS over HTTPS → one ")
                .append("decision → exit (")
                .append(rounds)
                .append(" runs each). Warm: one decision at a time after 30,000 ")
                .append("warm-up decisions, 30,000 timed (")
                .append(p50.values().iterator().next().size())
                .append(" processes each).\n\n")
                .append("| authorizer.jar | jar KiB | cold start median (min–max) ms | warm p50 µs (median of "
                        + "processes) | warm p99 µs |\n")
                .append("| --- | ---: | ---: | ---: | ---: |\n");
        for (String name : jars.keySet()) {
            List<Double> c = cold.get(name).stream().sorted().toList();
            md.append("| ")
                    .append(name)
                    .append(" | ")
                    .append(Files.size(jars.get(name)) / 1024)
                    .append(" | ")
                    .append(BenchRunner.format(c.get(c.size() / 2)))
                    .append(" (")
                    .append(BenchRunner.format(c.get(0)))
                    .append("–")
                    .append(BenchRunner.format(c.get(c.size() - 1)))
                    .append(") | ")
                    .append(BenchRunner.format(median(p50.get(name)) / 1000.0))
                    .append(" | ")
                    .append(BenchRunner.format(median(p99.get(name)) / 1000.0))
                    .append(" |\n");
        }
        md.append('\n').append(END);
        Path report = root.resolve("BENCHMARKS.md");
        Files.writeString(report, withSection(Files.readString(report), md.toString()));
        System.out.println(md);
    }

    /** {@code text} with its step section replaced by {@code section}, or {@code section} appended when it has none. */
    static String withSection(String text, String section) {
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            return text.stripTrailing() + "\n\n" + section + "\n";
        }
        return text.substring(0, begin) + section + text.substring(end + END.length());
    }

    private static List<String> command(String java, Fixture fixture, Path jar, String benchClasses, String main) {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(BenchRunner.LAMBDA_DEFAULT_FLAGS);
        command.addAll(fixture.javaTrustOptions());
        command.addAll(List.of("-cp", jar + ":" + benchClasses, main));
        return command;
    }

    private static String run(List<String> command, Map<String, String> env, Path work)
            throws IOException, InterruptedException {
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(
                    String.join(" ", command) + " failed:\n" + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }
}

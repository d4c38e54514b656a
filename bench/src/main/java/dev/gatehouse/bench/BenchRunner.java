package dev.gatehouse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gatehouse.authorizer.token.CryptoProvider;
import dev.gatehouse.local.ColdStartProbe;
import dev.gatehouse.local.ServerlessConfig.FunctionDefinition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark of BENCHMARKS.md in one go, on one machine, against one key, one token set and one loopback
 * JWKS endpoint: the OpenSSL limit, our warm decision path (JMH, under Lambda's default C1-only flags and under full
 * tiered compilation), the two Node peers warm, and plain-process cold starts of ours and the peers. Writes
 * {@code bench/target/results.json} and regenerates {@code BENCHMARKS.md}.
 *
 * <p>Arguments: {@code <repository root>} [{@code --quick}] (shorter runs, for checking the harness itself).
 */
public final class BenchRunner {

    /**
     * What AWS Lambda's java21/java25 runtimes start the JVM with unless SnapStart or provisioned concurrency is on.
     */
    static final List<String> LAMBDA_DEFAULT_FLAGS =
            List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");

    /** The prefix of the rows whose command runs pinned to CPU 0 ({@code taskset -c 0}). */
    static final String ONE_CPU = "1 CPU: ";

    private static final String JDK_CRYPTO = "gatehouse, CRYPTO_PROVIDER=jdk (java, Lambda default flags)";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;
    private final boolean quick;
    private final Path work;
    private final Map<String, Object> results = new LinkedHashMap<>();

    private BenchRunner(Path root, boolean quick) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.quick = quick;
        this.work = Files.createDirectories(this.root.resolve("bench/target/run"));
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: BenchRunner <repository root> [--quick]");
            System.exit(2);
        }
        BenchRunner runner = new BenchRunner(Path.of(args[0]), List.of(args).contains("--quick"));
        if (List.of(args).contains("--report-only")) {
            runner.report();
        } else {
            requireAccp();
            runner.run();
        }
    }

    /** Renders BENCHMARKS.md again from the last run's bench/target/results.json (after editing the report's text). */
    private void report() throws IOException {
        JsonNode last = JSON.readTree(Files.readString(root.resolve("bench/target/results.json")));
        Files.writeString(root.resolve("BENCHMARKS.md"), keepingStepSection(Report.render(last)));
    }

    private void run() throws Exception {
        results.put("machine", machine());
        try (Fixture fixture = new Fixture(work)) {
            List<String> tokens = fixture.tokens(2048);
            Path tokensFile = work.resolve("tokens.txt");
            Files.write(tokensFile, tokens, StandardCharsets.US_ASCII);

            results.put("openssl", openssl());
            results.put(
                    "jmh",
                    Map.of(
                            "lambdaDefaultFlags", jmh(LAMBDA_DEFAULT_FLAGS),
                            "fullTiered", jmh(List.of("-XX:+UseSerialGC"))));
            results.put(
                    "nodeWarm",
                    Map.of(
                            "auth0-sample", nodeWarm(fixture, "auth0-sample", tokensFile),
                            "aws-jwt-verify", nodeWarm(fixture, "aws-jwt-verify", tokensFile)));
            results.put("coldStart", coldStarts(fixture, tokens.get(0)));
            results.put("coldStartRuntimeClient", runtimeClientColdStart(fixture, tokens.get(0)));
            results.put("priming", priming(fixture, tokensFile));
        }
        Files.writeString(root.resolve("bench/target/results.json"), JSON.writeValueAsString(results));
        String report = keepingStepSection(Report.render(JSON.valueToTree(results)));
        Files.writeString(root.resolve("BENCHMARKS.md"), report);
        System.out.println(report);
    }

    private Map<String, Object> machine() throws IOException, InterruptedException {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("date", Instant.now().toString());
        machine.put(
                "cpu",
                Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                        .filter(l -> l.startsWith("model name"))
                        .findFirst()
                        .map(l -> l.substring(l.indexOf(':') + 1).strip())
                        .orElse("unknown"));
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("node", exec(List.of("node", "--version"), Map.of()).stdout.strip());
        machine.put(
                "openssl", exec(List.of("openssl", "version"), Map.of()).stdout.strip());
        return machine;
    }

    private Map<String, Object> openssl() throws IOException, InterruptedException {
        Exec speed = exec(List.of("openssl", "speed", "-seconds", quick ? "1" : "5", "rsa2048"), Map.of());
        Matcher m = Pattern.compile("rsa 2048 bits\\s+\\S+\\s+\\S+\\s+([0-9.]+)\\s+([0-9.]+)")
                .matcher(speed.stdout);
        if (!m.find()) {
            throw new IllegalStateException("cannot read 'openssl speed rsa2048' output:\n" + speed.stdout);
        }
        return Map.of(
                "verifyPerSecond", Double.parseDouble(m.group(2)), "signPerSecond", Double.parseDouble(m.group(1)));
    }

    private Map<String, Object> jmh(List<String> flags) throws Exception {
        Options options = new OptionsBuilder()
                .include(DecisionBenchmark.class.getName() + "\\.")
                .include(RawRsaBenchmark.class.getName() + "\\.")
                .mode(Mode.SampleTime)
                .timeUnit(TimeUnit.MICROSECONDS)
                .warmupIterations(quick ? 1 : 5)
                .warmupTime(TimeValue.seconds(quick ? 1 : 2))
                .measurementIterations(quick ? 1 : 5)
                .measurementTime(TimeValue.seconds(quick ? 1 : 2))
                // Two forks at least: one JVM's layout and JIT decisions are one sample, not a figure.
                .forks(quick ? 1 : 2)
                .jvmArgsAppend(flags.toArray(String[]::new))
                .addProfiler(GCProfiler.class)
                .build();
        Collection<RunResult> runs = new Runner(options).run();
        Map<String, Object> byBenchmark = new LinkedHashMap<>();
        for (RunResult run : runs) {
            String name = run.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1) + "["
                    + run.getParams().getParam("crypto") + "]";
            var stats = run.getPrimaryResult().getStatistics();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("flags", String.join(" ", flags));
            row.put("meanMicros", stats.getMean());
            row.put("p50Micros", stats.getPercentile(50));
            row.put("p99Micros", stats.getPercentile(99));
            // From the median: the mean of a latency distribution is pulled by its GC and safepoint tail.
            row.put("opsPerSecond", 1_000_000 / stats.getPercentile(50));
            Result<?> alloc = run.getSecondaryResults().get("gc.alloc.rate.norm");
            row.put("bytesAllocatedPerOp", alloc == null ? null : alloc.getScore());
            byBenchmark.put(name, row);
        }
        return byBenchmark;
    }

    private JsonNode nodeWarm(Fixture fixture, String impl, Path tokensFile) throws IOException, InterruptedException {
        Exec warm = exec(
                List.of(
                        "node",
                        root.resolve("bench/node/bench.js").toString(),
                        "warm",
                        impl,
                        tokensFile.toString(),
                        quick ? "1000" : "5000",
                        quick ? "3000" : "30000"),
                nodeEnv(fixture));
        if (warm.exitCode != 0) {
            throw new IllegalStateException(impl + " warm benchmark failed:\n" + warm.stderr);
        }
        return JSON.readTree(warm.stdout);
    }

    /**
     * Start → JWKS fetched → one token verified → policy printed → exit, interleaved so machine noise hits all alike.
     */
    private Map<String, Object> coldStarts(Fixture fixture, String token) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = root.resolve("authorizer/target/authorizer.jar") + ":" + benchJar();
        Map<String, List<String>> commands = new LinkedHashMap<>();
        List<String> ours = new ArrayList<>(List.of(java));
        ours.addAll(LAMBDA_DEFAULT_FLAGS);
        ours.addAll(fixture.javaTrustOptions());
        ours.addAll(List.of("-cp", classpath, ColdStartMain.class.getName()));
        commands.put("gatehouse (java, Lambda default flags)", ours);
        // The same command; the runner gives this one CRYPTO_PROVIDER=jdk (see JDK_CRYPTO below).
        commands.put(JDK_CRYPTO, ours);
        // JDK 25's AOT cache (JEP 483/514/515), trained by one run of the same command.
        Path aotCache = work.resolve("authorizer.aot");
        Files.deleteIfExists(aotCache);
        List<String> training = new ArrayList<>(ours);
        training.remove("-Xshare:auto");
        training.add(1, "-XX:AOTCacheOutput=" + aotCache);
        Map<String, String> trainingEnv = new HashMap<>(nodeEnv(fixture));
        trainingEnv.put("TOKEN", token);
        Exec trained = exec(training, trainingEnv);
        if (trained.exitCode != 0 || !Files.isRegularFile(aotCache)) {
            throw new IllegalStateException("AOT cache training failed:\n" + trained.stdout + trained.stderr);
        }
        List<String> withAot = new ArrayList<>(ours);
        withAot.add(1, "-XX:AOTCache=" + aotCache);
        // Not a Lambda shape: Lambda starts the JVM with -Xshare:auto, which a JVM refuses beside -XX:AOTCache.
        withAot.remove("-Xshare:auto");
        commands.put("gatehouse + JDK 25 AOT cache (java, C1, no -Xshare:auto: cannot run on Lambda)", withAot);
        List<String> jvmDefaults = new ArrayList<>(List.of(java));
        jvmDefaults.addAll(fixture.javaTrustOptions());
        jvmDefaults.addAll(List.of("-cp", classpath, ColdStartMain.class.getName()));
        commands.put("gatehouse (java, JVM default flags)", jvmDefaults);
        String bench = root.resolve("bench/node/bench.js").toString();
        commands.put("auth0-sample (node)", List.of("node", bench, "cold", "auth0-sample"));
        commands.put("aws-jwt-verify (node)", List.of("node", bench, "cold", "aws-jwt-verify"));
        // Lambda at 1024 MB gets well under one vCPU: the same starts pinned to one CPU.
        commands.put(ONE_CPU + "gatehouse (java, Lambda default flags)", pinned(ours));
        commands.put(ONE_CPU + "auth0-sample (node)", pinned(List.of("node", bench, "cold", "auth0-sample")));
        commands.put(ONE_CPU + "aws-jwt-verify (node)", pinned(List.of("node", bench, "cold", "aws-jwt-verify")));

        Map<String, String> env = new HashMap<>(nodeEnv(fixture));
        env.put("TOKEN", token);
        int runs = quick ? 3 : 15;
        Map<String, List<Double>> millis = new LinkedHashMap<>();
        Map<String, List<Long>> rss = new LinkedHashMap<>();
        List<Map.Entry<String, List<String>>> order = new ArrayList<>(commands.entrySet());
        Random shuffle = new Random(20261207L);
        for (int i = 0; i < runs; i++) {
            // A new order each round: in a fixed order the first command pays for the machine's idle state.
            Collections.shuffle(order, shuffle);
            for (Map.Entry<String, List<String>> command : order) {
                List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "maxrss_kb=%M"));
                timed.addAll(command.getValue());
                Map<String, String> commandEnv = env;
                if (command.getKey().equals(JDK_CRYPTO)) {
                    commandEnv = new HashMap<>(env);
                    commandEnv.put("CRYPTO_PROVIDER", "jdk");
                }
                long start = System.nanoTime();
                Exec exec = exec(timed, commandEnv);
                double elapsed = (System.nanoTime() - start) / 1e6;
                if (exec.exitCode != 0 || !exec.stdout.contains("\"Allow\"")) {
                    throw new IllegalStateException(
                            command.getKey() + " did not print an Allow policy:\n" + exec.stdout + exec.stderr);
                }
                Matcher m = Pattern.compile("maxrss_kb=(\\d+)").matcher(exec.stderr);
                millis.computeIfAbsent(command.getKey(), k -> new ArrayList<>()).add(elapsed);
                rss.computeIfAbsent(command.getKey(), k -> new ArrayList<>())
                        .add(m.find() ? Long.parseLong(m.group(1)) : -1);
            }
        }
        Map<String, Object> cold = new LinkedHashMap<>();
        for (String name : commands.keySet()) {
            List<Double> sorted = millis.get(name).stream().sorted().toList();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("runs", sorted.size());
            row.put("medianMillis", sorted.get(sorted.size() / 2));
            row.put("minMillis", sorted.get(0));
            row.put("maxMillis", sorted.get(sorted.size() - 1));
            row.put(
                    "peakRssMiB",
                    rss.get(name).stream().mapToLong(Long::longValue).max().orElse(-1) / 1024.0);
            cold.put(name, row);
        }
        return cold;
    }

    private static List<String> pinned(List<String> command) {
        List<String> pinned = new ArrayList<>(List.of("taskset", "-c", "0"));
        pinned.addAll(command);
        return pinned;
    }

    /** JVM start → first decision posted, under AWS's runtime interface client with Lambda's default flags. */
    private Map<String, Object> runtimeClientColdStart(Fixture fixture, String token) throws IOException {
        ColdStartProbe probe = new ColdStartProbe(
                root.resolve("local/target/lambda-runtime"), Files.createDirectories(work.resolve("ric")));
        String event = JSON.writeValueAsString(
                Map.of("type", "TOKEN", "authorizationToken", "Bearer " + token, "methodArn", Fixture.METHOD_ARN));
        // The deployed entry point (stream) with each provider, and the event-object handler it replaced, for the
        // runtime client's own serializer's share of the cold start.
        Map<String, FunctionDefinition> functions = new LinkedHashMap<>();
        for (List<String> variant : List.of(
                List.of("accp", "AuthorizerStreamHandler"),
                List.of("jdk", "AuthorizerStreamHandler"),
                List.of("accp", "AuthorizerHandler"))) {
            Map<String, String> env = new HashMap<>(fixture.env());
            env.remove("METHOD_ARN");
            env.put("CRYPTO_PROVIDER", variant.get(0));
            // How a deployed function gets JVM options; here only to trust the benchmark's self-signed JWKS
            // certificate.
            env.put("JAVA_TOOL_OPTIONS", String.join(" ", fixture.javaTrustOptions()));
            functions.put(
                    "gatehouse " + variant.get(1) + ", CRYPTO_PROVIDER=" + variant.get(0)
                            + " (RIC, Lambda default flags)",
                    new FunctionDefinition(
                            "authorizer",
                            "dev.gatehouse.authorizer." + variant.get(1),
                            root.resolve("authorizer/target/authorizer.jar"),
                            env,
                            10,
                            1024));
        }
        Map<String, List<Double>> millis = new LinkedHashMap<>();
        Map<String, Long> peakRss = new LinkedHashMap<>();
        List<String> order = new ArrayList<>(functions.keySet());
        Random shuffle = new Random(20261208L);
        for (int i = 0; i < (quick ? 3 : 12); i++) {
            Collections.shuffle(order, shuffle);
            for (String name : order) {
                ColdStartProbe.Measurement m = probe.measure(functions.get(name), event);
                if (m.result() == null || !m.result().contains("\"Allow\"")) {
                    throw new IllegalStateException(
                            name + " under the runtime interface client did not allow: " + m.error());
                }
                millis.computeIfAbsent(name, k -> new ArrayList<>()).add(m.millis());
                peakRss.merge(name, m.peakRssKib(), Math::max);
            }
        }
        Map<String, Object> rows = new LinkedHashMap<>();
        for (String name : functions.keySet()) {
            List<Double> sorted = millis.get(name).stream().sorted().toList();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("runs", sorted.size());
            row.put("medianMillis", sorted.get(sorted.size() / 2));
            row.put("minMillis", sorted.get(0));
            row.put("maxMillis", sorted.get(sorted.size() - 1));
            row.put("peakRssMiB", peakRss.get(name) / 1024.0);
            rows.put(name, row);
        }
        return rows;
    }

    /**
     * The first 200 decisions after initialisation under full tiered compilation (Lambda's setting with SnapStart),
     * with and without the priming SnapStart runs before its snapshot. Median over runs of each statistic.
     */
    private Map<String, Object> priming(Fixture fixture, Path tokensFile) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = root.resolve("authorizer/target/authorizer.jar") + ":" + benchJar();
        Map<String, Object> rows = new LinkedHashMap<>();
        Pattern line = Pattern.compile("first=(\\d+) p50=(\\d+) p90=(\\d+)");
        for (String mode : List.of("unprimed", "primed")) {
            List<Long> first = new ArrayList<>();
            List<Long> p50 = new ArrayList<>();
            List<Long> p90 = new ArrayList<>();
            for (int i = 0; i < (quick ? 2 : 7); i++) {
                List<String> command =
                        new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"));
                command.addAll(fixture.javaTrustOptions());
                command.addAll(
                        List.of("-cp", classpath, PrimingProbe.class.getName(), mode, tokensFile.toString(), "200"));
                Exec exec = exec(command, nodeEnv(fixture));
                Matcher m = line.matcher(exec.stdout);
                if (exec.exitCode != 0 || !m.find()) {
                    throw new IllegalStateException("PrimingProbe " + mode + " failed:\n" + exec.stdout + exec.stderr);
                }
                first.add(Long.parseLong(m.group(1)));
                p50.add(Long.parseLong(m.group(2)));
                p90.add(Long.parseLong(m.group(3)));
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("runs", first.size());
            row.put("firstDecisionMicros", median(first));
            row.put("p50Micros", median(p50));
            row.put("p90Micros", median(p90));
            rows.put(mode, row);
        }
        return rows;
    }

    /** {@code report} with the section bench/compare wrote into the current BENCHMARKS.md, if any. */
    private String keepingStepSection(String report) throws IOException {
        Path current = root.resolve("BENCHMARKS.md");
        String text = Files.exists(current) ? Files.readString(current) : "";
        int begin = text.indexOf(StepComparison.BEGIN);
        int end = text.indexOf(StepComparison.END);
        if (begin < 0 || end < begin) {
            return report;
        }
        return StepComparison.withSection(report, text.substring(begin, end + StepComparison.END.length()));
    }

    private static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    /**
     * Fails unless ACCP loads in this JVM, whose environment every benchmarked JVM inherits: otherwise the "accp" rows
     * would silently measure the JDK's provider.
     */
    static void requireAccp() {
        CryptoProvider.Resolved resolved = CryptoProvider.ACCP.resolve();
        if (resolved.fallbackReason().isPresent()) {
            throw new IllegalStateException("ACCP does not load here, so no figure would be ACCP's: "
                    + resolved.fallbackReason().get());
        }
    }

    /** The bench module's jar (the AOT cache and CDS need jars, not class directories). */
    private Path benchJar() throws IOException {
        try (var jars = Files.list(root.resolve("bench/target"))) {
            return jars.filter(p -> p.getFileName().toString().matches("gatehouse-bench-.*\\.jar"))
                    .findFirst()
                    .orElseThrow(
                            () -> new IllegalStateException("bench/target has no gatehouse-bench jar: run bench/run"));
        }
    }

    private static Map<String, String> nodeEnv(Fixture fixture) {
        Map<String, String> env = new HashMap<>(fixture.env());
        env.putAll(fixture.nodeTrustEnv());
        return env;
    }

    private record Exec(int exitCode, String stdout, String stderr) {}

    private Exec exec(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
        builder.environment().putAll(env);
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        try {
            Process process = builder.redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(Duration.ofMinutes(10).toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            return new Exec(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static String format(double value) {
        return String.format(Locale.ROOT, value >= 100 ? "%.0f" : value >= 10 ? "%.1f" : "%.2f", value);
    }
}

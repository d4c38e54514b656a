package dev.gatehouse.local;

import static java.util.Objects.requireNonNull;

import dev.gatehouse.local.ServerlessConfig.FunctionDefinition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures a Lambda cold start the way AWS's runtime does it: a fresh JVM running the runtime interface client
 * (Lambda's default flags, the unpacked deployment jar as task root) pulls one invocation from a Runtime API server on
 * 127.0.0.1; the clock runs from starting the JVM to the function's result arriving. Used by the benchmarks.
 */
public final class ColdStartProbe {

    /**
     * One cold invocation.
     *
     * @param millis JVM start → result posted to the Runtime API
     * @param peakRssKib the JVM's peak resident set ({@code VmHWM}), read before it is stopped; -1 if unavailable
     * @param result the function's JSON result, or {@code null} if it failed
     * @param error the error type and message if it failed
     */
    public record Measurement(double millis, long peakRssKib, String result, String error) {}

    private final LambdaRuntime runtime;

    /**
     * @param runtimeDir the runtime interface client and its dependencies ({@code local/target/lambda-runtime})
     * @param workDir where task roots and the JNI library are unpacked
     */
    public ColdStartProbe(Path runtimeDir, Path workDir) {
        this.runtime = LambdaRuntime.locate(
                requireNonNull(runtimeDir, "runtimeDir is null"), requireNonNull(workDir, "workDir is null"));
    }

    /** Starts a fresh JVM for {@code function}, invokes it once with {@code event}, and stops it. */
    public Measurement measure(FunctionDefinition function, String event) {
        try (LambdaFunction lambda = new LambdaFunction(function, runtime, function.name(), "us-east-1", line -> {})) {
            lambda.prepare();
            long start = System.nanoTime();
            LambdaFunction.Result result = lambda.invoke(event.getBytes(StandardCharsets.UTF_8));
            double millis = (System.nanoTime() - start) / 1e6;
            long rss = lambda.process().map(ColdStartProbe::peakRssKib).orElse(-1L);
            return result.failed()
                    ? new Measurement(millis, rss, null, result.errorType() + ": " + result.errorMessage())
                    : new Measurement(millis, rss, new String(result.payload(), StandardCharsets.UTF_8), null);
        }
    }

    private static long peakRssKib(ProcessHandle process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }
}

package dev.gatehouse.local;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.gatehouse.local.ServerlessConfig.FunctionDefinition;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One Lambda function, run as AWS runs it: its deployment jar unpacked into a task root, a JVM started with Lambda's
 * flags and environment running AWS's runtime interface client, which pulls invocations from a Runtime API server on
 * 127.0.0.1 that this class serves. The JVM stays warm between invocations; invocations are serialized (one at a time,
 * like one Lambda execution environment). A crashed or timed-out JVM is replaced at the next invocation.
 *
 * <p>Thread-safe.
 */
final class LambdaFunction implements AutoCloseable {

    private static final String API = "/2018-06-01/runtime";
    /**
     * How long a fresh JVM may take to initialise before its first invocation (Lambda allows 10 s; this machine is
     * shared).
     */
    private static final Duration INIT_ALLOWANCE = Duration.ofSeconds(60);

    /** The outcome of one invocation: the function's JSON result, or its error as the Runtime API received it. */
    record Result(byte[] payload, String errorType, String errorMessage) {
        static Result error(String type, String message) {
            return new Result(null, type, message);
        }

        boolean failed() {
            return payload == null;
        }
    }

    private final FunctionDefinition definition;
    private final LambdaRuntime runtime;
    private final String functionName;
    private final String region;
    private final Consumer<String> log;
    private final ReentrantLock lock = new ReentrantLock(true);
    private Path taskRoot;
    private Instance instance;
    private boolean closed;

    LambdaFunction(
            FunctionDefinition definition,
            LambdaRuntime runtime,
            String functionName,
            String region,
            Consumer<String> log) {
        this.definition = requireNonNull(definition, "definition is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.functionName = requireNonNull(functionName, "functionName is null");
        this.region = requireNonNull(region, "region is null");
        this.log = requireNonNull(log, "log is null");
    }

    String name() {
        return definition.name();
    }

    /** Starts the JVM now (instead of at the first invocation) so the first request does not pay for it. */
    void warm() {
        lock.lock();
        try {
            instance();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Invokes the function with {@code event} (JSON) and waits for its result, at most the function's timeout once it
     * started.
     */
    Result invoke(byte[] event) {
        lock.lock();
        try {
            Instance current;
            try {
                current = instance();
            } catch (RuntimeException e) {
                return Result.error("Runtime.Unavailable", "Cannot start function '" + name() + "': " + e.getMessage());
            }
            Invocation invocation = new Invocation(UUID.randomUUID().toString(), event);
            current.queue.add(invocation);
            try {
                invocation.handedOut.get(INIT_ALLOWANCE.toMillis(), TimeUnit.MILLISECONDS);
                return invocation.result.get(definition.timeoutSeconds() * 1000L + 500, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                stop(current);
                return invocation.handedOut.isDone()
                        ? Result.error(
                                "Sandbox.Timedout",
                                "Task timed out after " + definition.timeoutSeconds() + ".00 seconds")
                        : Result.error(
                                "Runtime.Unavailable",
                                "Function '" + name() + "' did not ask for an invocation within "
                                        + INIT_ALLOWANCE.toSeconds() + " s of starting");
            } catch (ExecutionException e) {
                return Result.error("Runtime.Unavailable", String.valueOf(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Result.error("Runtime.Unavailable", "Interrupted while waiting for function '" + name() + "'");
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Unpacks the deployment jar into its task root now, so a timed first invocation measures the JVM, not the unzip.
     */
    void prepare() {
        lock.lock();
        try {
            if (taskRoot == null) {
                taskRoot = runtime.unpack(definition.name(), definition.artifact());
            }
        } finally {
            lock.unlock();
        }
    }

    /** The running JVM's process, if one is running. */
    Optional<ProcessHandle> process() {
        Instance current = instance;
        return current == null || !current.process.isAlive()
                ? Optional.empty()
                : Optional.of(current.process.toHandle());
    }

    private Instance instance() {
        if (closed) {
            throw new IllegalStateException("the local stack is shutting down");
        }
        if (instance != null && instance.process.isAlive() && instance.initError == null) {
            return instance;
        }
        if (instance != null) {
            stop(instance);
        }
        if (taskRoot == null) {
            taskRoot = runtime.unpack(definition.name(), definition.artifact());
        }
        instance = new Instance();
        return instance;
    }

    private void stop(Instance stopping) {
        stopping.process.destroyForcibly();
        stopping.server.close();
        if (instance == stopping) {
            instance = null;
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            if (instance != null) {
                stop(instance);
            }
            if (taskRoot != null) {
                deleteTree(taskRoot);
            }
        } finally {
            lock.unlock();
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: the directory lives under target/
        }
    }

    private static final class Invocation {
        final String id;
        final byte[] event;
        final CompletableFuture<Void> handedOut = new CompletableFuture<>();
        final CompletableFuture<Result> result = new CompletableFuture<>();

        Invocation(String id, byte[] event) {
            this.id = id;
            this.event = event;
        }
    }

    /**
     * One JVM and the Runtime API server it talks to. A replacement JVM gets a new server, so a dead JVM's poll takes
     * nothing.
     */
    private final class Instance {
        final LinkedBlockingQueue<Invocation> queue = new LinkedBlockingQueue<>();
        final Http.Server server;
        final Process process;
        volatile Invocation current;
        volatile Result initError;

        Instance() {
            server = Http.start(0, this::handle);
            try {
                ProcessBuilder builder = new ProcessBuilder(command())
                        .directory(taskRoot.toFile())
                        .redirectErrorStream(true);
                builder.environment().clear();
                builder.environment().putAll(environment(server.port()));
                process = builder.start();
                process.getOutputStream().close();
            } catch (IOException e) {
                server.close();
                throw new UncheckedIOException(
                        "Cannot start a JVM for function '" + name() + "': " + e.getMessage(), e);
            }
            // A platform thread, not a virtual one: a read from a process pipe blocks in native code and holds its
            // carrier (the JDK can only compensate by adding carriers, up to jdk.virtualThreadScheduler.maxPoolSize).
            // Idle function JVMs would then hold the carriers the HTTP servers' virtual threads need, and the whole
            // stack stops answering. https://openjdk.org/jeps/444 (Pinning; file I/O and Process streams)
            Thread.ofPlatform().daemon().name("log-" + name()).start(this::pumpLog);
            process.onExit().thenRun(this::exited);
        }

        private List<String> command() {
            List<String> command = new ArrayList<>();
            command.add(runtime.java().toString());
            command.addAll(LambdaRuntime.JVM_FLAGS);
            command.add("-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI="
                    + runtime.jniLibrary());
            command.add("-cp");
            command.add(String.join(
                    File.pathSeparator,
                    runtime.classPath().stream().map(Path::toString).toList()));
            command.add(LambdaRuntime.MAIN_CLASS);
            command.add(definition.handler());
            return command;
        }

        private void pumpLog() {
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    String clean = line.replace("\u0000", "").stripTrailing();
                    if (!clean.isEmpty()) {
                        log.accept("[" + name() + "] " + clean);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        private void exited() {
            Result failure = initError != null
                    ? initError
                    : Result.error(
                            "Runtime.ExitError",
                            "RequestId: " + (current == null ? "-" : current.id)
                                    + " Error: Runtime exited with error: exit status " + process.exitValue());
            fail(failure);
            server.close();
        }

        private void fail(Result failure) {
            Invocation inv = current;
            if (inv != null) {
                inv.handedOut.complete(null);
                inv.result.complete(failure);
            }
            Invocation queued;
            while ((queued = queue.poll()) != null) {
                queued.handedOut.complete(null);
                queued.result.complete(failure);
            }
        }

        private void handle(HttpExchange exchange) throws IOException {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            try {
                if (method.equals("GET") && path.equals(API + "/invocation/next")) {
                    next(exchange);
                } else if (method.equals("POST") && path.equals(API + "/init/error")) {
                    initError = error(exchange, "Runtime.InitError");
                    fail(initError);
                    accepted(exchange);
                } else if (method.equals("POST") && path.startsWith(API + "/invocation/")) {
                    String[] parts =
                            path.substring((API + "/invocation/").length()).split("/");
                    Invocation inv = current;
                    if (parts.length != 2 || inv == null || !inv.id.equals(parts[0])) {
                        Http.sendJson(
                                exchange,
                                400,
                                Map.of(),
                                Map.of("errorMessage", "Unknown request id", "errorType", "InvalidRequestID"));
                    } else if (parts[1].equals("response")) {
                        byte[] payload = Http.readBody(exchange, 6 * 1024 * 1024);
                        current = null;
                        inv.result.complete(
                                payload == null
                                        ? Result.error(
                                                "Function.ResponseSizeTooLarge",
                                                "Response payload size exceeded maximum allowed payload size "
                                                        + "(6291556 bytes).")
                                        : new Result(payload, null, null));
                        accepted(exchange);
                    } else if (parts[1].equals("error")) {
                        Result error = error(exchange, "Function.Unhandled");
                        current = null;
                        inv.result.complete(error);
                        accepted(exchange);
                    } else {
                        Http.sendJson(
                                exchange, 404, Map.of(), Map.of("errorMessage", "Not found", "errorType", "NotFound"));
                    }
                } else {
                    Http.sendJson(
                            exchange, 404, Map.of(), Map.of("errorMessage", "Not found", "errorType", "NotFound"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.close();
            }
        }

        private void next(HttpExchange exchange) throws IOException, InterruptedException {
            Invocation inv = queue.take();
            current = inv;
            long deadline = System.currentTimeMillis() + definition.timeoutSeconds() * 1000L;
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "application/json");
            headers.put("Lambda-Runtime-Aws-Request-Id", inv.id);
            headers.put("Lambda-Runtime-Deadline-Ms", Long.toString(deadline));
            headers.put(
                    "Lambda-Runtime-Invoked-Function-Arn",
                    "arn:aws:lambda:" + region + ":" + LocalApiGateway.ACCOUNT_ID + ":function:" + functionName);
            headers.put(
                    "Lambda-Runtime-Trace-Id",
                    "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-"
                            + UUID.randomUUID().toString().replace("-", "").substring(0, 24) + ";Parent="
                            + Long.toHexString(System.nanoTime()) + ";Sampled=0");
            inv.handedOut.complete(null);
            Http.send(exchange, 200, headers, inv.event);
        }

        private Result error(HttpExchange exchange, String defaultType) throws IOException {
            byte[] body = Http.readBody(exchange, 1024 * 1024);
            String type = exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type");
            String message = null;
            try {
                JsonNode node = body == null ? null : Http.JSON.readTree(body);
                if (node != null && node.isObject()) {
                    message = node.path("errorMessage").isNull()
                            ? null
                            : node.path("errorMessage").asText(null);
                    if (node.hasNonNull("errorType")) {
                        type = node.get("errorType").asText();
                    }
                }
            } catch (IOException e) {
                message = body == null ? null : new String(body, StandardCharsets.UTF_8);
            }
            return Result.error(type == null ? defaultType : type, message);
        }

        private void accepted(HttpExchange exchange) throws IOException {
            Http.sendJson(exchange, 202, Map.of(), Map.of("status", "OK"));
        }
    }

    /**
     * Lambda's environment for this function: the yml environment, then the variables Lambda itself sets (they win).
     */
    private Map<String, String> environment(int runtimeApiPort) {
        Map<String, String> env = new LinkedHashMap<>(definition.environment());
        env.put("PATH", "/usr/local/bin:/usr/bin/:/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("AWS_REGION", region);
        env.put("AWS_DEFAULT_REGION", region);
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("AWS_LAMBDA_FUNCTION_NAME", functionName);
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(definition.memorySize()));
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + functionName);
        env.put(
                "AWS_LAMBDA_LOG_STREAM_NAME",
                "local/[$LATEST]" + UUID.randomUUID().toString().replace("-", ""));
        env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + runtimeApiPort);
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("LAMBDA_RUNTIME_DIR", "/var/runtime");
        // Lambda's documented value, with this function's task root: a native library in the package's lib/ (the
        // authorizer's ACCP) loads from there
        // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
        env.put(
                "LD_LIBRARY_PATH",
                "/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:" + taskRoot + ":" + taskRoot.resolve("lib")
                        + ":/opt/lib");
        env.put("_HANDLER", definition.handler());
        return env;
    }
}

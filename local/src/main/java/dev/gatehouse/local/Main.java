package dev.gatehouse.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.local.ServerlessConfig.Resolver;
import dev.gatehouse.local.ServerlessConfig.Service;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Command line of {@code ./local/run}:
 * <pre>
 *   ./local/run [start] [--gateway-port 3000] [--idp-port 9000] [--stage local] [--config infra/serverless.yml]
 *                       [--idp-config local/idp.yml] [--param key=value]... [--resolver osls|built-in]
 *                       [--with DIR_OR_YML]...
 *   ./local/run invoke FUNCTION EVENT_FILE [--stage local] [--config ...] [--param key=value]...
 * </pre>
 * Default paths are relative to the repository root (found upwards from the working directory); EVENT_FILE and
 * paths given as options are relative to the working directory.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> positional = new ArrayList<>();
        LocalStack.Options options =
                LocalStack.Options.defaults(repoRoot(Path.of("").toAbsolutePath()));
        Map<String, String> params = new LinkedHashMap<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--gateway-port" ->
                        options = options.withPorts(port(value(args, ++i, arg)), options.idpPort());
                    case "--idp-port" ->
                        options = options.withPorts(options.gatewayPort(), port(value(args, ++i, arg)));
                    case "--stage" -> options = options.withStage(value(args, ++i, arg));
                    case "--config" -> options = options.withServerlessYml(Path.of(value(args, ++i, arg)));
                    case "--idp-config" -> options = options.withIdpConfig(Path.of(value(args, ++i, arg)));
                    case "--resolver" -> options = options.withResolver(resolver(value(args, ++i, arg)));
                    case "--with" -> options = options.withStack(Path.of(value(args, ++i, arg)));
                    case "--param" -> {
                        String kv = value(args, ++i, arg);
                        int eq = kv.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--param takes key=value, got '" + kv + "'");
                        }
                        params.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                    case "-h", "--help" -> {
                        out.println(usage());
                        return 0;
                    }
                    default -> {
                        if (arg.startsWith("--")) {
                            throw new IllegalArgumentException("Unknown option " + arg);
                        }
                        positional.add(arg);
                    }
                }
            }
            options = options.withParams(params);
            String command = positional.isEmpty() ? "start" : positional.get(0);
            return switch (command) {
                case "start" -> start(options, out);
                case "invoke" -> {
                    if (positional.size() != 3) {
                        throw new IllegalArgumentException("invoke takes a function name and an event file");
                    }
                    yield invoke(
                            options.withLog(err::println), positional.get(1), Path.of(positional.get(2)), out, err);
                }
                default -> throw new IllegalArgumentException("Unknown command '" + command + "'");
            };
        } catch (RuntimeException e) {
            err.println("local: " + e.getMessage());
            err.println(usage());
            return 2;
        }
    }

    private static int start(LocalStack.Options options, PrintStream out) {
        LocalStack stack = LocalStack.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }));
        out.println(stack.banner());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * Runs one function on one event file and prints its JSON result; exit status 1 if the function failed. Starts an
     * identity provider on a free port for the function's environment and replaces {@code ACCESS_TOKEN} in the event
     * with a token from it (first client with a grant).
     */
    static int invoke(
            LocalStack.Options options, String functionName, Path eventFile, PrintStream out, PrintStream err) {
        String event;
        try {
            event = Files.readString(eventFile, StandardCharsets.UTF_8);
            Http.JSON.readTree(event);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("The event file " + eventFile.toAbsolutePath() + " does not exist", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the event " + eventFile + " as JSON: " + e.getMessage(), e);
        }
        IdpConfig idpConfig = IdpConfig.load(options.idpConfig());
        try (IdentityProvider idp = IdentityProvider.start(idpConfig, 0)) {
            Service service = LocalStack.load(options, idp);
            if (event.contains("ACCESS_TOKEN")) {
                IdpConfig.Client client = idpConfig.clients().values().stream()
                        .filter(c -> !c.grants().isEmpty())
                        .findFirst()
                        .orElseThrow(
                                () -> new IllegalArgumentException("The event contains ACCESS_TOKEN, but no client in "
                                        + options.idpConfig() + " has a grant to issue a token with"));
                Map.Entry<String, List<String>> grant =
                        client.grants().entrySet().iterator().next();
                event = event.replace("ACCESS_TOKEN", idp.mint(client.clientId(), grant.getKey(), grant.getValue()));
            }
            LambdaRuntime runtime = LambdaRuntime.locate(options.runtimeDir(), options.workDir());
            try (LambdaFunction function =
                    LocalStack.function(service, service.function(functionName), runtime, options.log())) {
                LambdaFunction.Result result = function.invoke(event.getBytes(StandardCharsets.UTF_8));
                if (result.failed()) {
                    Map<String, Object> error = new LinkedHashMap<>();
                    error.put("errorType", result.errorType());
                    error.put("errorMessage", result.errorMessage());
                    out.println(pretty(Http.json(error)));
                    return 1;
                }
                out.println(pretty(result.payload()));
                return 0;
            }
        }
    }

    /**
     * The repository around {@code dir}: the nearest directory upwards holding infra/serverless.yml (else {@code dir}).
     */
    static Path repoRoot(Path dir) {
        for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve("infra/serverless.yml"))
                    && Files.isDirectory(candidate.resolve("local"))) {
                return candidate;
            }
        }
        return dir;
    }

    private static String pretty(byte[] json) {
        try {
            JsonNode node = Http.JSON.readTree(json);
            return Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            return new String(json, StandardCharsets.UTF_8);
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static Resolver resolver(String value) {
        return switch (value) {
            case "osls" -> Resolver.OSLS;
            case "built-in" -> Resolver.BUILT_IN;
            default -> throw new IllegalArgumentException("--resolver is osls or built-in, got '" + value + "'");
        };
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("A port must be a number from 0 to 65535, got '" + value + "'");
        }
    }

    static String usage() {
        return """
                usage: ./local/run [start] [--gateway-port 3000] [--idp-port 9000] [--stage local]
                                   [--config infra/serverless.yml] [--idp-config local/idp.yml] [--param key=value]...
                                   [--resolver osls|built-in] [--with infra/examples/separate-stack]...
                       ./local/run invoke FUNCTION EVENT_FILE [--stage local] [--config infra/serverless.yml]
                                   [--param key=value]... [--resolver osls|built-in]""";
    }
}

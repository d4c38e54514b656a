package dev.gatehouse.local;

import static java.util.Objects.requireNonNull;

import dev.gatehouse.local.ServerlessConfig.FunctionDefinition;
import dev.gatehouse.local.ServerlessConfig.Resolver;
import dev.gatehouse.local.ServerlessConfig.Route;
import dev.gatehouse.local.ServerlessConfig.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * The whole system on one machine: the local identity provider and a local API Gateway in front of every function of
 * {@code infra/serverless.yml}, each function in its own warm JVM. The {@code tokenIssuer} and {@code jwksUri} params
 * are pointed at the running identity provider unless given explicitly.
 *
 * <p>Thread-safe; {@link #close()} stops the servers and the function JVMs.
 */
public final class LocalStack implements AutoCloseable {

    /**
     * Where things are and which ports to use.
     *
     * @param serverlessYml the service definition ({@code infra/serverless.yml})
     * @param idpConfig the identity provider's tenant ({@code local/idp.yml})
     * @param runtimeDir the Lambda runtime jars ({@code local/target/lambda-runtime})
     * @param workDir where deployment jars are unpacked
     * @param stage the stage to resolve the yml for and to serve under
     * @param params param overrides, as {@code osls --param}
     * @param gatewayPort port of the API Gateway (0 = any free port)
     * @param idpPort port of the identity provider (0 = any free port)
     * @param log where the gateway's and the functions' log lines go
     * @param resolver how the yml's variables are resolved: by {@code osls print} (the default) or built in
     * @param stacks the serverless.yml of further services deployed as their own stacks, each served by its own
     *     gateway on the next port ({@code gatewayPort + 1}, ...; any free port when {@code gatewayPort} is 0)
     */
    public record Options(
            Path serverlessYml,
            Path idpConfig,
            Path runtimeDir,
            Path workDir,
            String stage,
            Map<String, String> params,
            int gatewayPort,
            int idpPort,
            Consumer<String> log,
            Resolver resolver,
            List<Path> stacks) {
        public Options {
            requireNonNull(serverlessYml, "serverlessYml is null");
            requireNonNull(idpConfig, "idpConfig is null");
            requireNonNull(runtimeDir, "runtimeDir is null");
            requireNonNull(workDir, "workDir is null");
            requireNonNull(stage, "stage is null");
            params = Map.copyOf(params);
            requireNonNull(log, "log is null");
            requireNonNull(resolver, "resolver is null");
            stacks = List.copyOf(stacks);
        }

        /** The defaults of {@code ./local/run} for a repository checked out at {@code repoRoot}. */
        public static Options defaults(Path repoRoot) {
            return new Options(
                    repoRoot.resolve("infra/serverless.yml"),
                    repoRoot.resolve("local/idp.yml"),
                    repoRoot.resolve("local/target/lambda-runtime"),
                    repoRoot.resolve("local/target/work"),
                    "local",
                    Map.of(),
                    3000,
                    9000,
                    System.out::println,
                    Resolver.OSLS,
                    List.of());
        }

        public Options withPorts(int gateway, int idp) {
            return new Options(
                    serverlessYml, idpConfig, runtimeDir, workDir, stage, params, gateway, idp, log, resolver, stacks);
        }

        public Options withServerlessYml(Path yml) {
            return new Options(
                    yml, idpConfig, runtimeDir, workDir, stage, params, gatewayPort, idpPort, log, resolver, stacks);
        }

        public Options withWorkDir(Path dir) {
            return new Options(
                    serverlessYml,
                    idpConfig,
                    runtimeDir,
                    dir,
                    stage,
                    params,
                    gatewayPort,
                    idpPort,
                    log,
                    resolver,
                    stacks);
        }

        public Options withStage(String name) {
            return new Options(
                    serverlessYml,
                    idpConfig,
                    runtimeDir,
                    workDir,
                    name,
                    params,
                    gatewayPort,
                    idpPort,
                    log,
                    resolver,
                    stacks);
        }

        public Options withIdpConfig(Path file) {
            return new Options(
                    serverlessYml,
                    file,
                    runtimeDir,
                    workDir,
                    stage,
                    params,
                    gatewayPort,
                    idpPort,
                    log,
                    resolver,
                    stacks);
        }

        public Options withLog(Consumer<String> sink) {
            return new Options(
                    serverlessYml,
                    idpConfig,
                    runtimeDir,
                    workDir,
                    stage,
                    params,
                    gatewayPort,
                    idpPort,
                    sink,
                    resolver,
                    stacks);
        }

        public Options withParams(Map<String, String> overrides) {
            Map<String, String> merged = new LinkedHashMap<>(params);
            merged.putAll(overrides);
            return new Options(
                    serverlessYml,
                    idpConfig,
                    runtimeDir,
                    workDir,
                    stage,
                    merged,
                    gatewayPort,
                    idpPort,
                    log,
                    resolver,
                    stacks);
        }

        /**
         * Also runs the services of {@code yml} (a serverless.yml, or a directory holding one), each behind its own
         * gateway: a service deployed as its own stack, e.g. {@code infra/examples/separate-stack}.
         */
        public Options withStack(Path yml) {
            List<Path> more = new ArrayList<>(stacks);
            more.add(Files.isDirectory(yml) ? yml.resolve("serverless.yml") : yml);
            return new Options(
                    serverlessYml,
                    idpConfig,
                    runtimeDir,
                    workDir,
                    stage,
                    params,
                    gatewayPort,
                    idpPort,
                    log,
                    resolver,
                    more);
        }

        /** How the yml's variables are resolved ({@link Resolver#OSLS} by default). */
        public Options withResolver(Resolver choice) {
            return new Options(
                    serverlessYml,
                    idpConfig,
                    runtimeDir,
                    workDir,
                    stage,
                    params,
                    gatewayPort,
                    idpPort,
                    log,
                    choice,
                    stacks);
        }
    }

    private final IdpConfig idpConfig;
    private final IdentityProvider idp;
    private final List<LambdaFunction> functions;
    private final List<LocalApiGateway> gateways;
    private final List<String> warnings;

    private LocalStack(
            IdpConfig idpConfig,
            IdentityProvider idp,
            List<LambdaFunction> functions,
            List<LocalApiGateway> gateways,
            List<String> warnings) {
        this.idpConfig = idpConfig;
        this.idp = idp;
        this.functions = List.copyOf(functions);
        this.gateways = List.copyOf(gateways);
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Starts the identity provider, then resolves every stack's yml (in parallel), then every function's JVM (in
     * parallel), then one gateway per stack, each its own API ({@link #apiId(int)}).
     */
    public static LocalStack start(Options options) {
        IdpConfig idpConfig = IdpConfig.load(options.idpConfig());
        IdentityProvider idp = IdentityProvider.start(idpConfig, options.idpPort());
        List<LambdaFunction> started = new ArrayList<>();
        List<LocalApiGateway> gateways = new ArrayList<>();
        try {
            List<Service> services = loadAll(options, idp);
            List<String> warnings = new ArrayList<>();
            for (Service service : services) {
                warnings.addAll(IdpFit.warnings(
                        service,
                        idp.issuer(),
                        idp.jwksUri(),
                        idpConfig,
                        options.idpConfig().toString()));
            }
            warnings.forEach(warning -> options.log().accept("warning: " + warning));
            LambdaRuntime runtime = LambdaRuntime.locate(options.runtimeDir(), options.workDir());
            Map<String, Map<String, LambdaFunction>> byService = new LinkedHashMap<>();
            for (Service service : services) {
                Map<String, LambdaFunction> functions = new LinkedHashMap<>();
                for (FunctionDefinition definition : service.functions().values()) {
                    LambdaFunction function = function(service, definition, runtime, options.log());
                    functions.put(definition.name(), function);
                    started.add(function);
                }
                byService.put(service.name(), functions);
            }
            List<Thread> warming = new ArrayList<>();
            for (LambdaFunction function : started) {
                warming.add(Thread.ofVirtual().start(function::warm));
            }
            for (Thread thread : warming) {
                thread.join();
            }
            for (int i = 0; i < services.size(); i++) {
                int port = i == 0 || options.gatewayPort() == 0 ? options.gatewayPort() : options.gatewayPort() + i;
                gateways.add(new LocalApiGateway(
                        services.get(i),
                        services.get(i).apiId(),
                        byService.get(services.get(i).name()),
                        Clock.systemUTC(),
                        options.log(),
                        port));
            }
            return new LocalStack(idpConfig, idp, started, gateways, warnings);
        } catch (InterruptedException e) {
            gateways.forEach(LocalApiGateway::close);
            started.forEach(LambdaFunction::close);
            idp.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the local stack", e);
        } catch (RuntimeException | Error e) {
            gateways.forEach(LocalApiGateway::close);
            started.forEach(LambdaFunction::close);
            idp.close();
            throw e;
        }
    }

    /**
     * The service of {@code options} as the main stack's API, its identity-provider params pointed at {@code idp}
     * unless overridden.
     */
    static Service load(Options options, IdentityProvider idp) {
        return load(options, options.serverlessYml(), idp, apiId(0));
    }

    private static Service load(Options options, Path yml, IdentityProvider idp, String apiId) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("tokenIssuer", idp.issuer());
        params.put("jwksUri", idp.jwksUri());
        params.putAll(options.params());
        return ServerlessConfig.load(yml, options.stage(), params, System::getenv, options.resolver(), apiId);
    }

    /**
     * The API id of the stack started {@code index}-th (the main stack is 0): what its method ARNs carry and its
     * authorizer's {@code API_IDS} names.
     */
    static String apiId(int index) {
        return index == 0 ? LocalApiGateway.API_ID : "gatehouse" + index;
    }

    /** The main service and every further stack, resolved in parallel (each osls print takes a second or two). */
    static List<Service> loadAll(Options options, IdentityProvider idp) {
        List<Path> ymls = new ArrayList<>();
        ymls.add(options.serverlessYml());
        ymls.addAll(options.stacks());
        List<CompletableFuture<Service>> loading = new ArrayList<>();
        for (int i = 0; i < ymls.size(); i++) {
            Path yml = ymls.get(i);
            String apiId = apiId(i);
            loading.add(CompletableFuture.supplyAsync(() -> load(options, yml, idp, apiId)));
        }
        List<Service> services = new ArrayList<>();
        for (CompletableFuture<Service> future : loading) {
            try {
                services.add(future.join());
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                throw e;
            }
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < services.size(); i++) {
            if (!names.add(services.get(i).name())) {
                throw new IllegalArgumentException(
                        ymls.get(i) + " is the service '" + services.get(i).name()
                                + "' again: each stack needs its own service name (its functions are named after it)");
            }
        }
        return services;
    }

    /** The function name osls deploys: {@code <service>-<stage>-<function>}. */
    static String deployedName(Service service, String function) {
        return service.name() + "-" + service.stage() + "-" + function;
    }

    static LambdaFunction function(
            Service service, FunctionDefinition definition, LambdaRuntime runtime, Consumer<String> log) {
        return new LambdaFunction(definition, runtime, deployedName(service, definition.name()), service.region(), log);
    }

    public IdentityProvider identityProvider() {
        return idp;
    }

    /** The gateway of the main service ({@code serverlessYml}). */
    public LocalApiGateway gateway() {
        return gateways.get(0);
    }

    /** The gateway of the stack whose service is {@code serviceName}. */
    public LocalApiGateway gateway(String serviceName) {
        return gateways.stream()
                .filter(g -> g.service().name().equals(serviceName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No stack of service '" + serviceName + "' runs"));
    }

    /**
     * Why local tokens cannot satisfy an authorizer, if they cannot (see {@link IdpFit}); also logged at start-up and
     * shown at the end of the banner.
     */
    public List<String> warnings() {
        return warnings;
    }

    /** The start-up banner: what runs where, the curl commands of the quickstart, then any {@link #warnings()}. */
    public String banner() {
        LocalApiGateway gateway = gateway();
        Service service = gateway.service();
        StringBuilder b = new StringBuilder();
        b.append("\nGatehouse local stack is up (stage '")
                .append(service.stage())
                .append("'; Ctrl+C stops it)\n");
        b.append("  identity provider  ")
                .append(idp.issuer())
                .append("   token endpoint ")
                .append(idp.tokenEndpoint())
                .append('\n');
        for (LocalApiGateway api : gateways) {
            b.append("  API Gateway        ")
                    .append(api.baseUrl())
                    .append("   (")
                    .append(api.service().name())
                    .append(")\n");
            for (Route route : api.service().routes()) {
                b.append("    ")
                        .append(route.method())
                        .append(' ')
                        .append(api.baseUrl())
                        .append('/')
                        .append(route.path())
                        .append("  -> ")
                        .append(route.function());
                if (route.authorizer() != null) {
                    b.append("  (authorizer ")
                            .append(route.authorizer().function())
                            .append(", result TTL ")
                            .append(route.authorizer().ttlSeconds())
                            .append(" s)");
                }
                b.append('\n');
            }
        }
        idpConfig.clients().values().stream()
                .filter(c -> !c.grants().isEmpty())
                .findFirst()
                .ifPresent(client -> {
                    String audience = client.grants().keySet().iterator().next();
                    String path = service.routes().isEmpty()
                            ? ""
                            : service.routes().get(0).path();
                    b.append("\n1. Get a token (client credentials, as with Auth0):\n");
                    b.append("  RESPONSE=$(curl -sS --fail-with-body ")
                            .append(idp.tokenEndpoint())
                            .append(" -H 'content-type: application/json' \\\n");
                    b.append("    -d '{\"client_id\":\"")
                            .append(client.clientId())
                            .append("\",\"client_secret\":\"")
                            .append(client.clientSecret())
                            .append("\",\"audience\":\"")
                            .append(audience)
                            .append("\",\"grant_type\":\"client_credentials\"}')\n");
                    // No access_token (an error answer): TOKEN stays empty and the answer is shown, rather than
                    // sent on as a "token" that only earns a 401.
                    b.append("  TOKEN=$(echo \"$RESPONSE\" | sed -nE 's/.*\"access_token\":\"([^\"]+)\".*/\\1/p')\n");
                    b.append("  [ -n \"$TOKEN\" ] || echo \"No token from the identity provider: $RESPONSE\" >&2\n");
                    b.append("2. Call the API with it (200), and without it (401):\n");
                    b.append("  curl -i ")
                            .append(gateway.baseUrl())
                            .append('/')
                            .append(path)
                            .append(" -H \"Authorization: Bearer $TOKEN\"\n");
                    b.append("  curl -i ")
                            .append(gateway.baseUrl())
                            .append('/')
                            .append(path)
                            .append('\n');
                });
        for (String warning : warnings) {
            b.append("\nWarning: ").append(warning).append('\n');
        }
        return b.toString();
    }

    @Override
    public void close() {
        gateways.forEach(LocalApiGateway::close);
        functions.parallelStream().forEach(LambdaFunction::close);
        idp.close();
    }
}

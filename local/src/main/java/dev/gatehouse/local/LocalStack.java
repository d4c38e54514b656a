package dev.gatehouse.local;

import static java.util.Objects.requireNonNull;

import dev.gatehouse.local.ServerlessConfig.FunctionDefinition;
import dev.gatehouse.local.ServerlessConfig.Resolver;
import dev.gatehouse.local.ServerlessConfig.Route;
import dev.gatehouse.local.ServerlessConfig.Service;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
            Resolver resolver) {
        public Options {
            requireNonNull(serverlessYml, "serverlessYml is null");
            requireNonNull(idpConfig, "idpConfig is null");
            requireNonNull(runtimeDir, "runtimeDir is null");
            requireNonNull(workDir, "workDir is null");
            requireNonNull(stage, "stage is null");
            params = Map.copyOf(params);
            requireNonNull(log, "log is null");
            requireNonNull(resolver, "resolver is null");
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
                    Resolver.OSLS);
        }

        public Options withPorts(int gateway, int idp) {
            return new Options(
                    serverlessYml, idpConfig, runtimeDir, workDir, stage, params, gateway, idp, log, resolver);
        }

        public Options withServerlessYml(Path yml) {
            return new Options(yml, idpConfig, runtimeDir, workDir, stage, params, gatewayPort, idpPort, log, resolver);
        }

        public Options withWorkDir(Path dir) {
            return new Options(
                    serverlessYml, idpConfig, runtimeDir, dir, stage, params, gatewayPort, idpPort, log, resolver);
        }

        public Options withStage(String name) {
            return new Options(
                    serverlessYml, idpConfig, runtimeDir, workDir, name, params, gatewayPort, idpPort, log, resolver);
        }

        public Options withIdpConfig(Path file) {
            return new Options(
                    serverlessYml, file, runtimeDir, workDir, stage, params, gatewayPort, idpPort, log, resolver);
        }

        public Options withLog(Consumer<String> sink) {
            return new Options(
                    serverlessYml, idpConfig, runtimeDir, workDir, stage, params, gatewayPort, idpPort, sink, resolver);
        }

        public Options withParams(Map<String, String> overrides) {
            Map<String, String> merged = new LinkedHashMap<>(params);
            merged.putAll(overrides);
            return new Options(
                    serverlessYml, idpConfig, runtimeDir, workDir, stage, merged, gatewayPort, idpPort, log, resolver);
        }

        /** How the yml's variables are resolved ({@link Resolver#OSLS} by default). */
        public Options withResolver(Resolver choice) {
            return new Options(
                    serverlessYml, idpConfig, runtimeDir, workDir, stage, params, gatewayPort, idpPort, log, choice);
        }
    }

    private final IdpConfig idpConfig;
    private final IdentityProvider idp;
    private final Service service;
    private final Map<String, LambdaFunction> functions;
    private final LocalApiGateway gateway;

    private LocalStack(
            IdpConfig idpConfig,
            IdentityProvider idp,
            Service service,
            Map<String, LambdaFunction> functions,
            LocalApiGateway gateway) {
        this.idpConfig = idpConfig;
        this.idp = idp;
        this.service = service;
        this.functions = functions;
        this.gateway = gateway;
    }

    /** Starts the identity provider, then every function's JVM (in parallel), then the gateway. */
    public static LocalStack start(Options options) {
        IdpConfig idpConfig = IdpConfig.load(options.idpConfig());
        IdentityProvider idp = IdentityProvider.start(idpConfig, options.idpPort());
        Map<String, LambdaFunction> functions = new LinkedHashMap<>();
        try {
            Service service = load(options, idp);
            LambdaRuntime runtime = LambdaRuntime.locate(options.runtimeDir(), options.workDir());
            for (FunctionDefinition definition : service.functions().values()) {
                functions.put(definition.name(), function(service, definition, runtime, options.log()));
            }
            List<Thread> warming = new ArrayList<>();
            for (LambdaFunction function : functions.values()) {
                warming.add(Thread.ofVirtual().start(function::warm));
            }
            for (Thread thread : warming) {
                thread.join();
            }
            LocalApiGateway gateway =
                    new LocalApiGateway(service, functions, Clock.systemUTC(), options.log(), options.gatewayPort());
            return new LocalStack(idpConfig, idp, service, functions, gateway);
        } catch (InterruptedException e) {
            functions.values().forEach(LambdaFunction::close);
            idp.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the local stack", e);
        } catch (RuntimeException | Error e) {
            functions.values().forEach(LambdaFunction::close);
            idp.close();
            throw e;
        }
    }

    /** The service of {@code options}, its identity-provider params pointed at {@code idp} unless overridden. */
    static Service load(Options options, IdentityProvider idp) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("tokenIssuer", idp.issuer());
        params.put("jwksUri", idp.jwksUri());
        params.putAll(options.params());
        return ServerlessConfig.load(
                options.serverlessYml(), options.stage(), params, System::getenv, options.resolver());
    }

    static LambdaFunction function(
            Service service, FunctionDefinition definition, LambdaRuntime runtime, Consumer<String> log) {
        // Serverless names deployed functions {service}-{stage}-{function}.
        return new LambdaFunction(
                definition,
                runtime,
                service.name() + "-" + service.stage() + "-" + definition.name(),
                service.region(),
                log);
    }

    public IdentityProvider identityProvider() {
        return idp;
    }

    public LocalApiGateway gateway() {
        return gateway;
    }

    /** The start-up banner: what runs where, and the two curl commands of the quickstart. */
    public String banner() {
        StringBuilder b = new StringBuilder();
        b.append("\nGatehouse local stack is up (stage '")
                .append(service.stage())
                .append("'; Ctrl+C stops it)\n");
        b.append("  identity provider  ")
                .append(idp.issuer())
                .append("   token endpoint ")
                .append(idp.tokenEndpoint())
                .append('\n');
        b.append("  API Gateway        ").append(gateway.baseUrl()).append('\n');
        for (Route route : service.routes()) {
            b.append("    ")
                    .append(route.method())
                    .append(' ')
                    .append(gateway.baseUrl())
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
        idpConfig.clients().values().stream()
                .filter(c -> !c.grants().isEmpty())
                .findFirst()
                .ifPresent(client -> {
                    String audience = client.grants().keySet().iterator().next();
                    String path = service.routes().isEmpty()
                            ? ""
                            : service.routes().get(0).path();
                    b.append("\n1. Get a token (client credentials, as with Auth0):\n");
                    b.append("  TOKEN=$(curl -s ")
                            .append(idp.tokenEndpoint())
                            .append(" -H 'content-type: application/json' \\\n");
                    b.append("    -d '{\"client_id\":\"")
                            .append(client.clientId())
                            .append("\",\"client_secret\":\"")
                            .append(client.clientSecret())
                            .append("\",\"audience\":\"")
                            .append(audience)
                            .append("\",\"grant_type\":\"client_credentials\"}' \\\n");
                    b.append("    | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')\n");
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
        return b.toString();
    }

    @Override
    public void close() {
        gateway.close();
        functions.values().parallelStream().forEach(LambdaFunction::close);
        idp.close();
    }
}

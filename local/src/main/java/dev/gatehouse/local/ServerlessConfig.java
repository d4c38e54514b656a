package dev.gatehouse.local;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads what the local stack needs from {@code infra/serverless.yml}: the functions (handler, artifact, environment,
 * timeout, memory) and their {@code http} events with authorizers, for one stage, served as one API of the local
 * gateway. Variables are resolved by {@link VariableResolver} or {@link OslsPrint}, {@code {Ref: ApiGatewayRestApi}}
 * in an environment as that API's id; the route-scopes plugin's {@code ROUTE_SCOPES} and {@code API_IDS} are computed
 * by {@link RouteScopesPlugin}. Unknown keys are ignored.
 */
public final class ServerlessConfig {

    private static final int DEFAULT_TIMEOUT_SECONDS = 6;
    private static final int DEFAULT_MEMORY_MB = 1024;
    private static final int DEFAULT_TTL_SECONDS = 300;

    /** A function as deployed: handler class, deployment jar and the environment Lambda gives it. */
    public record FunctionDefinition(
            String name,
            String handler,
            Path artifact,
            Map<String, String> environment,
            int timeoutSeconds,
            int memorySize) {
        public FunctionDefinition {
            requireNonNull(name, "name is null");
            requireNonNull(handler, "handler is null");
            requireNonNull(artifact, "artifact is null");
            environment = Map.copyOf(environment);
        }
    }

    /**
     * A Lambda authorizer attached to a route. {@code validationExpression} may be null; {@code scopes} are the route's
     * {@code authorizer.scopes} (any of them; empty = open to every valid token). {@code arn} is the resolved
     * {@code authorizer.arn} of an authorizer named by ARN (a string or an intrinsic such as
     * {@code {Fn::GetAtt: [AuthorizerLambdaFunction, Arn]}}), null for one named by function; {@code function} is then
     * the function of this service it names ({@link RouteScopesPlugin#namesFunction}), or {@code arn <json>} when it
     * names none, which the service refuses when it loads: the local stack runs a stack's own functions only.
     * {@code name} is osls's name of the authorizer (its {@code name}, else the function's or the ARN).
     */
    public record AuthorizerDefinition(
            String name,
            String function,
            AuthorizerType type,
            IdentitySource identitySource,
            Pattern validationExpression,
            int ttlSeconds,
            List<String> scopes,
            Object arn) {
        public AuthorizerDefinition {
            requireNonNull(name, "name is null");
            requireNonNull(function, "function is null");
            requireNonNull(type, "type is null");
            requireNonNull(identitySource, "identitySource is null");
            scopes = List.copyOf(scopes);
        }
    }

    /**
     * An {@code http} event: {@code method} in upper case ({@code ANY} for any), {@code path} without leading slash.
     */
    public record Route(
            String method, String path, String function, AuthorizerDefinition authorizer, CorsPreflight preflight) {

        public Route(String method, String path, String function, AuthorizerDefinition authorizer) {
            this(method, path, function, authorizer, null);
        }

        /** The {@code OPTIONS} method osls adds for a path whose events set {@code cors}: no function or authorizer. */
        static Route preflight(CorsPreflight preflight) {
            return new Route("OPTIONS", preflight.path(), null, null, preflight);
        }
    }

    /**
     * The service for one stage; {@code apiId} the id of the local gateway's API that serves it,
     * {@code gatewayResponses} are its API's customised gateway responses, {@code preflights} the {@code OPTIONS}
     * methods osls adds for the paths whose events set {@code cors}.
     */
    public record Service(
            String name,
            String stage,
            String region,
            String apiId,
            Map<String, FunctionDefinition> functions,
            List<Route> routes,
            GatewayResponses gatewayResponses,
            List<CorsPreflight> preflights) {
        public Service {
            requireNonNull(apiId, "apiId is null");
            functions = Map.copyOf(functions);
            routes = List.copyOf(routes);
            requireNonNull(gatewayResponses, "gatewayResponses is null");
            preflights = List.copyOf(preflights);
        }

        /** The function called {@code name}, or an exception listing the ones that exist. */
        public FunctionDefinition function(String name) {
            FunctionDefinition function = functions.get(name);
            if (function == null) {
                throw new IllegalArgumentException(
                        "No function '" + name + "' in the service; functions: " + functions.keySet());
            }
            return function;
        }
    }

    private final Map<?, ?> root;
    private final Path baseDir;
    private final String stage;
    private final String apiId;
    private final UnaryOperator<Object> variables;

    private ServerlessConfig(
            Map<?, ?> root, Path baseDir, String stage, String apiId, UnaryOperator<Object> variables) {
        this.root = root;
        this.baseDir = baseDir;
        this.stage = stage;
        this.apiId = requireNonNull(apiId, "apiId is null");
        this.variables = variables;
    }

    /** How the yml's variables are resolved. */
    public enum Resolver {
        /** {@code osls print}, by the osls that deploys it ({@link OslsPrint}): what runs is what deploys. */
        OSLS,
        /**
         * {@link VariableResolver}: the common sources only, in-process (no Node.js start, ~2 s less); for services
         * outside this repository's {@code node_modules} and for unit tests.
         */
        BUILT_IN
    }

    /**
     * Loads the service from {@code file} for {@code stage}, its variables resolved by {@code resolver}, as the local
     * gateway's API {@link LocalApiGateway#API_ID}. {@code params} override the file's params (like
     * {@code osls --param="k=v"}); {@code env} stands for the process environment in {@code ${env:X}} variables of the
     * built-in resolver (osls reads its own environment).
     */
    public static Service load(
            Path file, String stage, Map<String, String> params, Function<String, String> env, Resolver resolver) {
        return load(file, stage, params, env, resolver, LocalApiGateway.API_ID);
    }

    /** {@link #load(Path, String, Map, Function, Resolver)} as the local gateway's API {@code apiId}. */
    public static Service load(
            Path file,
            String stage,
            Map<String, String> params,
            Function<String, String> env,
            Resolver resolver,
            String apiId) {
        if (resolver == Resolver.BUILT_IN) {
            return load(file, stage, params, env, apiId);
        }
        Path base = file.toAbsolutePath().getParent();
        Path osls = OslsPrint.locate(base);
        if (osls == null) {
            throw new IllegalArgumentException("No osls to resolve " + file + " with: none in node_modules/.bin in or"
                    + " above " + base + " (nor in an infra/ beside them). Install it with `npm ci` in infra/ (./mvnw"
                    + " package does), or resolve with the built-in resolver (--resolver built-in)");
        }
        Map<?, ?> resolved = OslsPrint.resolve(osls, file, stage, params);
        return new ServerlessConfig(resolved, base, stage, apiId, UnaryOperator.identity()).service(file);
    }

    /**
     * Loads the service from {@code file} for {@code stage} with the built-in resolver. {@code params} override the
     * file's params (like {@code osls --param="k=v"}); {@code env} stands for the process environment in
     * {@code ${env:X}} variables.
     */
    public static Service load(Path file, String stage, Map<String, String> params, Function<String, String> env) {
        return load(file, stage, params, env, LocalApiGateway.API_ID);
    }

    private static Service load(
            Path file, String stage, Map<String, String> params, Function<String, String> env, String apiId) {
        Object yaml;
        try (InputStream in = Files.newInputStream(file)) {
            yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!(yaml instanceof Map<?, ?> root)) {
            throw new IllegalArgumentException(file + " is not a YAML mapping");
        }
        Path base = file.toAbsolutePath().getParent();
        VariableResolver variables = new VariableResolver(root, base, stage, params, env);
        return new ServerlessConfig(root, base, stage, apiId, variables::resolve).service(file);
    }

    private Service service(Path file) {
        String name = string(resolve(get(root, "service")), "service");
        String configuredRegion = str(resolve(get(root, "provider", "region")));
        String region = configuredRegion == null ? "us-east-1" : configuredRegion;
        boolean routeScopes = RouteScopesPlugin.listedIn(get(root, "plugins"));
        Map<String, String> providerEnv = environment(get(root, "provider", "environment"), "provider.environment");
        int providerTimeout = integer(get(root, "provider", "timeout"), DEFAULT_TIMEOUT_SECONDS, "provider.timeout");
        int providerMemory = integer(get(root, "provider", "memorySize"), DEFAULT_MEMORY_MB, "provider.memorySize");
        Object serviceArtifact = get(root, "package", "artifact");

        Map<String, FunctionDefinition> functions = new LinkedHashMap<>();
        List<Route> routes = new ArrayList<>();
        CorsPreflight.Collector cors = new CorsPreflight.Collector();
        if (!(resolve(get(root, "functions")) instanceof Map<?, ?> defs)) {
            throw new IllegalArgumentException(file + " defines no functions");
        }
        // What an authorizer named by ARN may name: a function of this service.
        List<String> functionNames = defs.keySet().stream().map(String::valueOf).toList();
        Object writtenApiIds = null;
        for (Map.Entry<?, ?> entry : defs.entrySet()) {
            String fn = String.valueOf(entry.getKey());
            if (!(entry.getValue() instanceof Map<?, ?> def)) {
                throw new IllegalArgumentException("functions." + fn + " must be a mapping");
            }
            Object declared = resolve(def.get("environment"));
            if (routeScopes
                    && fn.equals(RouteScopesPlugin.AUTHORIZER)
                    && declared instanceof Map<?, ?> variables
                    && variables.containsKey(RouteScopesPlugin.API_IDS)) {
                // The plugin's to check (it may be a CloudFormation reference) and to replace.
                writtenApiIds = resolveDeep(variables.get(RouteScopesPlugin.API_IDS));
                Map<Object, Object> others = new LinkedHashMap<>(variables);
                others.remove(RouteScopesPlugin.API_IDS);
                declared = others;
            }
            Map<String, String> environment = new LinkedHashMap<>(providerEnv);
            environment.putAll(environment(declared, "functions." + fn + ".environment"));
            Object artifact = get(def, "package", "artifact");
            if (artifact == null) {
                artifact = serviceArtifact;
            }
            if (artifact == null) {
                throw new IllegalArgumentException(
                        "functions." + fn + " has no package.artifact: the local stack runs the built jar it names");
            }
            functions.put(
                    fn,
                    new FunctionDefinition(
                            fn,
                            string(resolve(def.get("handler")), "functions." + fn + ".handler"),
                            baseDir.resolve(string(resolve(artifact), "functions." + fn + ".package.artifact"))
                                    .normalize(),
                            environment,
                            integer(def.get("timeout"), providerTimeout, "functions." + fn + ".timeout"),
                            integer(def.get("memorySize"), providerMemory, "functions." + fn + ".memorySize")));
            if (def.get("events") instanceof List<?> events) {
                for (int i = 0; i < events.size(); i++) {
                    if (events.get(i) instanceof Map<?, ?> e && e.containsKey("http")) {
                        Route route = route(fn, e.get("http"), functionNames);
                        routes.add(route);
                        if (e.get("http") instanceof Map<?, ?> http) {
                            cors.add(
                                    route.path(),
                                    route.method(),
                                    resolveDeep(http.get("cors")),
                                    "functions." + fn + ".events[" + i + "].http.cors");
                        }
                    }
                }
            }
        }
        if (routeScopes) {
            // osls's name of the service's API: provider.apiGateway.restApiId, else the REST API it creates.
            Object restApiId = resolveDeep(get(root, "provider", "apiGateway", "restApiId"));
            RouteScopesPlugin.apply(
                    functions,
                    routes,
                    writtenApiIds,
                    restApiId == null || "".equals(restApiId) ? RouteScopesPlugin.THIS_API : restApiId,
                    resolveDeep(get(root, "provider", "apiGateway", "restApiRootResourceId")),
                    apiId);
        }
        for (Route route : routes) {
            AuthorizerDefinition authorizer = route.authorizer();
            if (authorizer != null && !functions.containsKey(authorizer.function())) {
                throw new IllegalArgumentException("The route " + route.method() + " /" + route.path()
                        + (authorizer.arn() == null
                                ? " names authorizer '" + authorizer.function() + "', which is not a function of this"
                                        + " service"
                                : " names its authorizer by arn " + Http.jsonText(authorizer.arn())
                                        + ", which is no function"
                                        + " of this service (the local stack runs a stack's own functions only)")
                        + "; functions: " + functions.keySet());
            }
        }
        GatewayResponses gatewayResponses = GatewayResponses.parse(resolve(get(root, "resources", "Resources")));
        return new Service(name, stage, region, apiId, functions, routes, gatewayResponses, cors.preflights());
    }

    private Route route(String fn, Object http, List<String> functionNames) {
        String where = "the http event of functions." + fn;
        String method;
        String path;
        Object authorizer = null;
        if (http instanceof String shorthand) {
            String[] parts = str(resolve(shorthand)).strip().split("\\s+", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException(where + " must be 'METHOD path', got '" + shorthand + "'");
            }
            method = parts[0];
            path = parts[1];
        } else if (http instanceof Map<?, ?> map) {
            method = string(resolve(map.get("method")), where + ".method");
            path = string(resolve(map.get("path")), where + ".path");
            authorizer = map.get("authorizer");
        } else {
            throw new IllegalArgumentException(where + " must be a mapping or 'METHOD path'");
        }
        method = method.toUpperCase(Locale.ROOT);
        path = path.replaceAll("^/+|/+$", "");
        if (resolve(authorizer) instanceof Map<?, ?> byId
                && byId.get("type") != null
                && byId.get("authorizerId") != null
                && RouteScopesPlugin.listedIn(get(root, "plugins"))) {
            throw new IllegalArgumentException(
                    RouteScopesPlugin.byAuthorizerId(method + " /" + path, fn, resolveDeep(byId.get("authorizerId"))));
        }
        return new Route(
                method,
                path,
                fn,
                authorizer == null
                        ? null
                        : authorizer(authorizer, where + ".authorizer", arn -> function(arn, functionNames)));
    }

    /** The function of this service an authorizer's {@code arn} names, or {@code arn <json>} when it names none. */
    private static String function(Object arn, List<String> functionNames) {
        for (String function : functionNames) {
            if (RouteScopesPlugin.namesFunction(arn, function)) {
                return function;
            }
        }
        return "arn " + Http.jsonText(arn);
    }

    private AuthorizerDefinition authorizer(Object value, String where, Function<Object, String> functionOfArn) {
        if (value instanceof String text) {
            String name = str(resolve(text));
            // osls reads a string with a colon as an ARN, any other as a function of this service.
            Object arn = name.contains(":") ? name : null;
            return new AuthorizerDefinition(
                    name,
                    arn == null ? name : functionOfArn.apply(arn),
                    AuthorizerType.TOKEN,
                    IdentitySource.parse(null, AuthorizerType.TOKEN, DEFAULT_TTL_SECONDS, where),
                    null,
                    DEFAULT_TTL_SECONDS,
                    List.of(),
                    arn);
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where + " must be a function name or a mapping");
        }
        Object arn = resolveDeep(map.get("arn"));
        if (arn == null && map.get("name") == null) {
            throw new IllegalArgumentException(where + " needs 'name' (a function of this service) or 'arn'");
        }
        AuthorizerType type = AuthorizerType.parse(str(resolve(map.get("type"))), where + ".type");
        int ttl = integer(map.get("resultTtlInSeconds"), DEFAULT_TTL_SECONDS, where + ".resultTtlInSeconds");
        if (ttl < 0 || ttl > 3600) {
            throw new IllegalArgumentException(where + ".resultTtlInSeconds must be between 0 and 3600, got " + ttl);
        }
        IdentitySource identitySource =
                IdentitySource.parse(str(resolve(map.get("identitySource"))), type, ttl, where + ".identitySource");
        Pattern validation = null;
        String expression = str(resolve(map.get("identityValidationExpression")));
        if (expression != null && !expression.isEmpty()) {
            try {
                validation = Pattern.compile(expression);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(where
                        + ".identityValidationExpression is not a valid regular expression: " + e.getDescription());
            }
        }
        List<String> scopes = new ArrayList<>();
        Object declared = map.get("scopes");
        if (declared instanceof List<?> list) {
            list.forEach(scope -> scopes.add(string(resolve(scope), where + ".scopes")));
        } else if (declared != null) {
            throw new IllegalArgumentException(where + ".scopes must be a list of scopes");
        }
        String function = arn != null ? functionOfArn.apply(arn) : str(resolve(map.get("name")));
        String name = str(resolve(map.get("name")));
        return new AuthorizerDefinition(
                name == null ? String.valueOf(arn) : name,
                function,
                type,
                identitySource,
                validation,
                ttl,
                scopes,
                arn);
    }

    private Map<String, String> environment(Object value, String where) {
        Map<String, String> result = new LinkedHashMap<>();
        if (value == null) {
            return result;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where + " must be a mapping");
        }
        map.forEach((key, v) -> {
            Object resolved = resolveDeep(v);
            if (RouteScopesPlugin.THIS_API.equals(resolved)) {
                resolved = apiId;
            } else if (resolved instanceof Map || resolved instanceof List) {
                throw new IllegalArgumentException(where + "." + key + " must be a string, number or boolean");
            }
            result.put(String.valueOf(key), resolved == null ? "" : String.valueOf(resolved));
        });
        return result;
    }

    private int integer(Object value, int fallback, String where) {
        Object resolved = resolve(value);
        if (resolved == null) {
            return fallback;
        }
        try {
            return resolved instanceof Number n
                    ? n.intValue()
                    : Integer.parseInt(String.valueOf(resolved).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + " must be a whole number, got '" + resolved + "'");
        }
    }

    private Object resolve(Object value) {
        return variables.apply(value);
    }

    /** {@code value} with every scalar inside it resolved (mappings and lists copied). */
    private Object resolveDeep(Object value) {
        Object resolved = resolve(value);
        if (resolved instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), resolveDeep(v)));
            return copy;
        }
        if (resolved instanceof List<?> list) {
            return list.stream().map(this::resolveDeep).toList();
        }
        return resolved;
    }

    /** The value at {@code path} under {@code node}, or null where a step is missing or not a mapping. */
    static Object get(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    private static String str(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    private static String string(Object value, String where) {
        if (value == null || String.valueOf(value).isBlank()) {
            throw new IllegalArgumentException(where + " is required");
        }
        return String.valueOf(value);
    }
}

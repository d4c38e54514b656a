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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads what the local stack needs from {@code infra/serverless.yml}: the functions (handler, artifact, environment,
 * timeout, memory) and their {@code http} events with authorizers, resolving the Serverless Framework variables
 * {@code ${param:x}}, {@code ${opt:stage|region, 'fallback'}}, {@code ${env:X, 'fallback'}}, {@code ${self:a.b}} and
 * {@code ${sls:stage}} for one stage. Unknown keys are ignored; a variable source we do not know fails only if a value we
 * need uses it.
 */
public final class ServerlessConfig {

    private static final Pattern INNERMOST = Pattern.compile("\\$\\{([^${}]*)}");
    private static final int DEFAULT_TIMEOUT_SECONDS = 6;
    private static final int DEFAULT_MEMORY_MB = 1024;
    private static final int DEFAULT_TTL_SECONDS = 300;

    /** A function as deployed: handler class, deployment jar and the environment Lambda gives it. */
    public record FunctionDefinition(
            String name, String handler, Path artifact, Map<String, String> environment, int timeoutSeconds, int memorySize) {
        public FunctionDefinition {
            requireNonNull(name, "name is null");
            requireNonNull(handler, "handler is null");
            requireNonNull(artifact, "artifact is null");
            environment = Map.copyOf(environment);
        }
    }

    /**
     * A Lambda authorizer attached to a route. {@code validationExpression} may be null; {@code scopes} are the route's
     * {@code authorizer.scopes} (any of them; empty = open to every valid token).
     */
    public record AuthorizerDefinition(String function, String type, String identitySource, Pattern validationExpression, int ttlSeconds,
            List<String> scopes) {
        public AuthorizerDefinition {
            scopes = List.copyOf(scopes);
        }
    }

    /**
     * The osls plugin (infra/route-scopes.js) that hands the authorizer its route table, listed as {@code plugins:
     * [./route-scopes]} or as a module under {@code plugins.localPath}.
     */
    static final String ROUTE_SCOPES_PLUGIN = "./route-scopes";
    /** The authorizer function whose routes the plugin lists. */
    private static final String ROUTE_SCOPES_AUTHORIZER = "authorizer";
    private static final String ROUTE_SCOPES = "ROUTE_SCOPES";
    private static final Pattern FILE_SOURCE = Pattern.compile("file\\(([^)]+)\\)");

    /** An {@code http} event: {@code method} in upper case ({@code ANY} for any), {@code path} without leading slash. */
    public record Route(String method, String path, String function, AuthorizerDefinition authorizer) {}

    /** The service for one stage. */
    public record Service(String name, String stage, String region, Map<String, FunctionDefinition> functions, List<Route> routes) {
        public Service {
            functions = Map.copyOf(functions);
            routes = List.copyOf(routes);
        }

        /** The function called {@code name}, or an exception listing the ones that exist. */
        public FunctionDefinition function(String name) {
            FunctionDefinition function = functions.get(name);
            if (function == null) {
                throw new IllegalArgumentException("No function '" + name + "' in the service; functions: " + functions.keySet());
            }
            return function;
        }
    }

    private final Map<?, ?> root;
    private final Path baseDir;
    private final String stage;
    private final Map<String, String> options;
    private final Map<String, String> params;
    private final Function<String, String> env;

    private ServerlessConfig(Map<?, ?> root, Path baseDir, String stage, Map<String, String> params, Function<String, String> env) {
        this.root = root;
        this.baseDir = baseDir;
        this.stage = stage;
        this.options = Map.of("stage", stage);
        this.params = Map.copyOf(params);
        this.env = env;
    }

    /**
     * Loads the service from {@code file} for {@code stage}. {@code params} override the file's params (like
     * {@code osls --param="k=v"}); {@code env} stands for the process environment in {@code ${env:X}} variables.
     */
    public static Service load(Path file, String stage, Map<String, String> params, Function<String, String> env) {
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
        return new ServerlessConfig(root, base, stage, params, env).service(file);
    }

    private Service service(Path file) {
        String name = string(resolve(get(root, "service")), "service");
        String region = str(resolve(get(root, "provider", "region")));
        Map<String, String> options = new LinkedHashMap<>(this.options);
        options.putIfAbsent("region", region == null ? "us-east-1" : region);
        Map<String, String> providerEnv = environment(get(root, "provider", "environment"), "provider.environment");
        int providerTimeout = integer(get(root, "provider", "timeout"), DEFAULT_TIMEOUT_SECONDS, "provider.timeout");
        int providerMemory = integer(get(root, "provider", "memorySize"), DEFAULT_MEMORY_MB, "provider.memorySize");
        Object serviceArtifact = get(root, "package", "artifact");

        Map<String, FunctionDefinition> functions = new LinkedHashMap<>();
        List<Route> routes = new ArrayList<>();
        if (!(resolve(get(root, "functions")) instanceof Map<?, ?> defs)) {
            throw new IllegalArgumentException(file + " defines no functions");
        }
        for (Map.Entry<?, ?> entry : defs.entrySet()) {
            String fn = String.valueOf(entry.getKey());
            if (!(entry.getValue() instanceof Map<?, ?> def)) {
                throw new IllegalArgumentException("functions." + fn + " must be a mapping");
            }
            Map<String, String> environment = new LinkedHashMap<>(providerEnv);
            environment.putAll(environment(def.get("environment"), "functions." + fn + ".environment"));
            Object artifact = get(def, "package", "artifact");
            if (artifact == null) {
                artifact = serviceArtifact;
            }
            if (artifact == null) {
                throw new IllegalArgumentException("functions." + fn + " has no package.artifact: the local stack runs the built jar it names");
            }
            functions.put(fn, new FunctionDefinition(
                    fn,
                    string(resolve(def.get("handler")), "functions." + fn + ".handler"),
                    baseDir.resolve(string(resolve(artifact), "functions." + fn + ".package.artifact")).normalize(),
                    environment,
                    integer(def.get("timeout"), providerTimeout, "functions." + fn + ".timeout"),
                    integer(def.get("memorySize"), providerMemory, "functions." + fn + ".memorySize")));
            if (def.get("events") instanceof List<?> events) {
                for (Object event : events) {
                    if (event instanceof Map<?, ?> e && e.containsKey("http")) {
                        routes.add(route(fn, e.get("http")));
                    }
                }
            }
        }
        for (Route route : routes) {
            if (route.authorizer() != null && !functions.containsKey(route.authorizer().function())) {
                throw new IllegalArgumentException("The route " + route.method() + " /" + route.path() + " names authorizer '"
                        + route.authorizer().function() + "', which is not a function of this service; functions: " + functions.keySet());
            }
        }
        Object plugins = get(root, "plugins");
        Object modules = plugins instanceof Map<?, ?> ? get(plugins, "modules") : plugins;
        if (modules instanceof List<?> names && names.stream().anyMatch(p -> String.valueOf(p).endsWith(ROUTE_SCOPES_PLUGIN.substring(2)))) {
            FunctionDefinition authorizer = functions.get(ROUTE_SCOPES_AUTHORIZER);
            if (authorizer == null) {
                throw new IllegalArgumentException("route-scopes: the service has no function '" + ROUTE_SCOPES_AUTHORIZER + "' to hand ROUTE_SCOPES to");
            }
            Map<String, String> environment = new LinkedHashMap<>(authorizer.environment());
            environment.put(ROUTE_SCOPES, routeScopes(routes, authorizer.environment().get(ROUTE_SCOPES)));
            functions.put(ROUTE_SCOPES_AUTHORIZER, new FunctionDefinition(authorizer.name(), authorizer.handler(), authorizer.artifact(), environment,
                    authorizer.timeoutSeconds(), authorizer.memorySize()));
        }
        return new Service(name, stage, options.get("region"), functions, routes);
    }

    private Route route(String fn, Object http) {
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
        return new Route(method, path, fn, authorizer == null ? null : authorizer(authorizer, where + ".authorizer"));
    }

    private AuthorizerDefinition authorizer(Object value, String where) {
        if (value instanceof String name) {
            return new AuthorizerDefinition(str(resolve(name)), "TOKEN", "method.request.header.Authorization", null, DEFAULT_TTL_SECONDS, List.of());
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where + " must be a function name or a mapping");
        }
        if (map.get("arn") != null || map.get("name") == null) {
            throw new IllegalArgumentException(where + ": the local stack runs authorizers of this service only (set 'name' to a function, no 'arn')");
        }
        String type = str(resolve(map.get("type")));
        type = type == null ? "TOKEN" : type.toUpperCase(Locale.ROOT);
        if (!type.equals("TOKEN") && !type.equals("REQUEST")) {
            throw new IllegalArgumentException(where + ".type must be token or request locally, got '" + type + "'");
        }
        String identitySource = str(resolve(map.get("identitySource")));
        Pattern validation = null;
        String expression = str(resolve(map.get("identityValidationExpression")));
        if (expression != null && !expression.isEmpty()) {
            try {
                validation = Pattern.compile(expression);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(where + ".identityValidationExpression is not a valid regular expression: " + e.getDescription());
            }
        }
        int ttl = integer(map.get("resultTtlInSeconds"), DEFAULT_TTL_SECONDS, where + ".resultTtlInSeconds");
        if (ttl < 0 || ttl > 3600) {
            throw new IllegalArgumentException(where + ".resultTtlInSeconds must be between 0 and 3600, got " + ttl);
        }
        List<String> scopes = new ArrayList<>();
        Object declared = map.get("scopes");
        if (declared instanceof List<?> list) {
            list.forEach(scope -> scopes.add(string(resolve(scope), where + ".scopes")));
        } else if (declared != null) {
            throw new IllegalArgumentException(where + ".scopes must be a list of scopes");
        }
        return new AuthorizerDefinition(str(resolve(map.get("name"))), type,
                identitySource == null ? "method.request.header.Authorization" : identitySource, validation, ttl, scopes);
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
            Object resolved = resolve(v);
            if (resolved instanceof Map || resolved instanceof List) {
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
            return resolved instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(resolved).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + " must be a whole number, got '" + resolved + "'");
        }
    }

    /** Resolves every variable in a scalar; other values are returned as they are. */
    Object resolve(Object value) {
        if (!(value instanceof String text)) {
            return value;
        }
        String current = text;
        for (int rounds = 0; rounds < 20; rounds++) {
            Matcher m = INNERMOST.matcher(current);
            if (!m.find()) {
                return current;
            }
            Object replacement = variable(m.group(1).strip(), m.group());
            if (m.start() == 0 && m.end() == current.length() && !(replacement instanceof String)) {
                return replacement;
            }
            String text2 = replacement == null ? "" : String.valueOf(replacement);
            if (insideVariable(current, m.start()) && isAlternative(current, m.start())) {
                // a nested variable standing as an alternative (${a, ${b}}) is a literal fallback of the enclosing one;
                // one inside an address (${self:custom.${param:arch}}) is spliced into the address as it is
                text2 = "'" + text2 + "'";
            }
            current = current.substring(0, m.start()) + text2 + current.substring(m.end());
        }
        throw new IllegalArgumentException("Variables nest too deeply in '" + text + "'");
    }

    private static boolean isAlternative(String text, int position) {
        int i = position - 1;
        while (i >= 0 && text.charAt(i) == ' ') {
            i--;
        }
        return i >= 0 && text.charAt(i) == ',';
    }

    private static boolean insideVariable(String text, int position) {
        int open = 0;
        for (int i = 0; i < position; i++) {
            if (text.startsWith("${", i)) {
                open++;
            } else if (text.charAt(i) == '}' && open > 0) {
                open--;
            }
        }
        return open > 0;
    }

    private Object variable(String expression, String original) {
        List<String> alternatives = splitTopLevel(expression);
        for (String alternative : alternatives) {
            String a = alternative.strip();
            if (a.length() >= 2 && (a.startsWith("'") && a.endsWith("'") || a.startsWith("\"") && a.endsWith("\""))) {
                return a.substring(1, a.length() - 1);
            }
            if (a.matches("-?\\d+(\\.\\d+)?|true|false")) {
                return a;
            }
            Object found = lookup(a, original);
            if (found != null) {
                return resolve(found);
            }
        }
        throw new IllegalArgumentException("Cannot resolve variable " + original + " for stage '" + stage + "'"
                + (original.contains("param:") ? ": add it under params." + stage + " (or params.default) in serverless.yml" : ""));
    }

    private Object lookup(String reference, String original) {
        Matcher file = FILE_SOURCE.matcher(reference.strip());
        if (file.matches()) {
            return file(file.group(1), original);
        }
        int colon = reference.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("Cannot resolve variable " + original + ": '" + reference + "' has no source (param:, opt:, env:, self:, sls:)");
        }
        String source = reference.substring(0, colon).strip();
        String address = reference.substring(colon + 1).strip();
        return switch (source) {
            case "param" -> {
                Object value = params.containsKey(address) ? params.get(address) : get(root, "params", stage, address);
                yield value != null ? value : get(root, "params", "default", address);
            }
            case "opt" -> options.get(address);
            case "env" -> env.apply(address);
            case "self" -> get(root, address.split("\\."));
            case "sls" -> address.equals("stage") ? stage : null;
            default -> throw new IllegalArgumentException("Cannot resolve variable " + original + ": the local stack does not support the '"
                    + source + ":' source; use a param for the local stage instead");
        };
    }

    /**
     * What the route-scopes plugin (infra/route-scopes.js) sets for osls: {@code {"VERB /path": [scopes]}} of every
     * http event whose authorizer is the function {@value #ROUTE_SCOPES_AUTHORIZER} of this service, in file order;
     * fails as the plugin does when that is empty or differs from a hand-written value.
     */
    private static String routeScopes(List<Route> routes, String written) {
        Map<String, List<String>> table = new LinkedHashMap<>();
        for (Route route : routes) {
            if (route.authorizer() != null && route.authorizer().function().equals(ROUTE_SCOPES_AUTHORIZER)) {
                String key = route.method() + " /" + route.path();
                if (table.put(key, route.authorizer().scopes()) != null) {
                    throw new IllegalArgumentException("route-scopes: route " + key + " is declared twice");
                }
            }
        }
        if (table.isEmpty()) {
            throw new IllegalArgumentException("route-scopes: no http event is behind the authorizer '" + ROUTE_SCOPES_AUTHORIZER
                    + "', so ROUTE_SCOPES would be empty and the authorizer would refuse to start");
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try {
            if (written != null && !written.isBlank()
                    && !json.readValue(written, new com.fasterxml.jackson.core.type.TypeReference<Map<String, List<String>>>() {}).equals(table)) {
                throw new IllegalArgumentException("route-scopes: the ROUTE_SCOPES written in serverless.yml differs from the http events behind the authorizer; "
                        + "remove it (the plugin computes it)");
            }
            return json.writeValueAsString(table);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("route-scopes: the ROUTE_SCOPES written in serverless.yml is not a route table; remove it (the plugin computes it)", e);
        }
    }

    /** {@code ${file(./x.yml)}}: the YAML (or JSON) file, relative to the service directory, as osls reads it. */
    private Object file(String path, String original) {
        Path target = baseDir.resolve(path.strip()).normalize();
        try (InputStream in = Files.newInputStream(target)) {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot resolve variable " + original + ": cannot read " + target + ": " + e.getMessage(), e);
        }
    }

    private static List<String> splitTopLevel(String expression) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(expression.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(expression.substring(start));
        return parts;
    }

    private static Object get(Object node, String... path) {
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

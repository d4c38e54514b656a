package dev.gatehouse.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.gatehouse.local.ServerlessConfig.AuthorizerDefinition;
import dev.gatehouse.local.ServerlessConfig.FunctionDefinition;
import dev.gatehouse.local.ServerlessConfig.Route;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Java twin of the osls plugin {@code infra/route-scopes.js}, with its rules and messages: when a service lists it
 * ({@code plugins: [./route-scopes]}, or as a module under {@code plugins.localPath}), the authorizer function gets
 * {@code ROUTE_SCOPES}, the scopes of every route behind it, and {@code API_IDS}, the id of the API serving them (here
 * the local gateway's). {@code RouteScopesPluginIT} checks that both refuse the same services with the same messages.
 * The plugin's check of the final CloudFormation template (methods wired to the authorizer in {@code resources}) has no
 * twin: the local stack serves the http events only.
 */
final class RouteScopesPlugin {

    /** How a service lists the plugin. */
    static final String PLUGIN = "./route-scopes";
    /** The authorizer function whose routes the plugin lists. */
    static final String AUTHORIZER = "authorizer";
    /** The variable naming the API the table describes. */
    static final String API_IDS = "API_IDS";
    /** osls's reference to the REST API it creates for the service's http events. */
    static final Map<String, String> THIS_API = Map.of("Ref", "ApiGatewayRestApi");

    private static final String ROUTE_SCOPES = "ROUTE_SCOPES";
    /** The methods osls accepts besides ANY. */
    private static final Set<String> METHODS =
            Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY");
    /** The package of the authorizer's handlers. */
    private static final String AUTHORIZER_PACKAGE = "dev.gatehouse.authorizer.";

    private static final String HEADER_SOURCE = "method.request.header.";
    private static final String AUTHORIZATION_SOURCE = HEADER_SOURCE + "Authorization";

    private RouteScopesPlugin() {}

    /**
     * Whether {@code plugins} (the yml's {@code plugins} value: a list, or a mapping with {@code modules}) lists it.
     */
    static boolean listedIn(Object plugins) {
        Object modules = plugins instanceof Map<?, ?> map ? map.get("modules") : plugins;
        return modules instanceof List<?> names
                && names.stream().anyMatch(p -> String.valueOf(p).endsWith(PLUGIN.substring(2)));
    }

    /**
     * Whether an authorizer's {@code arn} names {@code function} of this stack, as the plugin tells its authorizer's:
     * {@code Fn::GetAtt [<Function>LambdaFunction, Arn]}, or {@code Ref} (or {@code Fn::GetAtt [..., AliasArn]}) of
     * {@code <Function>SnapStartLambdaAlias} (the Ref of an {@code AWS::Lambda::Alias}, and its {@code AliasArn}, is
     * the alias's ARN: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-alias.html).
     * A string ARN never does: its account is not checked, and osls would point the authorizer at {@code $LATEST}.
     */
    static boolean namesFunction(Object arn, String function) {
        if (!(arn instanceof Map<?, ?> map) || map.size() != 1) {
            return false;
        }
        String functionId = normalizedName(function) + "LambdaFunction";
        String aliasId = normalizedName(function) + "SnapStartLambdaAlias";
        if (map.containsKey("Ref")) {
            return aliasId.equals(map.get("Ref"));
        }
        Object getAtt = map.get("Fn::GetAtt");
        List<?> parts =
                getAtt instanceof String s ? List.of(s.split("\\.", -1)) : getAtt instanceof List<?> l ? l : null;
        return parts != null
                && parts.size() == 2
                && ((functionId.equals(parts.get(0)) && "Arn".equals(parts.get(1)))
                        || (aliasId.equals(parts.get(0)) && "AliasArn".equals(parts.get(1))));
    }

    /**
     * Why the plugin refuses the route {@code key} of {@code function} naming an existing authorizer by
     * {@code authorizerId}: it may be this stack's authorizer, and the route is not in its table.
     */
    static String byAuthorizerId(String key, String function, Object authorizerId) {
        return "route-scopes: route " + key + " (function " + function + ") names its authorizer by authorizerId "
                + Http.jsonText(authorizerId) + ", which may be this stack's authorizer without the route in its"
                + " ROUTE_SCOPES; use authorizer.name: " + AUTHORIZER;
    }

    /**
     * Sets the authorizer's {@code ROUTE_SCOPES} and {@code API_IDS} ({@code localApiId}) in {@code functions} as the
     * plugin sets them for osls, refusing what it refuses. {@code writtenApiIds} is the authorizer's hand-written
     * {@code API_IDS} as the yml has it (or null), {@code api} what osls names the service's API with:
     * {@link #THIS_API} or {@code provider.apiGateway.restApiId}, {@code rootResourceId} its
     * {@code provider.apiGateway.restApiRootResourceId} (or null).
     */
    static void apply(
            Map<String, FunctionDefinition> functions,
            List<Route> routes,
            Object writtenApiIds,
            Object api,
            Object rootResourceId,
            String localApiId) {
        FunctionDefinition authorizer = functions.get(AUTHORIZER);
        if (authorizer == null) {
            throw new IllegalArgumentException(
                    "route-scopes: the service has no function '" + AUTHORIZER + "' to hand ROUTE_SCOPES to");
        }
        for (Map.Entry<String, FunctionDefinition> function : functions.entrySet()) {
            if (!function.getKey().equals(AUTHORIZER)
                    && function.getValue().handler().startsWith(AUTHORIZER_PACKAGE)) {
                throw new IllegalArgumentException("route-scopes: function " + function.getKey() + " runs "
                        + function.getValue().handler() + ": one Gatehouse authorizer per stack, named '" + AUTHORIZER
                        + "'; a second API or table deploys as its own stack");
            }
        }
        if (written(rootResourceId)) {
            throw new IllegalArgumentException("route-scopes: provider.apiGateway.restApiRootResourceId is set: the"
                    + " routes would hang below a resource ROUTE_SCOPES cannot see; remove it");
        }
        String routeScopes = routeScopes(routes, api, authorizer.environment().get(ROUTE_SCOPES));
        if (written(writtenApiIds) && !writtenApiIds.equals(api)) {
            throw new IllegalArgumentException("route-scopes: the API_IDS written in serverless.yml ("
                    + Http.jsonText(writtenApiIds) + ") differs from this service's API (" + Http.jsonText(api)
                    + "); remove it (this plugin computes it)");
        }
        Map<String, String> environment = new LinkedHashMap<>(authorizer.environment());
        environment.put(ROUTE_SCOPES, routeScopes);
        environment.put(API_IDS, localApiId);
        functions.put(
                AUTHORIZER,
                new FunctionDefinition(
                        authorizer.name(),
                        authorizer.handler(),
                        authorizer.artifact(),
                        environment,
                        authorizer.timeoutSeconds(),
                        authorizer.memorySize()));
    }

    /**
     * What the route-scopes plugin (infra/route-scopes.js) sets for osls: {@code {"VERB /path": [scopes]}} of every
     * http event whose authorizer is the function {@value #AUTHORIZER} of this service, in file order; fails as the
     * plugin does on an event it refuses, when that is empty, on an {@code api} id that is not one, or when it differs
     * from a hand-written value.
     */
    private static String routeScopes(List<Route> routes, Object api, String written) {
        Map<String, List<String>> table = new LinkedHashMap<>();
        Map<String, Route> firstOfAuthorizer = new LinkedHashMap<>();
        for (Route route : routes) {
            AuthorizerDefinition authorizer = route.authorizer();
            if (authorizer == null
                    || (authorizer.arn() == null && !authorizer.function().equals(AUTHORIZER))) {
                continue;
            }
            String key = route.method() + " /" + route.path();
            String where = "route-scopes: route " + key + " (function " + route.function() + ")";
            if (!authorizer.function().equals(AUTHORIZER)) {
                throw new IllegalArgumentException(
                        where + " names its authorizer by arn " + Http.jsonText(authorizer.arn())
                                + ", which is not a reference to this stack's function '" + AUTHORIZER
                                + "'; use authorizer.name: "
                                + AUTHORIZER + " (a service deployed as its own stack deploys its own authorizer:"
                                + " infra/examples/separate-stack)");
            }
            if (!METHODS.contains(route.method())) {
                throw new IllegalArgumentException(where + " has method '" + route.method() + "': http.method must be"
                        + " one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY");
            }
            if (table.containsKey(key)) {
                throw new IllegalArgumentException(
                        "route-scopes: route " + key + " is declared twice (function " + route.function() + ")");
            }
            Route first = firstOfAuthorizer.putIfAbsent(normalizedName(authorizer.name()), route);
            String differing = first == null ? null : differingSetting(first.authorizer(), authorizer);
            if (differing != null) {
                throw new IllegalArgumentException(where + " and route " + first.method() + " /" + first.path()
                        + " set the authorizer '" + authorizer.name() + "' differently (" + differing + "): osls"
                        + " deploys one authorizer with the last route's settings for both; make them equal");
            }
            String source = authorizer.identitySource().text();
            if (authorizer.type() == AuthorizerType.REQUEST
                    && authorizer.ttlSeconds() != 0
                    && !(source.startsWith(HEADER_SOURCE)
                            && source.substring(HEADER_SOURCE.length()).equalsIgnoreCase("Authorization"))) {
                throw new IllegalArgumentException(where + " has a cached REQUEST authorizer whose identitySource is '"
                        + source + "': API Gateway would cache its decision under a value the authorizer never checks"
                        + " (it verifies the token of the Authorization header); use identitySource: "
                        + AUTHORIZATION_SOURCE + ", or resultTtlInSeconds: 0");
            }
            table.put(key, authorizer.scopes());
        }
        if (table.isEmpty()) {
            throw new IllegalArgumentException("route-scopes: no http event is behind the authorizer '" + AUTHORIZER
                    + "', so ROUTE_SCOPES would be empty and the authorizer would refuse to start");
        }
        if (api instanceof String id && !id.matches("[A-Za-z0-9]+")) {
            throw new IllegalArgumentException("route-scopes: provider.apiGateway.restApiId '" + id
                    + "' is not an API Gateway API id (letters and digits only)");
        }
        if (written(written)) {
            Object parsed;
            try {
                parsed = Http.JSON.readValue(written, Object.class);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("route-scopes: the ROUTE_SCOPES written in serverless.yml is not"
                        + " JSON; remove it (this plugin computes it)");
            }
            if (!table.equals(parsed)) {
                List<String> missing = table.keySet().stream()
                        .filter(key -> !(parsed instanceof Map<?, ?> map && map.containsKey(key)))
                        .toList();
                throw new IllegalArgumentException("route-scopes: the ROUTE_SCOPES written in serverless.yml differs"
                        + " from the http events behind the authorizer"
                        + (missing.isEmpty() ? "" : " (missing: " + String.join(", ", missing) + ")")
                        + "; remove it (this plugin computes it)");
            }
        }
        return Http.jsonText(table);
    }

    /** The first setting osls's one authorizer resource would take from only one of {@code a} and {@code b}. */
    private static String differingSetting(AuthorizerDefinition a, AuthorizerDefinition b) {
        if (a.type() != b.type()) {
            return "type";
        }
        if (!a.identitySource().text().equals(b.identitySource().text())) {
            return "identitySource";
        }
        if (a.ttlSeconds() != b.ttlSeconds()) {
            return "resultTtlInSeconds";
        }
        if (!Objects.equals(expression(a), expression(b))) {
            return "identityValidationExpression";
        }
        return Objects.equals(a.arn(), b.arn()) ? null : "arn";
    }

    private static String expression(AuthorizerDefinition authorizer) {
        return authorizer.validationExpression() == null
                ? null
                : authorizer.validationExpression().pattern();
    }

    private static boolean written(Object value) {
        return value != null && !String.valueOf(value).isBlank();
    }

    /** osls's getNormalizedResourceName: '-' as Dash, '_' as Underscore, first letter upper case. */
    private static String normalizedName(String function) {
        String name = function.replace("-", "Dash").replace("_", "Underscore");
        return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}

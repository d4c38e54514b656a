package dev.gatehouse.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.gatehouse.local.ServerlessConfig.FunctionDefinition;
import dev.gatehouse.local.ServerlessConfig.Route;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java twin of the osls plugin {@code infra/route-scopes.js}: when a service lists it ({@code plugins:
 * [./route-scopes]}, or as a module under {@code plugins.localPath}), the authorizer function gets
 * {@code ROUTE_SCOPES}, the scopes of every route behind it. {@code RouteScopesIT} checks that both compute the same
 * table.
 */
final class RouteScopesPlugin {

    /** How a service lists the plugin. */
    static final String PLUGIN = "./route-scopes";
    /** The authorizer function whose routes the plugin lists. */
    static final String AUTHORIZER = "authorizer";

    private static final String ROUTE_SCOPES = "ROUTE_SCOPES";
    private static final TypeReference<Map<String, List<String>>> ROUTE_TABLE = new TypeReference<>() {};

    private RouteScopesPlugin() {}

    /**
     * Whether {@code plugins} (the yml's {@code plugins} value: a list, or a mapping with {@code modules}) lists it.
     */
    static boolean listedIn(Object plugins) {
        Object modules = plugins instanceof Map<?, ?> map ? map.get("modules") : plugins;
        return modules instanceof List<?> names
                && names.stream().anyMatch(p -> String.valueOf(p).endsWith(PLUGIN.substring(2)));
    }

    /** Sets the authorizer's {@code ROUTE_SCOPES} in {@code functions} as the plugin sets it for osls. */
    static void apply(Map<String, FunctionDefinition> functions, List<Route> routes) {
        FunctionDefinition authorizer = functions.get(AUTHORIZER);
        if (authorizer == null) {
            throw new IllegalArgumentException(
                    "route-scopes: the service has no function '" + AUTHORIZER + "' to hand ROUTE_SCOPES to");
        }
        Map<String, String> environment = new LinkedHashMap<>(authorizer.environment());
        environment.put(
                ROUTE_SCOPES, routeScopes(routes, authorizer.environment().get(ROUTE_SCOPES)));
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
     * http event whose authorizer is the function {@value #AUTHORIZER} of this service, in file order;
     * fails as the plugin does when that is empty or differs from a hand-written value.
     */
    static String routeScopes(List<Route> routes, String written) {
        Map<String, List<String>> table = new LinkedHashMap<>();
        for (Route route : routes) {
            if (route.authorizer() != null && route.authorizer().function().equals(AUTHORIZER)) {
                String key = route.method() + " /" + route.path();
                if (table.put(key, route.authorizer().scopes()) != null) {
                    throw new IllegalArgumentException("route-scopes: route " + key + " is declared twice");
                }
            }
        }
        if (table.isEmpty()) {
            throw new IllegalArgumentException("route-scopes: no http event is behind the authorizer '" + AUTHORIZER
                    + "', so ROUTE_SCOPES would be empty and the authorizer would refuse to start");
        }

        try {
            if (written != null
                    && !written.isBlank()
                    && !Http.JSON.readValue(written, ROUTE_TABLE).equals(table)) {
                throw new IllegalArgumentException(
                        "route-scopes: the ROUTE_SCOPES written in serverless.yml differs from the http events "
                                + "behind the authorizer; "
                                + "remove it (the plugin computes it)");
            }
            return Http.JSON.writeValueAsString(table);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "route-scopes: the ROUTE_SCOPES written in serverless.yml is not a route table; remove it "
                            + "(the plugin computes it)",
                    e);
        }
    }
}

package dev.gatehouse.authorizer.policy;

import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Method-ARN tails of canonical requests of a route (one per verb, path parameters filled in): what tests expect
 * allowed.
 */
public final class RouteSamples {

    /** The APIs the test tables describe: those of the REST and HTTP API sample events in {@code events/}. */
    public static final Set<String> API = Set.of("a1b2c3d4e5", "abcdef123");

    private RouteSamples() {}

    /** {@code json} as the table of {@link #API}. */
    public static RouteScopes table(String json) {
        return RouteScopes.parse(json, API);
    }

    /** The whole-stage table of {@link #API}. */
    public static RouteScopes wholeStage() {
        return RouteScopes.wholeStage(API);
    }

    public static List<String> canonical(RouteScopes.Route route) {
        return canonical(route, "p", "p/p");
    }

    /** With {@code parameter} for each {@code {param}} and {@code greedy} for a {@code {proxy+}}. */
    public static List<String> canonical(RouteScopes.Route route, String parameter, String greedy) {
        String path = route.path().equals("/") ? "" : fill(route.path().substring(1), parameter, greedy);
        return route.method().equals("ANY")
                ? RouteScopes.VERBS.stream().map(verb -> verb + "/" + path).toList()
                : List.of(route.method() + "/" + path);
    }

    private static String fill(String path, String parameter, String greedy) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/", -1)) {
            segments.add(segment.startsWith("{") ? (segment.endsWith("+}") ? greedy : parameter) : segment);
        }
        return String.join("/", segments);
    }

    /**
     * Whether {@code path} (after {@code VERB/}) is in {@code language}: by the same search, with a glob that is a
     * literal.
     */
    static boolean contains(RouteLanguage language, String path) {
        if (path.indexOf('*') >= 0) {
            throw new IllegalArgumentException("a path holds no '*'");
        }
        return language.counterexample(path).isPresent();
    }

    /** As many five-route services as the policy budget accepts, each service with its own read and write scope. */
    public static RouteScopes largestAcceptedTable() {
        RouteScopes accepted = null;
        for (int services = 1; ; services++) {
            StringBuilder json = new StringBuilder("{");
            for (int i = 0; i < services; i++) {
                String s = "service" + i;
                json.append(i == 0 ? "" : ",")
                        .append("\"GET /")
                        .append(s)
                        .append("\":[\"read:")
                        .append(s)
                        .append("\"],")
                        .append("\"POST /")
                        .append(s)
                        .append("\":[\"write:")
                        .append(s)
                        .append("\"],")
                        .append("\"GET /")
                        .append(s)
                        .append("/{id}\":[\"read:")
                        .append(s)
                        .append("\"],")
                        .append("\"PUT /")
                        .append(s)
                        .append("/{id}\":[\"write:")
                        .append(s)
                        .append("\"],")
                        .append("\"DELETE /")
                        .append(s)
                        .append("/{id}\":[\"write:")
                        .append(s)
                        .append("\"]");
            }
            try {
                accepted = table(json.append('}').toString());
            } catch (ConfigurationException e) {
                if (services <= 5) {
                    throw new AssertionError("only " + (services - 1) + " services fit the budget", e);
                }
                return accepted;
            }
        }
    }
}

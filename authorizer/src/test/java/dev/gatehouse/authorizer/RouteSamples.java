package dev.gatehouse.authorizer;

import java.util.ArrayList;
import java.util.List;

/** Method-ARN tails of canonical requests of a route (one per verb, path parameters filled in): what tests expect allowed. */
final class RouteSamples {

    private RouteSamples() {}

    static List<String> canonical(RouteScopes.Route route) {
        return canonical(route, "p", "p/p");
    }

    /** With {@code parameter} for each {@code {param}} and {@code greedy} for a {@code {proxy+}}. */
    static List<String> canonical(RouteScopes.Route route, String parameter, String greedy) {
        String path = route.path().equals("/") ? "" : fill(route.path().substring(1), parameter, greedy);
        return route.method().equals("ANY") ? RouteScopes.VERBS.stream().map(verb -> verb + "/" + path).toList() : List.of(route.method() + "/" + path);
    }

    private static String fill(String path, String parameter, String greedy) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/", -1)) {
            segments.add(segment.startsWith("{") ? (segment.endsWith("+}") ? greedy : parameter) : segment);
        }
        return String.join("/", segments);
    }
}

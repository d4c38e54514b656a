package dev.gatehouse.local;

import dev.gatehouse.local.ServerlessConfig.Route;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Matches a request to an {@code http} event as API Gateway (REST) matches resources: literal segments before
 * {@code {param}} segments before a greedy {@code {proxy+}}; an explicit method before {@code ANY}. Immutable,
 * thread-safe.
 */
final class RouteTable {

    /** A matched route with the path parameters taken from the request. */
    record Match(Route route, Map<String, String> pathParameters) {}

    private final List<Route> routes;

    RouteTable(List<Route> routes) {
        this.routes = routes.stream()
                .sorted(Comparator.comparingInt(RouteTable::specificity)
                        .reversed()
                        .thenComparing(route -> route.method().equals("ANY")))
                .toList();
    }

    /** {@code segments} are the decoded path segments after the stage. */
    Optional<Match> match(String method, List<String> segments) {
        for (Route route : routes) {
            if (!route.method().equals("ANY") && !route.method().equals(method)) {
                continue;
            }
            Map<String, String> parameters = matchPath(route.path(), segments);
            if (parameters != null) {
                return Optional.of(new Match(route, parameters));
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> matchPath(String template, List<String> segments) {
        List<String> parts = template.isEmpty() ? List.of() : List.of(template.split("/"));
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            if (part.startsWith("{") && part.endsWith("+}")) {
                if (i != parts.size() - 1 || segments.size() <= i) {
                    return null;
                }
                parameters.put(
                        part.substring(1, part.length() - 2), String.join("/", segments.subList(i, segments.size())));
                return parameters;
            }
            if (i >= segments.size()) {
                return null;
            }
            String segment = segments.get(i);
            if (part.startsWith("{") && part.endsWith("}")) {
                if (segment.isEmpty()) {
                    return null;
                }
                parameters.put(part.substring(1, part.length() - 1), segment);
            } else if (!part.equals(segment)) {
                return null;
            }
        }
        return parts.size() == segments.size() ? parameters : null;
    }

    /** Literal segments weigh most, then plain parameters; a greedy parameter least. */
    private static int specificity(Route route) {
        int score = 0;
        List<String> parts = new ArrayList<>(
                route.path().isEmpty() ? List.of() : List.of(route.path().split("/")));
        for (String part : parts) {
            score = score * 4 + (part.endsWith("+}") ? 1 : part.startsWith("{") ? 2 : 3);
        }
        return score;
    }
}

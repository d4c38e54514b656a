package dev.gatehouse.local;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The CORS preflight of one path: the {@code OPTIONS} method that osls adds to a REST API for a path whose
 * {@code http} events set {@code cors} (no authorizer, a {@code MOCK} integration answering 200 with the
 * {@code Access-Control-Allow-*} headers), built as osls 4.3.1 builds it: the per-event defaults and the merging of
 * the events on one path follow its {@code api-gateway/lib/validate.js} ({@code getCors} and the {@code corsPreflight}
 * registry), the headers and the origin template its {@code api-gateway/lib/cors.js}. {@code CorsPreflightIT} checks
 * the result against the template {@code osls package} writes.
 *
 * @param origin the {@code Access-Control-Allow-Origin} answered when no listed origin matches the request's
 * @param origins the origins matched against the request's {@code Origin} (empty: {@code origin} is always answered)
 * @param methods as osls lists them, {@code ANY} included; {@link #headers()} expands it
 * @param maxAge {@code Access-Control-Max-Age}, or null
 * @param cacheControl {@code Cache-Control}, or null
 */
record CorsPreflight(
        String path,
        String origin,
        List<String> origins,
        List<String> allowHeaders,
        List<String> methods,
        boolean allowCredentials,
        String maxAge,
        String cacheControl) {

    /** The request headers osls allows when an event's {@code cors} names none. */
    static final List<String> DEFAULT_HEADERS = List.of(
            "Content-Type",
            "X-Amz-Date",
            "Authorization",
            "X-Api-Key",
            "X-Amz-Security-Token",
            "X-Amz-User-Agent",
            "X-Amzn-Trace-Id");

    private static final Set<String> KEYS =
            Set.of("origin", "origins", "headers", "methods", "allowCredentials", "maxAge", "cacheControl");

    CorsPreflight {
        requireNonNull(path, "path is null");
        requireNonNull(origin, "origin is null");
        origins = List.copyOf(origins);
        allowHeaders = List.copyOf(allowHeaders);
        methods = List.copyOf(methods);
        for (String o : origins) {
            try {
                Pattern.compile(originPattern(o));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("The cors origin '" + o + "' of /" + path
                        + " is not a pattern API Gateway can match: " + e.getDescription());
            }
        }
    }

    /**
     * The preflight response headers, as the integration response's {@code ResponseParameters} hold them (without
     * their quotes), before the origin template runs.
     */
    Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Access-Control-Allow-Origin", origin);
        headers.put("Access-Control-Allow-Headers", String.join(",", allowHeaders));
        String allowMethods = String.join(",", methods);
        if (methods.contains("ANY")) {
            // osls: String.replace, which replaces the first occurrence only.
            allowMethods = allowMethods.replaceFirst("ANY", "DELETE,GET,HEAD,PATCH,POST,PUT");
        }
        headers.put("Access-Control-Allow-Methods", allowMethods);
        if (allowCredentials) {
            headers.put("Access-Control-Allow-Credentials", "true");
        }
        if (maxAge != null) {
            headers.put("Access-Control-Max-Age", maxAge);
        }
        if (cacheControl != null) {
            headers.put("Cache-Control", cacheControl);
        }
        return headers;
    }

    /**
     * The MOCK integration's answer: 200, an empty body, {@link #headers()}; with {@code origins}, the request's origin
     * instead of the first when it matches one of them, as osls's response template does:
     * {@code #set($origin = $input.params("Origin"))}, then {@code "origin"} if that is empty, then
     * {@code $origin.matches(...)} (Java's {@code String.matches}, a whole-string match) against each origin with
     * {@code .} escaped and its first {@code *} made {@code .+}. {@code $input.params(x)} searches the path, the query
     * string and the headers, in that order
     * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html).
     */
    GatewayResponse respond(
            Map<String, String> pathParameters,
            Map<String, List<String>> query,
            Map<String, List<String>> requestHeaders) {
        Map<String, String> headers = headers();
        if (!origins.isEmpty()) {
            String requestOrigin = param("Origin", pathParameters, query, requestHeaders);
            if (requestOrigin.isEmpty()) {
                requestOrigin = param("origin", pathParameters, query, requestHeaders);
            }
            for (String o : origins) {
                if (requestOrigin.matches(originPattern(o))) {
                    headers.put("Access-Control-Allow-Origin", requestOrigin);
                    break;
                }
            }
        }
        Map<String, List<String>> response = new LinkedHashMap<>();
        headers.forEach((name, value) -> response.put(name, List.of(value)));
        response.put("Content-Type", List.of("application/json"));
        return new GatewayResponse(200, response, new byte[0]);
    }

    /** {@code $input.params(name)}: the path parameter, else the query parameter, else the header; "" if none. */
    private static String param(
            String name,
            Map<String, String> pathParameters,
            Map<String, List<String>> query,
            Map<String, List<String>> requestHeaders) {
        String value = pathParameters.get(name);
        if (value == null && query.get(name) instanceof List<String> values && !values.isEmpty()) {
            value = values.getFirst();
        }
        if (value == null) {
            // API Gateway reads the header as sent; local requests reach us with case-folded names.
            value = Headers.first(requestHeaders, name);
        }
        return value == null ? "" : value;
    }

    /** osls's {@code regexifyWildcards}: dots escaped, the first {@code *} made {@code .+}. */
    static String originPattern(String origin) {
        return origin.replace(".", "[.]").replaceFirst("\\*", ".+");
    }

    /** Collects the {@code cors} of each {@code http} event and merges those of one path as osls does. */
    static final class Collector {

        private static final class Merged {
            List<String> headers = List.of();
            List<String> methods = List.of();
            List<String> origins = List.of();
            String origin;
            boolean allowCredentials;
            String maxAge;
            String cacheControl;
        }

        private final Map<String, Merged> byPath = new LinkedHashMap<>();

        /**
         * Adds the {@code cors} value of the event {@code method /path} ({@code cors} resolved; null, false or absent
         * adds nothing).
         */
        void add(String path, String method, Object cors, String where) {
            if (cors == null || Boolean.FALSE.equals(cors)) {
                return;
            }
            String upper = method.toUpperCase(Locale.ROOT);
            // getCors: the event's own settings over the defaults.
            String origin = "*";
            List<String> origins = List.of();
            List<String> headers = DEFAULT_HEADERS;
            List<String> methods;
            boolean allowCredentials = false;
            String maxAge = null;
            String cacheControl = null;
            if (Boolean.TRUE.equals(cors)) {
                methods = List.of("OPTIONS", upper);
            } else if (cors instanceof Map<?, ?> map) {
                for (Object key : map.keySet()) {
                    if (!KEYS.contains(String.valueOf(key))) {
                        throw new IllegalArgumentException(
                                where + " has '" + key + "', which osls does not know; known: " + KEYS);
                    }
                }
                if (map.get("origins") != null) {
                    origin = null;
                    origins = strings(map.get("origins"), where + ".origins", false);
                }
                if (map.containsKey("origin")) {
                    origin = text(map.get("origin"), where + ".origin");
                }
                // osls: a falsy headers (absent, null, "") gets the defaults.
                if (map.get("headers") != null && !"".equals(map.get("headers"))) {
                    headers = strings(map.get("headers"), where + ".headers", true);
                }
                List<String> listed = map.get("methods") == null
                        ? new ArrayList<>()
                        : new ArrayList<>(strings(map.get("methods"), where + ".methods", false));
                if (!listed.contains("OPTIONS")) {
                    listed.add("OPTIONS");
                }
                if (!listed.contains(upper)) {
                    listed.add(upper);
                }
                methods = listed;
                allowCredentials = truthy(map.get("allowCredentials"));
                maxAge = truthy(map.get("maxAge")) ? String.valueOf(map.get("maxAge")) : null;
                cacheControl = truthy(map.get("cacheControl")) ? String.valueOf(map.get("cacheControl")) : null;
            } else {
                throw new IllegalArgumentException(where + " must be true, false or a mapping, got '" + cors + "'");
            }
            // The registry: the event's lists first, then what earlier events on the path gave.
            Merged merged = byPath.computeIfAbsent(path, p -> new Merged());
            merged.headers = union(headers, merged.headers);
            merged.methods = union(methods, merged.methods);
            merged.origins = union(origins, merged.origins);
            merged.origin = origin;
            merged.allowCredentials = merged.allowCredentials || allowCredentials;
            if (maxAge != null) {
                merged.maxAge = maxAge;
            }
            if (cacheControl != null) {
                merged.cacheControl = cacheControl;
            }
        }

        /** One preflight per path, as compileCors writes them. */
        List<CorsPreflight> preflights() {
            List<CorsPreflight> preflights = new ArrayList<>();
            byPath.forEach((path, merged) -> {
                String origin = merged.origin;
                List<String> origins = merged.origins;
                if (origin != null && origin.contains(",")) {
                    origins = new ArrayList<>();
                    for (String o : origin.split(",", -1)) {
                        origins.add(o.strip());
                    }
                }
                if (!origins.isEmpty()) {
                    origin = origins.getFirst();
                }
                if (origin == null) {
                    throw new IllegalArgumentException("The cors of /" + path
                            + " names no origin (osls would answer 'undefined'): set origin or origins");
                }
                preflights.add(new CorsPreflight(
                        path,
                        origin,
                        origins,
                        merged.headers,
                        merged.methods,
                        merged.allowCredentials,
                        merged.maxAge,
                        merged.cacheControl));
            });
            return preflights;
        }

        private static List<String> union(List<String> first, List<String> then) {
            Set<String> union = new LinkedHashSet<>(first);
            union.addAll(then);
            return List.copyOf(union);
        }

        private static boolean truthy(Object value) {
            return value != null
                    && !Boolean.FALSE.equals(value)
                    && !(value instanceof Number n && n.doubleValue() == 0)
                    && !"".equals(value);
        }

        private static String text(Object value, String where) {
            if (value instanceof String s) {
                return s;
            }
            throw new IllegalArgumentException(where + " must be a string, got '" + value + "'");
        }

        private static List<String> strings(Object value, String where, boolean oneAllowed) {
            if (oneAllowed && value instanceof String s) {
                return List.of(s);
            }
            if (value instanceof List<?> list) {
                List<String> strings = new ArrayList<>();
                for (Object item : list) {
                    strings.add(text(item, where + "[]"));
                }
                return strings;
            }
            throw new IllegalArgumentException(where + " must be a list of strings" + (oneAllowed ? " or a string" : "")
                    + ", got '" + value + "'");
        }
    }
}

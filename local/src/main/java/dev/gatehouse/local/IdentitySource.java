package dev.gatehouse.local;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An authorizer's {@code identitySource}, parsed once when the yml is loaded: the request values API Gateway reads
 * before it invokes the authorizer, and the key of its result cache
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html). A TOKEN
 * authorizer reads exactly one header; a REQUEST authorizer reads a comma-separated list of headers and query-string
 * parameters. Stage variables and context variables are refused at load: the local gateway has neither, and guessing a
 * value for them would cache decisions under a key AWS would not use.
 *
 * @param text the expression as written, e.g. {@code method.request.header.Authorization}
 * @param parts each value read, in order
 */
record IdentitySource(String text, List<Part> parts) {

    private static final String DEFAULT = "method.request.header.Authorization";
    private static final String HEADER = "method.request.header.";
    private static final String QUERY = "method.request.querystring.";

    /** Where one identity value comes from. */
    enum Location {
        HEADER,
        QUERY_STRING
    }

    /** One identity value: a header (name compared case-insensitively) or a query-string parameter. */
    record Part(Location location, String name) {
        Part {
            requireNonNull(location, "location is null");
            requireNonNull(name, "name is null");
        }
    }

    IdentitySource {
        requireNonNull(text, "text is null");
        parts = List.copyOf(parts);
    }

    /**
     * Parses {@code text} for an authorizer of {@code type} caching for {@code ttlSeconds}. Null means the
     * Authorization header, as osls sets it, except for a REQUEST authorizer without caching: it has no identity
     * source, and API Gateway invokes it on every request ("For the REQUEST authorizer, this is required when
     * authorization caching is enabled [...] When the authorization caching is not enabled, this property is
     * optional": https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html#apigw-CreateAuthorizer-request-identitySource).
     */
    static IdentitySource parse(String text, AuthorizerType type, int ttlSeconds, String where) {
        if ((text == null || text.isBlank()) && type == AuthorizerType.REQUEST && ttlSeconds == 0) {
            return new IdentitySource("", List.of());
        }
        // osls replaces a missing or empty identitySource with the default (its `!identitySource`).
        String source = text == null || text.isBlank() ? DEFAULT : text.strip();
        List<Part> parts = new ArrayList<>();
        for (String item : source.split(",", -1)) {
            String s = item.strip();
            if (s.startsWith(HEADER) && s.length() > HEADER.length()) {
                parts.add(new Part(Location.HEADER, s.substring(HEADER.length())));
            } else if (s.startsWith(QUERY) && s.length() > QUERY.length()) {
                parts.add(new Part(Location.QUERY_STRING, s.substring(QUERY.length())));
            } else {
                throw new IllegalArgumentException(
                        where + ": '" + s + "' is not an identity source the local gateway reads;"
                                + " use method.request.header.NAME or method.request.querystring.NAME");
            }
        }
        if (type == AuthorizerType.TOKEN && (parts.size() != 1 || parts.get(0).location() != Location.HEADER)) {
            throw new IllegalArgumentException(where + ": a TOKEN authorizer's identity source is one header"
                    + " (method.request.header.NAME), got '" + source + "'");
        }
        return new IdentitySource(source, parts);
    }

    /**
     * The values of every part in order, or empty when one is missing or blank: API Gateway then answers 401 without
     * invoking the authorizer ("verifying all of the identity-related request parameters are present, not null and
     * non-empty. Only when this is true does the authorizer invoke the authorizer Lambda function, otherwise, it
     * returns a 401 Unauthorized response": API_CreateAuthorizer, above). With no parts (a REQUEST authorizer without
     * caching or identity source) there is nothing to check and the list is empty. A query-string parameter given
     * twice yields its last value, as in the proxy event's {@code queryStringParameters}.
     */
    Optional<List<String>> values(Map<String, List<String>> headers, Map<String, List<String>> query) {
        List<String> values = new ArrayList<>(parts.size());
        for (Part part : parts) {
            String value;
            if (part.location() == Location.HEADER) {
                value = Headers.first(headers, part.name());
            } else {
                List<String> q = query.get(part.name());
                value = q == null ? null : q.get(q.size() - 1);
            }
            if (value == null || value.isBlank()) {
                return Optional.empty();
            }
            values.add(value);
        }
        return Optional.of(values);
    }
}

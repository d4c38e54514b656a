package dev.gatehouse.common;

import static java.util.Objects.requireNonNull;

/**
 * An API Gateway (REST) method ARN, as found in an authorizer event's {@code methodArn}:
 * {@code arn:{partition}:execute-api:{region}:{account}:{apiId}/{stage}/{VERB}/{resource path}}.
 *
 * <p>The resource path is everything after the verb, exactly as API Gateway writes it: the request's own path without
 * its leading slash ({@code hello-world}, {@code orders/42/items}, {@code orders/} with a trailing slash, empty for the
 * root resource) and possibly odd ({@code /orders} for a request to {@code //orders}, percent-encodings, any length).
 * It is kept for logs only: no decision may depend on it, since API Gateway reuses the answer for other paths.
 * Immutable and thread-safe.
 */
public record MethodArn(
        String partition,
        String region,
        String accountId,
        String apiId,
        String stage,
        String httpMethod,
        String resourcePath) {

    private static final String SERVICE = "execute-api";

    public MethodArn {
        requireSegment(partition, "partition");
        requireSegment(region, "region");
        requireSegment(accountId, "accountId");
        requireSegment(apiId, "apiId");
        requireSegment(stage, "stage");
        requireSegment(httpMethod, "httpMethod");
        requireNonNull(resourcePath, "resourcePath is null");
    }

    /**
     * Parses a method ARN.
     *
     * @throws IllegalArgumentException if {@code arn} is not an {@code execute-api} method ARN with API id, stage and
     * verb;
     *     the resource path after the verb is taken as it is, whatever its form or length
     */
    public static MethodArn parse(String arn) {
        if (arn == null || arn.isEmpty()) {
            throw new IllegalArgumentException("methodArn is missing; expected "
                    + "arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{VERB}/{path}");
        }
        String[] parts = arn.split(":", 6);
        if (parts.length != 6 || !parts[0].equals("arn") || !parts[2].equals(SERVICE)) {
            throw new IllegalArgumentException("methodArn '" + arn
                    + "' is not an execute-api ARN; expected "
                    + "arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{VERB}/{path}");
        }
        String[] method = parts[5].split("/", 4);
        if (method.length < 3) {
            throw new IllegalArgumentException("methodArn '" + arn
                    + "' does not name an API, stage and verb; expected {apiId}/{stage}/{VERB}/{path}");
        }
        try {
            return new MethodArn(
                    parts[1], parts[3], parts[4], method[0], method[1], method[2], method.length == 4 ? method[3] : "");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("methodArn '" + arn + "' is invalid: " + e.getMessage(), e);
        }
    }

    /**
     * The ARN that covers every method and resource of this API stage:
     * {@code arn:{partition}:execute-api:{region}:{account}:{apiId}/{stage}/*}{@code /*}.
     * An Allow for it stays right when API Gateway reuses a cached policy for another method of the same API.
     */
    public String stageWildcard() {
        return apiPrefix() + stage + "/*/*";
    }

    /**
     * The ARN of {@code verb} on {@code resourcePath} (without leading slash; may contain {@code *}) in this API stage.
     */
    public String forMethod(String verb, String resourcePath) {
        requireSegment(verb, "verb");
        requireNonNull(resourcePath, "resourcePath is null");
        return apiPrefix() + stage + "/" + verb + "/" + resourcePath;
    }

    private String apiPrefix() {
        return "arn:" + partition + ":" + SERVICE + ":" + region + ":" + accountId + ":" + apiId + "/";
    }

    @Override
    public String toString() {
        return forMethod(httpMethod, resourcePath);
    }

    /** No '/', ':' or whitespace: a plain loop, as this runs for every authorizer event. */
    private static boolean isSegment(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c)) {
                return false;
            }
        }
        return true;
    }

    private static void requireSegment(String value, String name) {
        requireNonNull(value, name + " is null");
        if (value.isEmpty() || !isSegment(value)) {
            throw new IllegalArgumentException(
                    name + " must be a non-empty ARN segment without '/', ':' or whitespace, got '" + value + "'");
        }
    }
}

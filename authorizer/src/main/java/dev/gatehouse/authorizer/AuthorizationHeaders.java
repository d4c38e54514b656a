package dev.gatehouse.authorizer;

import dev.gatehouse.authorizer.exceptions.TokenRejectedException;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException.Reason;
import java.util.List;
import java.util.Map;

/** Finds the one {@code Authorization} value of a request's headers, as the event readers need it. */
final class AuthorizationHeaders {

    private AuthorizationHeaders() {}

    /** The single Authorization value among {@code headers} (any case); several different values are a 401. */
    static String single(Map<String, String> headers) {
        return single(headers, null);
    }

    /**
     * The single Authorization value among {@code headers} and {@code multiValueHeaders} (any case, every value of
     * the latter); several different values are a 401, the same value repeated is one.
     *
     * @throws TokenRejectedException if the request carries different Authorization values
     */
    static String single(Map<String, String> headers, Map<String, List<String>> multiValueHeaders) {
        String found = null;
        if (headers != null) {
            for (Map.Entry<String, String> header : headers.entrySet()) {
                found = merge(found, header.getKey(), header.getValue());
            }
        }
        if (multiValueHeaders != null) {
            for (Map.Entry<String, List<String>> header : multiValueHeaders.entrySet()) {
                if (header.getValue() != null) {
                    for (String value : header.getValue()) {
                        found = merge(found, header.getKey(), value);
                    }
                }
            }
        }
        return found;
    }

    private static String merge(String found, String name, String value) {
        if (name == null || !name.equalsIgnoreCase("Authorization") || value == null) {
            return found;
        }
        if (found != null && !found.equals(value)) {
            throw new TokenRejectedException(
                    Reason.MALFORMED_AUTHORIZATION, "The request carries conflicting Authorization headers.");
        }
        return value;
    }
}

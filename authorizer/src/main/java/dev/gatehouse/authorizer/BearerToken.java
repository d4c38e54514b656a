package dev.gatehouse.authorizer;

import dev.gatehouse.authorizer.TokenRejectedException.Reason;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Extracts the token from an {@code Authorization: Bearer <token>} value (RFC 6750 §2.1; scheme case-insensitive). */
final class BearerToken {

    /** {@code Bearer 1*SP b64token}, where b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". */
    private static final Pattern BEARER = Pattern.compile("(?i:bearer) +([A-Za-z0-9\\-._~+/]+=*)");

    private BearerToken() {}

    static String extract(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new TokenRejectedException(Reason.MISSING_TOKEN, "The request carries no Authorization header value.");
        }
        Matcher matcher = BEARER.matcher(authorization.strip());
        if (!matcher.matches()) {
            throw new TokenRejectedException(
                    Reason.MALFORMED_AUTHORIZATION, "The Authorization header must be 'Bearer <token>' with one token.");
        }
        return matcher.group(1);
    }
}

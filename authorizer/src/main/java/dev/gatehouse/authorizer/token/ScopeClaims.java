package dev.gatehouse.authorizer.token;

import static java.util.Objects.requireNonNull;

import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException.Reason;
import dev.gatehouse.common.Principal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which claims of a token grant scopes ({@value #SCOPE_CLAIMS}): a token's scopes are the union of the values of these
 * claims, in this order and then in token order, without duplicates. The same for every issuer, unless an
 * {@code ISSUERS} entry names its own ({@code scopeClaims}, read by {@link #of}). Immutable and thread-safe.
 *
 * <ul>
 *   <li>{@code scope}: RFC 8693 §4.2 / RFC 9068 §2.2.3, Auth0's default (a space-separated string);
 *   <li>{@code permissions}: Auth0 with "Enable RBAC" and "Add Permissions in the Access Token" on the API (token
 *       dialect {@code access_token_authz} or {@code rfc9068_profile_authz}; an array of strings);
 *   <li>{@code scp}: Okta (an array) and Microsoft Entra ID (a space-separated string).
 * </ul>
 *
 * <p>Each configured claim may be a space-separated string or an array of strings; JSON {@code null} counts as absent.
 * Anything else (a number, a boolean, an object, an array holding anything but non-empty strings without whitespace,
 * a control character anywhere) makes the token a 401, whichever claim it is in: the issuer was configured to write
 * scopes there and wrote something the authorizer cannot read exactly, and dropping the claim instead would hide the
 * misconfiguration. A claim not configured here is never read, whatever its shape: it grants nothing.
 *
 * @param claims the claims read, at least one, each once
 */
public record ScopeClaims(List<ScopeClaims.Name> claims) {

    /** The environment variable: a comma-separated list of {@link Name} claim names. */
    public static final String SCOPE_CLAIMS = "SCOPE_CLAIMS";

    /** The claims that may grant scopes. Case-sensitive, as JWT claim names are. */
    public enum Name {
        SCOPE("scope"),
        PERMISSIONS("permissions"),
        SCP("scp");

        private final String claim;

        Name(String claim) {
            this.claim = claim;
        }

        /** The claim's name in the token. */
        public String claim() {
            return claim;
        }
    }

    /** Only {@code scope}, as before this setting existed. */
    public static final ScopeClaims DEFAULT = new ScopeClaims(List.of(Name.SCOPE));

    private static final List<String> ALLOWED =
            Arrays.stream(Name.values()).map(Name::claim).toList();

    public ScopeClaims {
        claims = List.copyOf(new LinkedHashSet<>(requireNonNull(claims, "claims is null")));
        if (claims.isEmpty()) {
            throw new ConfigurationException(SCOPE_CLAIMS + " must name at least one of " + ALLOWED);
        }
    }

    /**
     * Parses {@value #SCOPE_CLAIMS}: claim names among {@code scope}, {@code permissions}, {@code scp}, separated by
     * commas (spaces around them ignored, a name given twice counted once).
     *
     * @throws ConfigurationException naming the variable and the allowed values for anything else
     */
    public static ScopeClaims parse(String value) {
        requireNonNull(value, "value is null");
        List<Name> names = new ArrayList<>();
        for (String item : value.split(",", -1)) {
            names.add(named(item.strip())
                    .orElseThrow(() -> new ConfigurationException(SCOPE_CLAIMS
                            + " must be a comma-separated list of claim names among " + ALLOWED + ", got '" + value
                            + "'")));
        }
        return new ScopeClaims(names);
    }

    /**
     * The claims named in {@code names} (an issuer's own {@code scopeClaims}), each among {@code scope},
     * {@code permissions}, {@code scp}; a name given twice counted once.
     *
     * @throws ConfigurationException naming {@code where} and the allowed values for an empty list or another name
     */
    public static ScopeClaims of(List<String> names, String where) {
        requireNonNull(names, "names is null");
        List<Name> claims = new ArrayList<>();
        for (String name : names) {
            claims.add(named(name)
                    .orElseThrow(() -> new ConfigurationException(
                            where + " must list claim names among " + ALLOWED + ", got '" + name + "'")));
        }
        if (claims.isEmpty()) {
            throw new ConfigurationException(where + " must name at least one of " + ALLOWED);
        }
        return new ScopeClaims(claims);
    }

    /** The claim called {@code name} (case-sensitive), if it is one that may grant scopes. */
    private static Optional<Name> named(String name) {
        return Arrays.stream(Name.values()).filter(n -> n.claim.equals(name)).findFirst();
    }

    /** The claim names, in order (for logs and messages). */
    public List<String> names() {
        return claims.stream().map(Name::claim).toList();
    }

    /**
     * The scopes {@code jwt} grants: the union of the configured claims.
     *
     * @throws TokenRejectedException ({@code invalid_claim} or {@code control_character}) if a configured claim is
     *     neither absent, null, a string nor an array of scope strings; never with the claim's value in the message
     */
    List<String> read(DecodedJWT jwt) {
        if (claims.size() == 1) {
            return read(jwt, claims.get(0));
        }
        Set<String> union = new LinkedHashSet<>();
        for (Name name : claims) {
            union.addAll(read(jwt, name));
        }
        return List.copyOf(union);
    }

    private static List<String> read(DecodedJWT jwt, Name name) {
        Claim claim = jwt.getClaim(name.claim);
        if (claim.isMissing() || claim.isNull()) {
            return List.of();
        }
        String text = claim.asString();
        if (text != null) {
            TokenSyntax.plain(text, name.claim, "claim");
            List<String> scopes = Principal.parseScope(text);
            for (String scope : scopes) {
                if (!isScope(scope)) {
                    throw wrongShape(name);
                }
            }
            return scopes;
        }
        List<Object> values;
        try {
            // Object.class: every element as Jackson maps it (String, Integer, Map, ...), so nothing is coerced into a
            // string (asList(String.class) would turn 42 into "42").
            values = claim.asList(Object.class);
        } catch (JWTDecodeException e) {
            values = null;
        }
        if (values == null) {
            throw wrongShape(name);
        }
        List<String> scopes = new ArrayList<>(values.size());
        for (Object value : values) {
            if (!(value instanceof String scope)) {
                throw wrongShape(name);
            }
            TokenSyntax.plain(scope, name.claim, "claim");
            if (!isScope(scope)) {
                throw wrongShape(name);
            }
            scopes.add(scope);
        }
        return scopes;
    }

    /** What {@link Principal} accepts as one scope, and what services read back from the context's scope string. */
    private static boolean isScope(String scope) {
        // A plain loop, not a stream: this runs for every scope of every token, under Lambda's C1-only JIT.
        for (int i = 0; i < scope.length(); i++) {
            if (Character.isWhitespace(scope.charAt(i))) {
                return false;
            }
        }
        return !scope.isEmpty();
    }

    private static TokenRejectedException wrongShape(Name name) {
        return new TokenRejectedException(
                Reason.INVALID_CLAIM,
                "The token's '" + name.claim + "' claim must be a space-separated string or an array of scopes "
                        + "(non-empty strings without whitespace).");
    }
}

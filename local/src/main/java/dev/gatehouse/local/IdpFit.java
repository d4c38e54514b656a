package dev.gatehouse.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.local.ServerlessConfig.FunctionDefinition;
import dev.gatehouse.local.ServerlessConfig.Route;
import dev.gatehouse.local.ServerlessConfig.Service;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether the local identity provider can issue tokens each authorizer of the service accepts: its issuer (the
 * {@code iss} it writes), key set URL and the audiences of {@code idp.yml}, against the authorizer's
 * {@code TOKEN_ISSUER}/{@code JWKS_URI}/{@code AUDIENCE} (or {@code ISSUERS}). A stack started with, say, an audience
 * the identity provider has no API for answers every call with a 401; these warnings say why at start-up. The
 * authorizer itself stays the judge: nothing here changes what it accepts.
 */
final class IdpFit {

    private IdpFit() {}

    /**
     * One sentence per mismatch, naming the authorizer function, the variable, its value and what the identity
     * provider issues; empty when every authorizer can be satisfied.
     */
    static List<String> warnings(Service service, String issuer, String jwksUri, IdpConfig idp, String idpFile) {
        Set<String> authorizers = new LinkedHashSet<>();
        for (Route route : service.routes()) {
            // An authorizer named by ARN is checked where its function is defined (its own stack).
            if (route.authorizer() != null && route.authorizer().function() != null) {
                authorizers.add(route.authorizer().function());
            }
        }
        List<String> warnings = new ArrayList<>();
        for (String name : authorizers) {
            FunctionDefinition function = service.functions().get(name);
            if (function != null) {
                check(name, function, issuer, jwksUri, idp, idpFile, warnings);
            }
        }
        return warnings;
    }

    private static void check(
            String name,
            FunctionDefinition function,
            String issuer,
            String jwksUri,
            IdpConfig idp,
            String idpFile,
            List<String> warnings) {
        String prefix = "authorizer '" + name + "': ";
        String issuers = function.environment().get("ISSUERS");
        if (issuers != null && !issuers.isBlank()) {
            JsonNode entries;
            try {
                entries = Http.JSON.readTree(issuers);
            } catch (IOException e) {
                return; // the authorizer refuses it at init, naming ISSUERS
            }
            List<String> named = new ArrayList<>();
            for (JsonNode entry : entries) {
                String value = entry.path("issuer").asText("");
                named.add(value);
                if (value.equals(issuer)) {
                    List<String> audiences = new ArrayList<>();
                    entry.path("audiences").forEach(audience -> audiences.add(audience.asText()));
                    checkKeysAndAudiences(
                            prefix,
                            "the ISSUERS entry for " + issuer,
                            entry.path("jwksUri").asText(""),
                            audiences,
                            jwksUri,
                            idp,
                            idpFile,
                            warnings);
                    return;
                }
            }
            warnings.add(prefix + "no ISSUERS entry has issuer " + issuer + ", which the local identity provider "
                    + "writes as 'iss' (ISSUERS names " + named + "); every local token gets a 401.");
            return;
        }
        String tokenIssuer = function.environment().get("TOKEN_ISSUER");
        if (tokenIssuer != null && !tokenIssuer.equals(issuer)) {
            warnings.add(prefix + "TOKEN_ISSUER is '" + tokenIssuer + "', but the local identity provider writes 'iss' "
                    + issuer + "; every local token gets a 401.");
        }
        String audience = function.environment().get("AUDIENCE");
        checkKeysAndAudiences(
                prefix,
                "JWKS_URI",
                function.environment().get("JWKS_URI"),
                audience == null
                        ? List.of()
                        : Arrays.stream(audience.split(",")).map(String::strip).toList(),
                jwksUri,
                idp,
                idpFile,
                warnings);
    }

    private static void checkKeysAndAudiences(
            String prefix,
            String jwksSource,
            String configuredJwks,
            List<String> audiences,
            String jwksUri,
            IdpConfig idp,
            String idpFile,
            List<String> warnings) {
        if (configuredJwks != null && !configuredJwks.isEmpty() && !configuredJwks.equals(jwksUri)) {
            warnings.add(prefix + jwksSource + (jwksSource.equals("JWKS_URI") ? " is '" : " has jwksUri '")
                    + configuredJwks + "', but the local identity provider publishes its keys at " + jwksUri
                    + "; its tokens' keys will not be found.");
        }
        if (audiences.isEmpty()) {
            return; // the authorizer refuses a missing AUDIENCE at init
        }
        List<String> known = audiences.stream().filter(idp.apis()::containsKey).toList();
        if (known.isEmpty()) {
            warnings.add(prefix + "the audience " + audiences + " is not an API of " + idpFile
                    + ", which issues tokens only for " + idp.apis().keySet() + "; token requests for it are refused "
                    + "(access_denied) and tokens for the others get a 401.");
            return;
        }
        boolean granted = idp.clients().values().stream()
                .anyMatch(client -> known.stream().anyMatch(client.grants()::containsKey));
        if (!granted) {
            warnings.add(prefix + "no client of " + idpFile + " has a grant for the audience " + known
                    + ", so the local identity provider issues no token the authorizer accepts.");
        }
    }
}

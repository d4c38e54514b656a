package dev.gatehouse.local;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What the local identity provider knows, like the part of an Auth0 tenant the client-credentials flow uses: the APIs
 * (audiences and the scopes they define), the machine-to-machine clients with their secrets, and which scopes each
 * client is granted on which API, and each API's token dialect. Read from a YAML file ({@code local/idp.yml}).
 * Immutable and thread-safe.
 *
 * @param tokenLifetime how long issued access tokens are valid
 * @param apis audience → the scopes that API defines
 * @param clients the clients, by client id, in the order of the file
 * @param dialects audience → the API's token dialect; an API not listed issues {@link TokenDialect#ACCESS_TOKEN}
 */
public record IdpConfig(
        Duration tokenLifetime,
        Map<String, List<String>> apis,
        Map<String, Client> clients,
        Map<String, TokenDialect> dialects) {

    /**
     * An Auth0 API's "token dialect" (Management API {@code token_dialect}): which claims its access tokens carry.
     * Turning on "Enable RBAC" and "Add Permissions in the Access Token" in the API's settings switches
     * {@code access_token} to {@code access_token_authz}
     * (https://auth0.com/docs/get-started/apis/enable-role-based-access-control-for-apis). Auth0's RFC 9068 dialects
     * ({@code rfc9068_profile}, {@code rfc9068_profile_authz}) change other claims too and are not modelled.
     */
    public enum TokenDialect {
        /** Auth0's default: the granted scopes in the space-separated {@code scope} claim. */
        ACCESS_TOKEN("access_token"),
        /**
         * {@code access_token} plus a {@code permissions} array claim (for a client-credentials token: the scopes
         * granted); {@code scope} stays.
         */
        ACCESS_TOKEN_AUTHZ("access_token_authz");

        private final String value;

        TokenDialect(String value) {
            this.value = value;
        }

        /** The name Auth0 and {@code idp.yml} use. */
        public String value() {
            return value;
        }

        static TokenDialect parse(Object value, String what) {
            for (TokenDialect dialect : values()) {
                if (dialect.value.equals(value)) {
                    return dialect;
                }
            }
            throw new IllegalArgumentException(what + " must be one of "
                    + Arrays.stream(values()).map(TokenDialect::value).toList() + ", got '" + value + "'");
        }
    }

    /** A machine-to-machine application: its credentials and its grants (audience → scopes granted). */
    public record Client(String clientId, String clientSecret, Map<String, List<String>> grants) {
        public Client {
            requireNonNull(clientId, "clientId is null");
            requireNonNull(clientSecret, "clientSecret is null");
            grants = Map.copyOf(requireNonNull(grants, "grants is null"));
        }
    }

    public IdpConfig {
        requireNonNull(tokenLifetime, "tokenLifetime is null");
        apis = Map.copyOf(requireNonNull(apis, "apis is null"));
        dialects = Map.copyOf(requireNonNull(dialects, "dialects is null"));
        for (String audience : dialects.keySet()) {
            if (!apis.containsKey(audience)) {
                throw new IllegalArgumentException(
                        "a token dialect is set for audience '" + audience + "', which is not listed under apis");
            }
        }
        // In file order: "the first client with a grant" (invoke's ACCESS_TOKEN, the banner's curl) is the file's
        // first.
        clients = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(clients, "clients is null")));
        if (tokenLifetime.isNegative() || tokenLifetime.isZero()) {
            throw new IllegalArgumentException("tokenLifetimeSeconds must be positive");
        }
        for (Client client : clients.values()) {
            for (Map.Entry<String, List<String>> grant : client.grants().entrySet()) {
                List<String> defined = apis.get(grant.getKey());
                if (defined == null) {
                    throw new IllegalArgumentException("client '" + client.clientId() + "' has a grant for audience '"
                            + grant.getKey() + "', which is not listed under apis");
                }
                if (!defined.containsAll(grant.getValue())) {
                    throw new IllegalArgumentException("client '" + client.clientId() + "' is granted scopes "
                            + grant.getValue() + " on '" + grant.getKey() + "', but that API defines only " + defined);
                }
            }
        }
    }

    /** A tenant whose APIs all issue Auth0's default dialect ({@code access_token}). */
    public IdpConfig(Duration tokenLifetime, Map<String, List<String>> apis, Map<String, Client> clients) {
        this(tokenLifetime, apis, clients, Map.of());
    }

    /** The token dialect of the API {@code audience}. */
    public TokenDialect dialect(String audience) {
        return dialects.getOrDefault(audience, TokenDialect.ACCESS_TOKEN);
    }

    /** Reads the YAML file at {@code path}. */
    public static IdpConfig load(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return parse(in, path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot read the identity provider configuration " + path + ": " + e.getMessage(), e);
        }
    }

    static IdpConfig parse(InputStream in, String name) {
        Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        if (!(root instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(name + " must be a YAML mapping with 'apis' and 'clients'");
        }
        long lifetime = map.get("tokenLifetimeSeconds") instanceof Number n ? n.longValue() : 86_400;
        Map<String, List<String>> apis = new LinkedHashMap<>();
        Map<String, TokenDialect> dialects = new LinkedHashMap<>();
        for (Map<?, ?> api : mappings(map.get("apis"), name + ": apis")) {
            String audience = string(api.get("audience"), name + ": apis[].audience");
            apis.put(audience, strings(api.get("scopes"), name + ": apis[].scopes"));
            if (api.get("tokenDialect") != null) {
                dialects.put(
                        audience,
                        TokenDialect.parse(
                                api.get("tokenDialect"), name + ": apis[].tokenDialect of '" + audience + "'"));
            }
        }
        Map<String, Client> clients = new LinkedHashMap<>();
        for (Map<?, ?> client : mappings(map.get("clients"), name + ": clients")) {
            String id = string(client.get("clientId"), name + ": clients[].clientId");
            Map<String, List<String>> grants = new LinkedHashMap<>();
            for (Map<?, ?> grant : mappings(client.get("grants"), name + ": grants of client '" + id + "'")) {
                grants.put(
                        string(grant.get("audience"), name + ": grants[].audience of client '" + id + "'"),
                        strings(grant.get("scopes"), name + ": grants[].scopes of client '" + id + "'"));
            }
            clients.put(
                    id,
                    new Client(
                            id,
                            string(client.get("clientSecret"), name + ": clientSecret of client '" + id + "'"),
                            grants));
        }
        return new IdpConfig(Duration.ofSeconds(lifetime), apis, clients, dialects);
    }

    private static List<Map<?, ?>> mappings(Object value, String what) {
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException(what + " must be a list");
        }
        List<Map<?, ?>> result = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException(what + " must be a list of mappings");
            }
            result.add(map);
        }
        return result;
    }

    private static String string(Object value, String what) {
        if (!(value instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException(what + " must be a non-empty string");
        }
        return s;
    }

    private static List<String> strings(Object value, String what) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list) || list.stream().anyMatch(item -> !(item instanceof String))) {
            throw new IllegalArgumentException(what + " must be a list of strings");
        }
        return list.stream().map(String.class::cast).toList();
    }
}

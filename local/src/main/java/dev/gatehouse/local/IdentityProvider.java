package dev.gatehouse.local;

import static java.util.Objects.requireNonNull;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.gatehouse.common.RsaJwk;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A local identity provider standing in for Auth0: OpenID discovery, the JSON Web Key Set and the client-credentials
 * grant on {@code POST /oauth/token} with Auth0's request and response shapes. Issuer {@code http://127.0.0.1:<port>/}.
 * The RSA-2048 signing key is generated at start-up, so tokens do not survive a restart.
 *
 * <p>Why not no.nav.security:mock-oauth2-server: its issuers live under a path ({@code http://host:port/<issuerId>}),
 * its token endpoint is {@code /<issuerId>/token}, it accepts any client and secret and only form-encoded bodies, so it
 * cannot answer {@code invalid_client}/{@code access_denied} as Auth0 does nor accept Auth0's JSON body.
 *
 * <p>Thread-safe.
 */
public final class IdentityProvider implements AutoCloseable {

    static final String TOKEN_PATH = "/oauth/token";
    static final String JWKS_PATH = "/.well-known/jwks.json";
    static final String DISCOVERY_PATH = "/.well-known/openid-configuration";
    private static final int MAX_BODY = 64 * 1024;
    private static final Map<String, String> NO_STORE = Map.of("Cache-Control", "no-store", "Pragma", "no-cache");

    private final IdpConfig config;
    private final Clock clock;
    private final RSAPublicKey publicKey;
    private final String keyId;
    private final Algorithm algorithm;
    private final Http.Server server;
    private final String issuer;

    private IdentityProvider(IdpConfig config, Clock clock, int port) {
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        KeyPair keys = generateKeys();
        this.publicKey = (RSAPublicKey) keys.getPublic();
        this.keyId = thumbprint(publicKey);
        this.algorithm = Algorithm.RSA256(publicKey, (RSAPrivateKey) keys.getPrivate());
        this.server = Http.start(port, this::handle);
        this.issuer = "http://127.0.0.1:" + server.port() + "/";
    }

    /** Starts the identity provider on 127.0.0.1:{@code port} (0 = any free port). */
    public static IdentityProvider start(IdpConfig config, int port) {
        return new IdentityProvider(config, Clock.systemUTC(), port);
    }

    /** {@code http://127.0.0.1:<port>/}, trailing slash included, as Auth0 writes its issuers. */
    public String issuer() {
        return issuer;
    }

    public String jwksUri() {
        return "http://127.0.0.1:" + server.port() + JWKS_PATH;
    }

    public String tokenEndpoint() {
        return "http://127.0.0.1:" + server.port() + TOKEN_PATH;
    }

    @Override
    public void close() {
        server.close();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            switch (path) {
                case DISCOVERY_PATH -> {
                    if (isGet(method)) {
                        Http.sendJson(exchange, 200, Map.of(), discovery());
                    } else {
                        error(exchange, 405, "invalid_request", "Use GET for " + path + ".");
                    }
                }
                case JWKS_PATH -> {
                    if (isGet(method)) {
                        Http.sendJson(exchange, 200, Map.of(), Map.of("keys", List.of(jwk())));
                    } else {
                        error(exchange, 405, "invalid_request", "Use GET for " + path + ".");
                    }
                }
                case TOKEN_PATH -> {
                    if (method.equals("POST")) {
                        token(exchange);
                    } else {
                        error(exchange, 405, "invalid_request", "Use POST for " + path + ".");
                    }
                }
                default -> error(exchange, 404, "not_found", "No such endpoint: " + path);
            }
        } catch (RuntimeException e) {
            error(
                    exchange,
                    500,
                    "server_error",
                    "The local identity provider failed: " + e.getClass().getSimpleName());
        }
    }

    private static boolean isGet(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }

    private void token(HttpExchange exchange) throws IOException {
        byte[] body = Http.readBody(exchange, MAX_BODY);
        if (body == null) {
            error(exchange, 400, "invalid_request", "The request body is larger than " + MAX_BODY + " bytes.");
            return;
        }
        Map<String, String> params;
        String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"))
                .toLowerCase(Locale.ROOT);
        if (contentType.startsWith("application/json")) {
            params = jsonParams(body);
        } else if (contentType.startsWith("application/x-www-form-urlencoded")) {
            params = formParams(body);
        } else {
            error(
                    exchange,
                    400,
                    "invalid_request",
                    "Send the token request as application/json or application/x-www-form-urlencoded.");
            return;
        }
        if (params == null) {
            error(
                    exchange,
                    400,
                    "invalid_request",
                    "The request body is not valid " + (contentType.contains("json") ? "JSON" : "form data")
                            + " of string parameters.");
            return;
        }
        basicCredentials(exchange.getRequestHeaders().getFirst("Authorization"), params);
        String grantType = params.get("grant_type");
        if (grantType == null || grantType.isEmpty()) {
            error(exchange, 400, "invalid_request", "Missing required parameter: grant_type");
            return;
        }
        if (!grantType.equals("client_credentials")) {
            error(
                    exchange,
                    400,
                    "unsupported_grant_type",
                    "Grant type '" + grantType + "' is not supported; use client_credentials.");
            return;
        }
        String clientId = params.get("client_id");
        String clientSecret = params.get("client_secret");
        if (clientId == null || clientId.isEmpty()) {
            error(exchange, 400, "invalid_request", "Missing required parameter: client_id");
            return;
        }
        IdpConfig.Client client = config.clients().get(clientId);
        if (client == null
                || clientSecret == null
                || !MessageDigest.isEqual(
                        client.clientSecret().getBytes(StandardCharsets.UTF_8),
                        clientSecret.getBytes(StandardCharsets.UTF_8))) {
            error(exchange, 401, "invalid_client", "Unauthorized");
            return;
        }
        String audience = params.get("audience");
        if (audience == null || audience.isEmpty()) {
            error(
                    exchange,
                    403,
                    "access_denied",
                    "No audience parameter was provided, and no default audience has been configured");
            return;
        }
        if (!config.apis().containsKey(audience)) {
            error(exchange, 403, "access_denied", "Service not found: " + audience);
            return;
        }
        List<String> granted = client.grants().get(audience);
        if (granted == null) {
            error(
                    exchange,
                    403,
                    "access_denied",
                    "Client is not authorized to access \"" + audience
                            + "\". You need to create a \"client-grant\" associated to this API.");
            return;
        }
        List<String> scopes = granted;
        String requested = params.get("scope");
        if (requested != null && !requested.isBlank()) {
            List<String> wanted =
                    Arrays.stream(requested.strip().split(" +")).distinct().toList();
            List<String> missing =
                    wanted.stream().filter(s -> !granted.contains(s)).toList();
            if (!missing.isEmpty()) {
                error(
                        exchange,
                        403,
                        "access_denied",
                        "Client has not been granted scopes: " + String.join(", ", missing));
                return;
            }
            scopes = wanted;
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("access_token", mint(clientId, audience, scopes));
        if (!scopes.isEmpty()) {
            response.put("scope", String.join(" ", scopes));
        }
        response.put("expires_in", config.tokenLifetime().toSeconds());
        response.put("token_type", "Bearer");
        Http.sendJson(exchange, 200, NO_STORE, response);
    }

    /**
     * Signs an access token as Auth0 issues one for the client-credentials grant, in the dialect of the API
     * {@code audience}: {@code access_token_authz} adds the granted scopes as a {@code permissions} array (empty when
     * there are none) and keeps {@code scope}.
     */
    String mint(String clientId, String audience, List<String> scopes) {
        Instant now = clock.instant();
        var builder = JWT.create()
                .withKeyId(keyId)
                .withIssuer(issuer)
                .withSubject(clientId + "@clients")
                .withAudience(audience)
                .withIssuedAt(now)
                .withExpiresAt(now.plus(config.tokenLifetime()))
                .withClaim("azp", clientId)
                .withClaim("gty", "client-credentials");
        if (!scopes.isEmpty()) {
            builder.withClaim("scope", String.join(" ", scopes));
        }
        if (config.dialect(audience) == IdpConfig.TokenDialect.ACCESS_TOKEN_AUTHZ) {
            builder.withClaim("permissions", scopes);
        }
        return builder.sign(algorithm);
    }

    private static Map<String, String> jsonParams(byte[] body) {
        JsonNode node;
        try {
            node = Http.JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
        if (node == null || !node.isObject()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!field.getValue().isTextual()) {
                return null;
            }
            params.put(field.getKey(), field.getValue().textValue());
        }
        return params;
    }

    private static Map<String, String> formParams(byte[] body) {
        Map<String, String> params = new LinkedHashMap<>();
        String form = new String(body, StandardCharsets.UTF_8);
        if (form.isBlank()) {
            return params;
        }
        try {
            for (String pair : form.strip().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (params.putIfAbsent(name, value) != null) {
                    return null; // RFC 6749 §3.2: parameters must not be repeated
                }
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return params;
    }

    /** client_secret_basic: credentials from an {@code Authorization: Basic} header, when the body carries none. */
    private static void basicCredentials(String authorization, Map<String, String> params) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return;
        }
        try {
            String decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon > 0) {
                params.putIfAbsent("client_id", URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8));
                params.putIfAbsent(
                        "client_secret", URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
            }
        } catch (IllegalArgumentException e) {
            // not valid Basic credentials: the request then fails as without credentials
        }
    }

    private Map<String, Object> discovery() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer);
        doc.put("token_endpoint", tokenEndpoint());
        doc.put("jwks_uri", jwksUri());
        doc.put("grant_types_supported", List.of("client_credentials"));
        doc.put("token_endpoint_auth_methods_supported", List.of("client_secret_post", "client_secret_basic"));
        doc.put("response_types_supported", List.of("token"));
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
        doc.put(
                "scopes_supported",
                config.apis().values().stream().flatMap(List::stream).distinct().toList());
        return doc;
    }

    private Map<String, Object> jwk() {
        return RsaJwk.signingKey(keyId, publicKey);
    }

    private static void error(HttpExchange exchange, int status, String error, String description) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        Http.sendJson(exchange, status, NO_STORE, body);
    }

    private static KeyPair generateKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JDK cannot generate RSA keys", e);
        }
    }

    /** RFC 7638 JWK thumbprint: a stable kid derived from the key. */
    private static String thumbprint(RSAPublicKey key) {
        String canonical = "{\"e\":\"" + RsaJwk.base64Url(key.getPublicExponent()) + "\",\"kty\":\"RSA\",\"n\":\""
                + RsaJwk.base64Url(key.getModulus()) + "\"}";
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(
                            MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JDK has no SHA-256", e);
        }
    }
}

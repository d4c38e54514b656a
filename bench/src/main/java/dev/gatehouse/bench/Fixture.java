package dev.gatehouse.bench;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.gatehouse.common.RsaJwk;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What every benchmark shares: one RSA-2048 key, an HTTPS JWKS endpoint on 127.0.0.1 publishing it (with a
 * self-signed certificate every contender is told to trust, as real identity providers serve their keys over TLS and
 * aws-jwt-verify accepts nothing else), distinct tokens signed with it, and the configuration pointing at it.
 */
final class Fixture implements AutoCloseable {

    static final String ISSUER = "https://gatehouse-bench.auth0.com/";
    static final String AUDIENCE = "https://api.gatehouse.bench";
    /** The shipped stack's route table, so the policy step costs what it costs deployed. */
    static final String ROUTE_SCOPES =
            "{\"GET /hello-world\":[],\"GET /orders\":[\"read:orders\"],\"POST /orders\":[\"write:orders\"]}";

    static final String KEY_ID = "bench-key-1";
    static final String METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/hello-world";

    final RSAPublicKey publicKey;
    final RSAPrivateKey privateKey;
    private final HttpsServer jwks;
    private final Tls tls;

    Fixture(Path workDir) throws IOException {
        tls = Tls.selfSigned(workDir);
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            publicKey = (RSAPublicKey) pair.getPublic();
            privateKey = (RSAPrivateKey) pair.getPrivate();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        byte[] body = jwksJson().getBytes(StandardCharsets.UTF_8);
        jwks = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwks.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
        jwks.createContext("/.well-known/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        jwks.start();
    }

    String jwksUri() {
        return "https://127.0.0.1:" + jwks.getAddress().getPort() + "/.well-known/jwks.json";
    }

    /** Makes this JVM trust the endpoint's certificate (before any TLS connection is made). */
    void trustInThisJvm() {
        tls.trustInThisJvm();
    }

    /** JVM options that make a Java process trust the endpoint's certificate. */
    List<String> javaTrustOptions() {
        return tls.javaTrustOptions();
    }

    /**
     * Environment that makes a Node process trust the endpoint's certificate (and anything else trusted by default).
     */
    Map<String, String> nodeTrustEnv() {
        return Map.of("NODE_EXTRA_CA_CERTS", tls.certificatePem().toString());
    }

    /** The authorizer's environment, as Lambda would pass it. */
    Map<String, String> env() {
        return Map.of(
                "TOKEN_ISSUER",
                ISSUER,
                "JWKS_URI",
                jwksUri(),
                "AUDIENCE",
                AUDIENCE,
                "METHOD_ARN",
                METHOD_ARN,
                "ROUTE_SCOPES",
                ROUTE_SCOPES,
                "API_IDS",
                "a1b2c3d4e5");
    }

    /** {@code count} distinct, valid tokens (distinct subject and jti), as Auth0 issues for client credentials. */
    List<String> tokens(int count) {
        Algorithm algorithm = Algorithm.RSA256(publicKey, privateKey);
        Instant now = Instant.now();
        List<String> tokens = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            tokens.add(JWT.create()
                    .withKeyId(KEY_ID)
                    .withIssuer(ISSUER)
                    .withSubject("client-" + i + "@clients")
                    .withAudience(AUDIENCE)
                    .withIssuedAt(now)
                    .withExpiresAt(now.plusSeconds(24 * 3600))
                    .withJWTId("jti-" + i)
                    .withClaim("azp", "client-" + i)
                    .withClaim("gty", "client-credentials")
                    .withClaim("scope", "read:hello write:hello")
                    .sign(algorithm));
        }
        return tokens;
    }

    static APIGatewayCustomAuthorizerEvent tokenEvent(String token) {
        APIGatewayCustomAuthorizerEvent event = new APIGatewayCustomAuthorizerEvent();
        event.setType("TOKEN");
        event.setAuthorizationToken("Bearer " + token);
        event.setMethodArn(METHOD_ARN);
        return event;
    }

    private String jwksJson() {
        try {
            return new ObjectMapper().writeValueAsString(Map.of("keys", List.of(RsaJwk.signingKey(KEY_ID, publicKey))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        jwks.stop(0);
    }

    /** A Lambda context whose logger discards: the benchmark measures the decision, not CloudWatch's stdout pipe. */
    static final Context QUIET_CONTEXT = new Context() {
        private final LambdaLogger logger = new LambdaLogger() {
            @Override
            public void log(String message) {}

            @Override
            public void log(byte[] message) {}
        };

        @Override
        public String getAwsRequestId() {
            return "bench";
        }

        @Override
        public String getLogGroupName() {
            return "bench";
        }

        @Override
        public String getLogStreamName() {
            return "bench";
        }

        @Override
        public String getFunctionName() {
            return "gatehouse-bench-authorizer";
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:123456789012:function:gatehouse-bench-authorizer";
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return 10_000;
        }

        @Override
        public int getMemoryLimitInMB() {
            return 1024;
        }

        @Override
        public LambdaLogger getLogger() {
            return logger;
        }
    };
}

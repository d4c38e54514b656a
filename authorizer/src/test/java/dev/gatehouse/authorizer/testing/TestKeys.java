package dev.gatehouse.authorizer.testing;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.authorizer.keys.IssuerConfig;
import dev.gatehouse.authorizer.keys.JwksFetcher;
import dev.gatehouse.authorizer.keys.JwksKeySource;
import dev.gatehouse.authorizer.keys.KeySetPolicy;
import dev.gatehouse.authorizer.keys.KeySetStats;
import dev.gatehouse.common.RsaJwk;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** An RSA key pair generated for the test run, with helpers to mint tokens and publish it as a JWKS. */
public final class TestKeys {

    public static final String ISSUER = "https://gatehouse-test.auth0.com/";
    public static final String AUDIENCE = "https://api.gatehouse.test";

    public final String keyId;
    public final RSAPublicKey publicKey;
    public final RSAPrivateKey privateKey;

    private TestKeys(String keyId, KeyPair pair) {
        this.keyId = keyId;
        this.publicKey = (RSAPublicKey) pair.getPublic();
        this.privateKey = (RSAPrivateKey) pair.getPrivate();
    }

    public static TestKeys generate(String keyId) {
        return generate(keyId, 2048);
    }

    public static TestKeys generate(String keyId, int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return new TestKeys(keyId, generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    public Algorithm algorithm() {
        return Algorithm.RSA256(publicKey, privateKey);
    }

    /** A token builder pre-filled with a valid Auth0 client-credentials access token for {@code now}. */
    public JWTCreator.Builder token(Instant now) {
        return JWT.create()
                .withKeyId(keyId)
                .withIssuer(ISSUER)
                .withSubject("m2m-client@clients")
                .withAudience(AUDIENCE)
                .withIssuedAt(now)
                .withExpiresAt(now.plusSeconds(3600))
                .withClaim("azp", "m2m-client")
                .withClaim("gty", "client-credentials")
                .withClaim("scope", "read:hello write:hello");
    }

    public String sign(JWTCreator.Builder builder) {
        return builder.sign(algorithm());
    }

    public Map<String, Object> jwk() {
        return RsaJwk.signingKey(keyId, publicKey);
    }

    /** The JSON Web Key Set publishing {@code keys}. */
    public static String jwks(TestKeys... keys) {
        try {
            return new ObjectMapper()
                    .writeValueAsString(Map.of(
                            "keys", List.of(keys).stream().map(TestKeys::jwk).toList()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A fetcher that always serves the key set publishing {@code keys}. */
    public static JwksFetcher fetcher(TestKeys... keys) {
        byte[] body = jwks(keys).getBytes(StandardCharsets.UTF_8);
        return budget -> body;
    }

    /** The single test issuer (RS256) with the test audience. */
    public static IssuerConfig issuer() {
        return IssuerConfig.of(
                ISSUER, URI.create("https://gatehouse-test.auth0.com/.well-known/jwks.json"), List.of(AUDIENCE));
    }

    /** A key source for the test issuer over {@code fetcher}, with the default policy. */
    public static JwksKeySource keySource(JwksFetcher fetcher, Clock clock) {
        return new JwksKeySource(issuer(), fetcher, KeySetPolicy.DEFAULT, clock, new KeySetStats());
    }
}

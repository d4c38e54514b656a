package dev.gatehouse.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.gatehouse.authorizer.AuthorizerConfig;
import dev.gatehouse.authorizer.AuthorizerHandler;
import java.security.Signature;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The warm decision path, one thread: a TOKEN event with a distinct token each time → verified principal → policy,
 * through the public handler exactly as Lambda calls it (keys already cached), next to the raw JDK RSA-2048 verify
 * it cannot beat.
 */
@State(Scope.Thread)
public class DecisionBenchmark {

    private static final int TOKENS = 2048;

    /** {@code jdk}: the JDK's providers; {@code accp}: Amazon Corretto Crypto Provider installed first. */
    @Param({"jdk", "accp"})
    public String crypto;

    private Fixture fixture;
    private AuthorizerHandler handler;
    private APIGatewayCustomAuthorizerEvent[] events;
    private byte[][] signedParts;
    private byte[][] signatures;
    private Signature verifier;
    private Signature accpVerifier;
    private int next;

    @Setup
    public void setUp() throws Exception {
        fixture = new Fixture(java.nio.file.Files.createTempDirectory("gatehouse-bench"));
        fixture.trustInThisJvm();
        if (crypto.equals("accp")) {
            com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.install();
            com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
        }
        handler = new AuthorizerHandler(AuthorizerConfig.fromEnv(fixture.env()));
        List<String> tokens = fixture.tokens(TOKENS);
        events = tokens.stream().map(Fixture::tokenEvent).toArray(APIGatewayCustomAuthorizerEvent[]::new);
        signedParts = new byte[TOKENS][];
        signatures = new byte[TOKENS][];
        for (int i = 0; i < TOKENS; i++) {
            String token = tokens.get(i);
            int lastDot = token.lastIndexOf('.');
            signedParts[i] = token.substring(0, lastDot).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            signatures[i] = java.util.Base64.getUrlDecoder().decode(token.substring(lastDot + 1));
        }
        verifier = Signature.getInstance("SHA256withRSA");
        accpVerifier = Signature.getInstance("SHA256withRSA", com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE);
        // Hydrate the key cache, as the first request of a container would.
        handler.handleRequest(events[0], Fixture.QUIET_CONTEXT);
    }

    @TearDown
    public void tearDown() {
        fixture.close();
    }

    @Benchmark
    public IamPolicyResponseV1 decision() {
        APIGatewayCustomAuthorizerEvent event = events[next];
        next = (next + 1) % TOKENS;
        return handler.handleRequest(event, Fixture.QUIET_CONTEXT);
    }

    @Benchmark
    public boolean rawJdkRsaVerify() throws Exception {
        int i = next;
        next = (next + 1) % TOKENS;
        verifier.initVerify(fixture.publicKey);
        verifier.update(signedParts[i]);
        return verifier.verify(signatures[i]);
    }

    @Benchmark
    public boolean rawAccpRsaVerify() throws Exception {
        int i = next;
        next = (next + 1) % TOKENS;
        accpVerifier.initVerify(fixture.publicKey);
        accpVerifier.update(signedParts[i]);
        return accpVerifier.verify(signatures[i]);
    }
}

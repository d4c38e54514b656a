package dev.gatehouse.bench;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** The floor under the decision: one RSA-2048 SHA256withRSA verify of a token's signature, by provider. */
@State(Scope.Thread)
public class RawRsaBenchmark {

    /** {@code accp}: Amazon Corretto Crypto Provider; {@code jdk}: SunRsaSign. */
    @Param({"accp", "jdk"})
    public String crypto;

    private Fixture fixture;
    private byte[][] signedParts;
    private byte[][] signatures;
    private Signature verifier;
    private int next;

    @Setup
    public void setUp() throws Exception {
        fixture = new Fixture(Files.createTempDirectory("gatehouse-bench"));
        List<String> tokens = fixture.tokens(DecisionBenchmark.TOKENS);
        signedParts = new byte[tokens.size()][];
        signatures = new byte[tokens.size()][];
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            int lastDot = token.lastIndexOf('.');
            signedParts[i] = token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII);
            signatures[i] = Base64.getUrlDecoder().decode(token.substring(lastDot + 1));
        }
        if (crypto.equals("accp")) {
            // Through the authorizer's own resolution: it has ACCP load the library from LD_LIBRARY_PATH (bench/run).
            BenchRunner.requireAccp();
        }
        verifier = crypto.equals("accp")
                ? Signature.getInstance("SHA256withRSA", AmazonCorrettoCryptoProvider.INSTANCE)
                : Signature.getInstance("SHA256withRSA", "SunRsaSign");
    }

    @TearDown
    public void tearDown() {
        fixture.close();
    }

    @Benchmark
    public boolean verify() throws Exception {
        int i = next;
        next = (next + 1) % signatures.length;
        verifier.initVerify(fixture.publicKey);
        verifier.update(signedParts[i]);
        return verifier.verify(signatures[i]);
    }
}

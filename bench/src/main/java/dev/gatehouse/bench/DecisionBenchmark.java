package dev.gatehouse.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.gatehouse.authorizer.AuthorizerConfig;
import dev.gatehouse.authorizer.AuthorizerHandler;
import dev.gatehouse.authorizer.policy.RouteScopes;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The warm decision path, one thread: a TOKEN event with a distinct token each time → verified principal → policy
 * and decision log line, through the public handler exactly as Lambda calls it (keys already cached), with RSA
 * verification by ACCP (the default) or by the JDK ({@code CRYPTO_PROVIDER=jdk}).
 */
@State(Scope.Thread)
public class DecisionBenchmark {

    static final int TOKENS = 2048;

    /** The authorizer's {@code CRYPTO_PROVIDER}. */
    @Param({"accp", "jdk"})
    public String crypto;

    private Fixture fixture;
    private AuthorizerHandler handler;
    private APIGatewayCustomAuthorizerEvent[] events;
    private int next;

    @Setup
    public void setUp() throws Exception {
        if (crypto.equals("accp")) {
            BenchRunner.requireAccp();
        }
        fixture = new Fixture(Files.createTempDirectory("gatehouse-bench"));
        fixture.trustInThisJvm();
        Map<String, String> env = new HashMap<>(fixture.env());
        env.put("CRYPTO_PROVIDER", crypto);
        handler = new AuthorizerHandler(AuthorizerConfig.fromEnv(env), RouteScopes.fromEnv(env));
        List<String> tokens = fixture.tokens(TOKENS);
        events = tokens.stream().map(Fixture::tokenEvent).toArray(APIGatewayCustomAuthorizerEvent[]::new);
        // Keys are hydrated by the constructor; one decision warms the rest of the path's first-use work.
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
}

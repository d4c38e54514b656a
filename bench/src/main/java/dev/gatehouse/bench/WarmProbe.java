package dev.gatehouse.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import dev.gatehouse.authorizer.AuthorizerHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The warm decision, measured one call at a time in its own process, using only the authorizer's public API (so the
 * same class runs against an older authorizer.jar for a before/after comparison): builds the authorizer from the
 * environment, runs {@code warmup} decisions, then times {@code count} more on distinct tokens.
 * Args: {@code <tokens file> <warmup> <count>}; prints {@code p50=<ns> p99=<ns>}.
 */
public final class WarmProbe {

    private WarmProbe() {}

    public static void main(String[] args) throws Exception {
        List<String> tokens = Files.readAllLines(Path.of(args[0]));
        int warmup = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        AuthorizerHandler handler = new AuthorizerHandler();
        APIGatewayCustomAuthorizerEvent[] events = new APIGatewayCustomAuthorizerEvent[tokens.size()];
        for (int i = 0; i < events.length; i++) {
            events[i] = Fixture.tokenEvent(tokens.get(i));
        }
        for (int i = 0; i < warmup; i++) {
            handler.handleRequest(events[i % events.length], Fixture.QUIET_CONTEXT);
        }
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            long started = System.nanoTime();
            handler.handleRequest(events[i % events.length], Fixture.QUIET_CONTEXT);
            nanos[i] = System.nanoTime() - started;
        }
        Arrays.sort(nanos);
        System.out.println("p50=" + nanos[count / 2] + " p99=" + nanos[(int) (count * 0.99)]);
    }
}

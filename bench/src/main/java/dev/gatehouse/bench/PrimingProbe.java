package dev.gatehouse.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import dev.gatehouse.authorizer.AuthorizerHandler;
import dev.gatehouse.authorizer.SnapStartPriming;
import dev.gatehouse.authorizer.token.CryptoProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What SnapStart priming buys: builds the authorizer from the environment (as Lambda does), optionally runs the
 * priming the SnapStart before-checkpoint hook runs (as Lambda does before taking the snapshot), then
 * times the first decisions on distinct tokens, as the first requests after a restore would see them.
 * Args: {@code primed|unprimed <tokens file> <count>}; prints {@code first=<µs> p50=<µs> p90=<µs>} of those decisions.
 */
public final class PrimingProbe {

    private PrimingProbe() {}

    public static void main(String[] args) throws Exception {
        boolean primed = args[0].equals("primed");
        List<String> tokens = Files.readAllLines(Path.of(args[1]));
        int count = Integer.parseInt(args[2]);
        AuthorizerHandler handler = new AuthorizerHandler();
        if (primed) {
            String crypto = System.getenv("CRYPTO_PROVIDER");
            int decisions = SnapStartPriming.primeWithoutCheckpoint(
                    CryptoProvider.parse(crypto == null ? "accp" : crypto, CryptoProvider.CRYPTO_PROVIDER));
            System.err.println("primed with " + decisions + " decisions");
        }
        long[] micros = new long[count];
        for (int i = 0; i < count; i++) {
            APIGatewayCustomAuthorizerEvent event = Fixture.tokenEvent(tokens.get(i % tokens.size()));
            long start = System.nanoTime();
            handler.handleRequest(event, Fixture.QUIET_CONTEXT);
            micros[i] = (System.nanoTime() - start) / 1000;
        }
        long first = micros[0];
        Arrays.sort(micros);
        System.out.println("first=" + first + " p50=" + micros[count / 2] + " p90=" + micros[count * 9 / 10]);
    }
}

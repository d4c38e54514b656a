package dev.gatehouse.authorizer;

import java.util.List;

/**
 * Benchmark-only access to the SnapStart priming (package-private in the authorizer): org.crac refuses to run the
 * before-checkpoint hooks outside a real checkpoint, so the probe runs the same priming the hook would.
 */
public final class PrimingAccess {

    private PrimingAccess() {}

    /** Runs the priming an {@code Authorizer.create} would register, with the crypto provider {@code crypto}; returns the decisions run. */
    public static int prime(String crypto) {
        CryptoProvider provider = CryptoProvider.parse(crypto, "crypto");
        return new SnapStartPriming(List.of(), provider.resolve().provider(), KeySetPolicy.DEFAULT,
                Authorizer.PRIMING_DECISIONS, Authorizer.PRIMING_BUDGET).prime();
    }
}

package dev.gatehouse.authorizer.token;

/** Prints which provider {@code CRYPTO_PROVIDER=accp} resolves to, for {@code PackagedJarIT}'s child JVM. */
public final class ResolveCryptoMain {

    private ResolveCryptoMain() {}

    public static void main(String[] args) {
        CryptoProvider.Resolved resolved = CryptoProvider.ACCP.resolve();
        System.out.println(resolved.name() + " " + resolved.fallbackReason().orElse("-"));
    }
}

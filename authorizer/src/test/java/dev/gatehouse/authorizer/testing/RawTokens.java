package dev.gatehouse.authorizer.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;

/** Builds tokens from raw header and payload JSON, for attacks java-jwt's builder refuses to produce. */
public final class RawTokens {

    private RawTokens() {}

    public static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** {@code header.payload} signed with RS256 by {@code key}. */
    public static String rs256(String headerJson, String payloadJson, RSAPrivateKey key) {
        return rs256(headerJson.getBytes(StandardCharsets.UTF_8), payloadJson.getBytes(StandardCharsets.UTF_8), key);
    }

    /** The same from raw bytes, which need not be UTF-8. */
    public static String rs256(byte[] header, byte[] payload, RSAPrivateKey key) {
        String signingInput = b64(header) + "." + b64(payload);
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}

package dev.gatehouse.authorizer.token;

import static java.util.Objects.requireNonNull;

import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.SignatureGenerationException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.auth0.jwt.interfaces.RSAKeyProvider;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code RS256}/{@code RS384}/{@code RS512} verification as java-jwt does it, plus {@code PS256}/{@code PS384}/
 * {@code PS512} (RSASSA-PSS, which java-jwt lacks), with two differences that matter on every
 * request: the {@link Signature} comes from a chosen provider (ACCP when available, see {@link CryptoProvider}), and it
 * is created once per thread instead of looked up among the providers for every token. The bytes verified are
 * exactly java-jwt's: {@code header '.' payload} as ASCII, against the base64url-decoded signature.
 *
 * <p>As in java-jwt, crypto and key-provider IllegalArgument/IllegalState exceptions become a
 * {@link SignatureVerificationException}; our own exceptions from the key provider pass through unchanged.
 * Verification only: this never signs. Thread-safe.
 */
final class RsaVerification extends Algorithm {

    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

    /** One supported algorithm: its JWS name, its JCA name and, for RSASSA-PSS, its parameters. */
    private record Spec(String name, String jcaName, Optional<PSSParameterSpec> pss) {

        Signature newSignature(Optional<Provider> from) throws GeneralSecurityException {
            Signature signature =
                    from.isPresent() ? Signature.getInstance(jcaName, from.get()) : Signature.getInstance(jcaName);
            if (pss.isPresent()) {
                signature.setParameter(pss.get());
            }
            return signature;
        }
    }

    /** RS256/384/512 and PS256/384/512; RFC 7518 §3.5: PSS with MGF1 of the same hash, salt as long as the hash. */
    private static final Map<String, Spec> SPECS = specs(
            new Spec("RS256", "SHA256withRSA", Optional.empty()),
            new Spec("RS384", "SHA384withRSA", Optional.empty()),
            new Spec("RS512", "SHA512withRSA", Optional.empty()),
            new Spec("PS256", "RSASSA-PSS", Optional.of(pss("SHA-256", MGF1ParameterSpec.SHA256, 32))),
            new Spec("PS384", "RSASSA-PSS", Optional.of(pss("SHA-384", MGF1ParameterSpec.SHA384, 48))),
            new Spec("PS512", "RSASSA-PSS", Optional.of(pss("SHA-512", MGF1ParameterSpec.SHA512, 64))));

    private final RSAKeyProvider keys;
    private final Spec spec;
    private final VerificationProvider provider;
    /** This thread's {@link Signature}, with the provider choice it came from. */
    private final ThreadLocal<Held> signatures = new ThreadLocal<>();

    private record Held(Optional<Provider> from, Signature signature) {}

    private RsaVerification(Spec spec, RSAKeyProvider keys, VerificationProvider provider) {
        super(spec.name(), spec.jcaName());
        this.keys = requireNonNull(keys, "keys is null");
        this.spec = spec;
        this.provider = requireNonNull(provider, "provider is null");
        // Fail at initialisation, not on the first token, if the JDK lacks the algorithm (a provider that resolves
        // later has been checked by missingFrom before it is handed out).
        signature();
    }

    /**
     * This thread's {@link Signature} from the provider in effect now: one volatile read and an identity check on the
     * warm path; a new one once, when ACCP takes over from the JDK's provider.
     */
    private Signature signature() {
        Optional<Provider> now = provider.current();
        Held held = signatures.get();
        if (held == null || held.from() != now) {
            held = new Held(now, newSignature(now));
            signatures.set(held);
        }
        return held.signature();
    }

    private Signature newSignature(Optional<Provider> from) {
        try {
            return spec.newSignature(from);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    getName() + " (" + spec.jcaName() + ") is not available from "
                            + from.map(Provider::getName).orElse("the JDK"),
                    e);
        }
    }

    /** The verifier for {@code name} (RS256/384/512 or PS256/384/512), or empty for any other algorithm. */
    static Optional<Algorithm> of(String name, RSAKeyProvider keys, VerificationProvider provider) {
        return Optional.ofNullable(SPECS.get(name)).map(spec -> new RsaVerification(spec, keys, provider));
    }

    /**
     * The first algorithm (with its parameters) that {@code provider} cannot supply, or empty when it supplies every
     * one this class uses, together with the token hash's SHA-256.
     */
    static Optional<String> missingFrom(Provider provider) {
        for (Spec spec : SPECS.values()) {
            try {
                spec.newSignature(Optional.of(provider));
            } catch (GeneralSecurityException e) {
                return Optional.of(spec.name() + " (" + spec.jcaName() + ")");
            }
        }
        try {
            MessageDigest.getInstance("SHA-256", provider);
        } catch (NoSuchAlgorithmException e) {
            return Optional.of("SHA-256");
        }
        return Optional.empty();
    }

    private static Map<String, Spec> specs(Spec... specs) {
        Map<String, Spec> byName = new LinkedHashMap<>();
        for (Spec spec : specs) {
            byName.put(spec.name(), spec);
        }
        return Collections.unmodifiableMap(byName);
    }

    private static PSSParameterSpec pss(String hash, MGF1ParameterSpec mgf, int saltLength) {
        return new PSSParameterSpec(hash, "MGF1", mgf, saltLength, PSSParameterSpec.TRAILER_FIELD_BC);
    }

    @Override
    public void verify(DecodedJWT jwt) throws SignatureVerificationException {
        try {
            byte[] signatureBytes = BASE64URL.decode(jwt.getSignature());
            RSAPublicKey key = keys.getPublicKeyById(jwt.getKeyId());
            if (key == null) {
                throw new IllegalStateException("The given Public Key is null.");
            }
            Signature signature = signature();
            signature.initVerify(key);
            signature.update(jwt.getHeader().getBytes(StandardCharsets.US_ASCII));
            signature.update((byte) '.');
            signature.update(jwt.getPayload().getBytes(StandardCharsets.US_ASCII));
            if (!signature.verify(signatureBytes)) {
                throw new SignatureVerificationException(this);
            }
        } catch (InvalidKeyException | SignatureException | IllegalArgumentException | IllegalStateException e) {
            throw new SignatureVerificationException(this, e);
        }
    }

    @Override
    public byte[] sign(byte[] contentBytes) throws SignatureGenerationException {
        throw new SignatureGenerationException(
                this, new GeneralSecurityException("the authorizer only verifies tokens"));
    }
}

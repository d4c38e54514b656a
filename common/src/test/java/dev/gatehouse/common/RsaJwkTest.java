package dev.gatehouse.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RsaJwkTest {

    @Test
    void shouldEncodeIntegersAsMinimalUnsignedBigEndianBase64Url() {
        assertThat(RsaJwk.base64Url(BigInteger.valueOf(65537))).isEqualTo("AQAB");
        // 0x80 needs a sign byte in two's complement; the JWK form has none.
        assertThat(Base64.getUrlDecoder().decode(RsaJwk.base64Url(BigInteger.valueOf(0x80))))
                .containsExactly((byte) 0x80);
        assertThat(RsaJwk.base64Url(BigInteger.ZERO)).isEqualTo("AA");
        assertThatThrownBy(() -> RsaJwk.base64Url(BigInteger.valueOf(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldDescribeAnRs256SigningKeyThatDecodesBackToTheKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        RSAPublicKey key = (RSAPublicKey) generator.generateKeyPair().getPublic();

        var jwk = RsaJwk.signingKey("kid-1", key);

        assertThat(jwk)
                .containsKeys("kty", "use", "alg", "kid", "n", "e")
                .containsEntry("kty", "RSA")
                .containsEntry("use", "sig")
                .containsEntry("alg", "RS256")
                .containsEntry("kid", "kid-1");
        assertThat(new BigInteger(1, Base64.getUrlDecoder().decode((String) jwk.get("n"))))
                .isEqualTo(key.getModulus());
        assertThat(Base64.getUrlDecoder().decode((String) jwk.get("n"))).hasSize(256);
    }
}

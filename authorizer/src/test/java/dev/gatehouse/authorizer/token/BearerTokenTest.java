package dev.gatehouse.authorizer.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.authorizer.exceptions.TokenRejectedException;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException.Reason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class BearerTokenTest {

    @ParameterizedTest(name = "should extract the token from ''{0}''")
    @ValueSource(
            strings = {
                "Bearer abc.def.ghi",
                "bearer abc.def.ghi",
                "BEARER abc.def.ghi",
                "Bearer  abc.def.ghi",
                " Bearer abc.def.ghi "
            })
    void shouldExtractTokenWithCaseInsensitiveScheme(String header) {
        assertThat(BearerToken.extract(header)).isEqualTo("abc.def.ghi");
    }

    @ParameterizedTest(name = "should accept b64token characters")
    @ValueSource(strings = {"Bearer a-b_c~d+e/f.g==", "Bearer x"})
    void shouldAcceptEveryB64TokenCharacter(String header) {
        assertThat(BearerToken.extract(header)).isEqualTo(header.substring("Bearer ".length()));
    }

    @ParameterizedTest(name = "should reject missing value ''{0}''")
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void shouldRejectMissingAuthorization(String header) {
        assertThatThrownBy(() -> BearerToken.extract(header))
                .isInstanceOfSatisfying(
                        TokenRejectedException.class,
                        e -> assertThat(e.rejection()).isEqualTo(Reason.MISSING_TOKEN));
    }

    @ParameterizedTest(name = "should reject ''{0}''")
    @ValueSource(
            strings = {
                "abc.def.ghi",
                "Basic dXNlcjpwYXNz",
                "Bearer",
                "Bearer ",
                "Bearerabc.def.ghi",
                "Bearer abc def",
                "Bearer abc.def.ghi, Bearer jkl.mno.pqr",
                "Bearer abc\tdef",
                "Bearer abc=def",
                "Token abc.def.ghi",
                "Bearer \"abc\""
            })
    void shouldRejectMalformedAuthorization(String header) {
        assertThatThrownBy(() -> BearerToken.extract(header))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> {
                    assertThat(e.rejection()).isEqualTo(Reason.MALFORMED_AUTHORIZATION);
                    assertThat(e.getMessage()).doesNotContain("abc");
                });
    }
}

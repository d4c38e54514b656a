package dev.gatehouse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.local.IdentitySource.Location;
import dev.gatehouse.local.IdentitySource.Part;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentitySourceTest {

    @Test
    void shouldDefaultToTheAuthorizationHeader() {
        IdentitySource source = IdentitySource.parse(null, AuthorizerType.TOKEN, 300, "where");

        assertThat(source.text()).isEqualTo("method.request.header.Authorization");
        assertThat(source.parts()).containsExactly(new Part(Location.HEADER, "Authorization"));
    }

    @Test
    void shouldDefaultABlankSourceToTheAuthorizationHeaderAsOslsDoes() {
        for (AuthorizerType type : AuthorizerType.values()) {
            assertThat(IdentitySource.parse(" ", type, 300, "where").parts())
                    .as(type.name())
                    .containsExactly(new Part(Location.HEADER, "Authorization"));
        }
        assertThat(IdentitySource.parse("", AuthorizerType.TOKEN, 0, "where").parts())
                .containsExactly(new Part(Location.HEADER, "Authorization"));
    }

    @Test
    void shouldGiveARequestAuthorizerWithoutCachingNoIdentitySourceSoEveryRequestInvokesIt() {
        IdentitySource source = IdentitySource.parse(null, AuthorizerType.REQUEST, 0, "where");

        assertThat(source.parts()).isEmpty();
        // Nothing to be missing: a request without any header or query string still reaches the authorizer.
        assertThat(source.values(Map.of(), Map.of())).contains(List.of());
    }

    @Test
    void shouldKeepADeclaredSourceCheckedWithoutCaching() {
        IdentitySource source = IdentitySource.parse("method.request.header.X-Key", AuthorizerType.REQUEST, 0, "where");

        assertThat(source.values(Map.of(), Map.of())).isEmpty();
        assertThat(source.values(Map.of("X-Key", List.of("k")), Map.of())).contains(List.of("k"));
    }

    @Test
    void shouldReadHeadersCaseInsensitivelyAndTheLastQueryValueInOrder() {
        IdentitySource source = IdentitySource.parse(
                "method.request.header.X-Tenant, method.request.querystring.key", AuthorizerType.REQUEST, 300, "where");

        assertThat(source.values(Map.of("x-tenant", List.of("acme")), Map.of("key", List.of("a", "b"))))
                .contains(List.of("acme", "b"));
    }

    @Test
    void shouldYieldNothingWhenAnyValueIsMissingOrBlank() {
        IdentitySource source = IdentitySource.parse(
                "method.request.header.X-Tenant,method.request.querystring.key", AuthorizerType.REQUEST, 300, "where");

        assertThat(source.values(Map.of("X-Tenant", List.of("acme")), Map.of())).isEmpty();
        assertThat(source.values(Map.of("X-Tenant", List.of(" ")), Map.of("key", List.of("k"))))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "stageVariables.key",
                "context.requestId",
                "$request.header.Authorization",
                "method.request.header.",
                "method.request.header.A,"
            })
    void shouldRefuseSourcesTheLocalGatewayCannotRead(String text) {
        assertThatThrownBy(() -> IdentitySource.parse(
                        text, AuthorizerType.REQUEST, 300, "functions.f.authorizer.identitySource"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("functions.f.authorizer.identitySource: ")
                .hasMessageContaining("method.request.header.NAME");
    }

    @ParameterizedTest
    @ValueSource(strings = {"method.request.querystring.token", "method.request.header.A,method.request.header.B"})
    void shouldRefuseATokenAuthorizerAnythingButOneHeader(String text) {
        assertThatThrownBy(() -> IdentitySource.parse(text, AuthorizerType.TOKEN, 0, "where"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a TOKEN authorizer's identity source is one header");
    }

    @Test
    void shouldParseAuthorizerTypesAsOslsDoes() {
        assertThat(AuthorizerType.parse(null, "t")).isEqualTo(AuthorizerType.TOKEN);
        assertThat(AuthorizerType.parse("request", "t")).isEqualTo(AuthorizerType.REQUEST);
        assertThatThrownBy(() -> AuthorizerType.parse("cognito_user_pools", "functions.f.authorizer.type"))
                .hasMessage("functions.f.authorizer.type must be token or request locally, got 'cognito_user_pools'");
    }
}

package dev.gatehouse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.local.IdpConfig.TokenDialect;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IdpConfigTest {

    private static IdpConfig parse(String yaml) {
        return IdpConfig.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yml");
    }

    @Test
    void shouldReadEachApisTokenDialectDefaultingToAccessToken() {
        IdpConfig config = parse("""
                apis:
                  - audience: https://rbac.example
                    scopes: [read:orders]
                    tokenDialect: access_token_authz
                  - audience: https://plain.example
                    scopes: [read:orders]
                  - audience: https://explicit.example
                    scopes: [read:orders]
                    tokenDialect: access_token
                clients: []
                """);

        assertThat(config.dialect("https://rbac.example")).isEqualTo(TokenDialect.ACCESS_TOKEN_AUTHZ);
        assertThat(config.dialect("https://plain.example")).isEqualTo(TokenDialect.ACCESS_TOKEN);
        assertThat(config.dialect("https://explicit.example")).isEqualTo(TokenDialect.ACCESS_TOKEN);
    }

    @Test
    void shouldRefuseATokenDialectItDoesNotModelNamingTheApiAndTheAllowedValues() {
        assertThatThrownBy(() -> parse("""
                        apis:
                          - audience: https://rbac.example
                            scopes: [read:orders]
                            tokenDialect: rfc9068_profile_authz
                        clients: []
                        """))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenDialect of 'https://rbac.example'")
                .hasMessageContaining("[access_token, access_token_authz]")
                .hasMessageContaining("rfc9068_profile_authz");
    }

    @Test
    void shouldReadTheRepositorysTenantWithTheDefaultDialect() {
        IdpConfig config = IdpConfig.load(TestStacks.repoRoot().resolve("local/idp.yml"));

        assertThat(config.dialect(TestStacks.AUDIENCE)).isEqualTo(TokenDialect.ACCESS_TOKEN);
    }
}

package dev.gatehouse.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthorizerPolicyTest {

    private static final String STAGE = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/*/*";

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        "'*', anything/at/all, true",
        "'a*c', abc, true",
        "'a*c', ac, true",
        "'a*c', abd, false",
        "'a?c', abc, true",
        "'a?c', ac, false",
        "'a/*/*', a/GET/x/y/z, true",
        "'a/*/*', a/GET, false",
        "'a/*/*', a/GET/, true",
        "'a/GET/x', a/GET/x, true",
        "'a/GET/x', a/GET/xy, false",
        "'*/x', a/b/x, true",
        "'**', '', true",
        "'a*b*c', aXbYbZc, true",
        "'a*b*c', aXcYb, false"
    })
    void shouldMatchLikeIam(String pattern, String text, boolean expected) {
        assertThat(IamWildcard.matches(pattern, text)).isEqualTo(expected);
    }

    @Test
    void shouldAllowEveryMethodOfTheStageAndNothingElse() {
        AuthorizerPolicy policy = AuthorizerPolicy.allow("user", STAGE, Map.of());

        assertThat(policy.allows("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/hello-world"))
                .isTrue();
        assertThat(policy.allows("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/POST/orders/1/items"))
                .isTrue();
        assertThat(policy.allows("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/hello-world"))
                .isFalse();
        assertThat(policy.allows("arn:aws:execute-api:us-east-1:123456789012:zzzzzzzzzz/dev/GET/hello-world"))
                .isFalse();
    }

    @Test
    void shouldLetAnExplicitDenyWinOverAnAllow() {
        String orders = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/DELETE/orders/*";
        AuthorizerPolicy policy = new AuthorizerPolicy(
                "user", List.of(PolicyStatement.allow(STAGE), PolicyStatement.deny(orders)), Map.of());

        assertThat(policy.allows("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/DELETE/orders/42"))
                .isFalse();
        assertThat(policy.allows("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/orders/42"))
                .isTrue();
    }

    @Test
    void shouldDenyWhatNoStatementMentions() {
        assertThat(AuthorizerPolicy.deny("user", STAGE)
                        .allows("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/x"))
                .isFalse();
        assertThat(AuthorizerPolicy.allow(
                                "user", "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/x", Map.of())
                        .allows("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/y"))
                .isFalse();
    }

    @Test
    void shouldAcceptOnlyPrimitiveContextValues() {
        AuthorizerPolicy policy = AuthorizerPolicy.allow("user", STAGE, Map.of("s", "x", "n", 42, "b", true));
        assertThat(policy.context()).containsEntry("n", 42);

        assertThatThrownBy(() -> AuthorizerPolicy.allow("user", STAGE, Map.of("scopes", List.of("a", "b"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'scopes'")
                .hasMessageContaining("string, number or boolean");
        assertThatThrownBy(() -> AuthorizerPolicy.allow("user", STAGE, Map.of("claims", Map.of("a", "b"))))
                .isInstanceOf(IllegalArgumentException.class);
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("missing", null);
        assertThatThrownBy(() -> AuthorizerPolicy.allow("user", STAGE, withNull))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectIncompletePolicies() {
        assertThatThrownBy(() -> AuthorizerPolicy.allow(" ", STAGE, Map.of())).hasMessageContaining("principalId");
        assertThatThrownBy(() -> new AuthorizerPolicy("user", List.of(), Map.of()))
                .hasMessageContaining("statement");
        assertThatThrownBy(() -> new PolicyStatement(Effect.ALLOW, List.of())).hasMessageContaining("resource");
    }

    @Test
    void shouldBeImmutable() {
        Map<String, Object> context = new HashMap<>(Map.of("a", "b"));
        AuthorizerPolicy policy = AuthorizerPolicy.allow("user", STAGE, context);
        context.put("c", "d");

        assertThat(policy.context()).containsOnlyKeys("a");
        assertThatThrownBy(() -> policy.context().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }
}

package dev.gatehouse.authorizer.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.common.Effect;
import dev.gatehouse.common.PolicyStatement;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteLanguageTest {

    @ParameterizedTest(name = "{0} holds {1}: {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "/orders          | orders            | true",
                "/orders          | orders/           | true",
                "/orders          | orders//          | true",
                "/orders          | /orders           | true",
                "/orders          | orders%2F         | true",
                "/orders          | %6Frders          | true",
                "/orders          | ord%65rs          | true",
                "/orders          | %256Frders        | true",
                "/orders          | Orders            | false",
                "/orders          | orders/x          | false",
                "/orders          | order             | false",
                "/hello-world     | hello%2Dworld     | true",
                "/hello-world     | hello%2dworld     | true",
                "/orders/{id}     | orders/42         | true",
                "/orders/{id}     | orders/42/status  | true",
                "/orders/{id}     | orders/42%2Fx     | true",
                "/orders/{id}     | orders//42        | true",
                "/orders/{id}     | orders/           | true",
                "/orders/{id}     | orders//          | true",
                "/orders/{id}     | orders            | false",
                "/a/{proxy+}      | a/b/c/d           | true",
                "/a/{proxy+}      | a/                | true",
                "/a/{proxy+}      | a                 | false",
                "/{proxy+}        | ''                | false",
                "/{proxy+}        | /                 | true",
                "/                | ''                | true",
                "/                | /                 | true",
                "/                | x                 | false",
            })
    void shouldHoldEveryFormTheGatewayMayPresentOfARoutesRequests(String template, String path, boolean expected) {
        assertThat(RouteSamples.contains(RouteLanguage.of(template), path)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} meets {1}: {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "/orders/{id}        | orders/*/status  | true",
                "/orders/{id}/status | orders/*         | true",
                "/orders             | orders/*         | true",
                "/orders             | orders/          | true",
                "/orders/{id}        | orders/          | true",
                "/orders/{id}        | orders           | false",
                "/hello-world        | orders*          | false",
                "/users/{id}         | users/me/profile | true",
                "/invoices/{id}      | orders/*         | false",
            })
    void shouldIntersectWithIamGlobsNamingAPathBothMatch(String template, String glob, boolean expected) {
        RouteLanguage language = RouteLanguage.of(template);
        Optional<String> example = language.counterexample(glob);

        assertThat(example.isPresent()).isEqualTo(expected);
        example.ifPresent(path -> {
            assertThat(RouteSamples.contains(language, path))
                    .as("%s holds %s", template, path)
                    .isTrue();
            assertThat(new PolicyStatement(Effect.ALLOW, List.of(glob)).matches(path))
                    .as("%s matches %s", glob, path)
                    .isTrue();
        });
    }
}

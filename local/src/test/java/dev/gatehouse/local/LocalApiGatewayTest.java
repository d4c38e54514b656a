package dev.gatehouse.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocalApiGatewayTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "/dev/orders            | arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/orders",
                "/dev/orders/           | arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/orders/",
                "/dev/hello%2Dworld     | arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/hello%2Dworld",
                "/dev/orders/42%2Fstatus | "
                        + "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/orders/42%2Fstatus",
                "/dev/orders//          | arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/orders//",
                "/dev                   | arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/",
                "/dev/                  | arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/",
            })
    void shouldBuildTheMethodArnFromTheRawPathAsApiGatewayDoes(String rawPath, String expected) {
        assertThat(LocalApiGateway.methodArn("us-east-1", "dev", "GET", rawPath))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} is routed as {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "/dev/orders/       | dev,orders",
                "/dev/orders        | dev,orders",
                "/dev/hello%2Dworld | dev,hello-world",
                "/dev/a%2Fb/        | dev,a/b",
            })
    void shouldRouteOnTheNormalisedDecodedPath(String rawPath, String segments) {
        assertThat(LocalApiGateway.decodeSegments(rawPath)).isEqualTo(List.of(segments.split(",")));
    }
}

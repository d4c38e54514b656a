package dev.gatehouse.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class MethodArnTest {

    @Test
    void shouldParseEverySegment() {
        MethodArn arn = MethodArn.parse("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/hello-world");

        assertThat(arn)
                .isEqualTo(
                        new MethodArn("aws", "us-east-1", "123456789012", "a1b2c3d4e5", "dev", "GET", "hello-world"));
    }

    @Test
    void shouldKeepNestedResourcePathsWhole() {
        MethodArn arn =
                MethodArn.parse("arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/DELETE/orders/42/items/7");

        assertThat(arn.httpMethod()).isEqualTo("DELETE");
        assertThat(arn.resourcePath()).isEqualTo("orders/42/items/7");
    }

    @Test
    void shouldParseTheRootResource() {
        assertThat(MethodArn.parse("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/")
                        .resourcePath())
                .isEmpty();
        assertThat(MethodArn.parse("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET")
                        .resourcePath())
                .isEmpty();
    }

    @Test
    void shouldParseOtherPartitions() {
        assertThat(MethodArn.parse("arn:aws-cn:execute-api:cn-north-1:123456789012:a1b2c3d4e5/dev/GET/x")
                        .stageWildcard())
                .isEqualTo("arn:aws-cn:execute-api:cn-north-1:123456789012:a1b2c3d4e5/dev/*/*");
    }

    @Test
    void shouldFormatBackToTheSameArn() {
        String text = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/POST/orders/42";

        assertThat(MethodArn.parse(text)).hasToString(text);
    }

    @Test
    void shouldCoverTheWholeStageWithItsWildcard() {
        MethodArn arn = MethodArn.parse("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/hello-world");

        assertThat(arn.stageWildcard()).isEqualTo("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/*/*");
        assertThat(arn.forMethod("PUT", "orders/*"))
                .isEqualTo("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/PUT/orders/*");
    }

    @ParameterizedTest(name = "should reject ''{0}''")
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "not-an-arn",
                "arn:aws:lambda:us-east-1:123456789012:function:authorizer",
                "arn:aws:execute-api:us-east-1:123456789012",
                "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5",
                "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev",
                "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5//GET/x",
                "arn:aws:execute-api::123456789012:a1b2c3d4e5/dev/GET/x",
                "urn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/x"
            })
    void shouldRejectAnythingButAMethodArn(String text) {
        assertThatThrownBy(() -> MethodArn.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("methodArn");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/orders", "orders//42", "orders/", "hello%2Dworld", "Orders", "x/"})
    void shouldKeepAnyResourcePathAsSentSinceNoDecisionDependsOnIt(String path) {
        MethodArn arn = MethodArn.parse("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/" + path);

        assertThat(arn.resourcePath()).isEqualTo(path);
        assertThat(arn.stageWildcard()).isEqualTo("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/*/*");
    }

    @Test
    void shouldParseAnOverlongArnWhosePathNoDecisionReads() {
        String path = "x/".repeat(2000);

        assertThat(MethodArn.parse("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/" + path)
                        .resourcePath())
                .isEqualTo(path);
    }
}

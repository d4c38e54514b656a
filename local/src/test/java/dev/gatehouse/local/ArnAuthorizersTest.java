package dev.gatehouse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.local.ServerlessConfig.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArnAuthorizersTest {

    static Service main;

    @BeforeAll
    static void load() {
        main = ServerlessConfig.load(
                TestStacks.repoRoot().resolve("infra/serverless.yml"),
                "local",
                Map.of("tokenIssuer", "http://127.0.0.1:1/", "jwksUri", "http://127.0.0.1:1/jwks"),
                name -> null);
    }

    @Test
    void shouldReadTheMainStacksExport() {
        assertThat(main.exports()).containsEntry("gatehouse-local-AuthorizerArn", "AuthorizerSnapStartLambdaAlias");
    }

    @Test
    void shouldMatchTheExportedAliasAndTheDeployedFunctionName() {
        assertThat(ArnAuthorizers.match(Map.of("Fn::ImportValue", "gatehouse-local-AuthorizerArn"), List.of(main), "w"))
                .isEqualTo(new ArnAuthorizers.Target(main, "authorizer"));
        for (String arn : List.of(
                "arn:aws:lambda:us-east-1:123456789012:function:gatehouse-local-authorizer",
                "arn:aws:lambda:eu-west-1:210987654321:function:gatehouse-local-authorizer:snapstart")) {
            assertThat(ArnAuthorizers.match(arn, List.of(main), "w"))
                    .as(arn)
                    .isEqualTo(new ArnAuthorizers.Target(main, "authorizer"));
        }
    }

    @Test
    void shouldRefuseAnArnItCannotMatchSayingWhatItCanRun() {
        for (Object arn : List.of(
                Map.of("Fn::ImportValue", "gatehouse-dev-AuthorizerArn"),
                "arn:aws:lambda:us-east-1:123456789012:function:gatehouse-dev-authorizer",
                "arn:aws:lambda:us-east-1:123456789012:function:someone-elses-authorizer",
                Map.of("Fn::GetAtt", List.of("X", "Arn")),
                "not an arn")) {
            assertThatThrownBy(() -> ArnAuthorizers.match(arn, List.of(main), "by-arn: the authorizer of GET /x"))
                    .as(arn.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("by-arn: the authorizer of GET /x.arn ")
                    .hasMessageContaining("names no authorizer the local stack runs")
                    .hasMessageContaining("{Fn::ImportValue: gatehouse-local-AuthorizerArn}")
                    .hasMessageContaining("function:gatehouse-local-authorizer");
        }
    }

    @Test
    void shouldNormaliseFunctionNamesAsOsls() {
        assertThat(ArnAuthorizers.normalizedName("my-auth_fn")).isEqualTo("MyDashauthUnderscorefn");
    }

    @Test
    void shouldReadAnArnAuthorizerFromTheYmlWithoutRequiringAFunctionOfTheService(@TempDir Path dir) throws Exception {
        Path yml = dir.resolve("serverless.yml");
        Files.writeString(yml, """
                service: s
                provider: {name: aws, stage: local}
                functions:
                  f:
                    handler: a.B
                    package: {artifact: f.jar}
                    events:
                      - http: {path: x, method: get,
                               authorizer: {arn: {Fn::ImportValue: 'gatehouse-${sls:stage}-AuthorizerArn'}}}
                      - http: {path: y, method: get, authorizer: 'arn:aws:lambda:us-east-1:123456789012:function:a-b-c'}
                """);

        Service service = ServerlessConfig.load(yml, "local", Map.of(), name -> null);

        assertThat(service.routes().get(0).authorizer().arn())
                .isEqualTo(Map.of("Fn::ImportValue", "gatehouse-local-AuthorizerArn"));
        assertThat(service.routes().get(1).authorizer().arn())
                .isEqualTo("arn:aws:lambda:us-east-1:123456789012:function:a-b-c");
    }
}

package dev.gatehouse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.local.ServerlessConfig.Resolver;
import dev.gatehouse.local.ServerlessConfig.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * serverless.yml resolved by {@code osls print} (infra/'s osls, as deployed) and by the built-in resolver: the same
 * service for the repository's stacks, and osls where the built-in one stops.
 */
class OslsResolutionIT {

    private static final Map<String, String> PARAMS = Map.of(
            "tokenIssuer", "http://127.0.0.1:1/",
            "jwksUri", "http://127.0.0.1:1/.well-known/jwks.json",
            "audience", "https://api.gatehouse.local");

    private static Service load(Path yml, Resolver resolver) {
        long started = System.nanoTime();
        Service service = ServerlessConfig.load(yml, "local", PARAMS, System::getenv, resolver);
        System.out.println(resolver + " resolved " + yml + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        return service;
    }

    @Test
    void shouldResolveTheRepositorysStacksAsTheBuiltInResolverDoes() {
        for (String yml : new String[] {"infra/serverless.yml", "infra/examples/separate-stack/serverless.yml"}) {
            Path file = TestStacks.repoRoot().resolve(yml);

            Service osls = load(file, Resolver.OSLS);
            Service builtIn = load(file, Resolver.BUILT_IN);

            // Pattern (the validation expression) has no equals: compare the descriptions, which show its text.
            assertThat(osls.toString()).as(yml).isEqualTo(builtIn.toString());
            assertThat(osls.routes()).as(yml).isNotEmpty();
        }
    }

    @Test
    void shouldResolveWhatOnlyOslsKnowsFileAddressesAndFunctions() throws Exception {
        Path dir = TestStacks.serviceDir("osls-split");
        Path yml = dir.resolve("serverless.yml");
        Files.writeString(yml, """
                service: split
                provider:
                  name: aws
                  runtime: java21
                  environment: {FLAG: '${strToBool(true)}'}
                plugins: [./route-scopes]
                functions: ${file(./functions.yml):functions}
                """);
        Files.writeString(dir.resolve("functions.yml"), """
                functions:
                  authorizer: {handler: a.Authorizer, package: {artifact: a.jar}}
                  hello:
                    handler: h.Hello
                    package: {artifact: h.jar}
                    events:
                      - http: {path: hi, method: get, authorizer: {name: authorizer, scopes: ['read:hi']}}
                """);

        Service service = load(yml, Resolver.OSLS);

        assertThat(service.function("hello").environment()).containsEntry("FLAG", "true");
        assertThat(service.routes()).singleElement().satisfies(route -> {
            assertThat(route.path()).isEqualTo("hi");
            assertThat(route.authorizer().scopes()).containsExactly("read:hi");
        });
        assertThat(service.function("authorizer").environment())
                .containsEntry("ROUTE_SCOPES", "{\"GET /hi\":[\"read:hi\"]}");
        // The built-in resolver knows neither a file address nor strToBool: it refuses rather than guess.
        assertThatThrownBy(() -> load(yml, Resolver.BUILT_IN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldFailWithOslssMessageAndSayWhyAccountSourcesCannotBeResolved() throws Exception {
        Path dir = TestStacks.serviceDir("osls-errors");
        Path yml = dir.resolve("serverless.yml");
        Files.writeString(yml, """
                service: errors
                provider: {name: aws, runtime: java21}
                functions:
                  f: {handler: a.B, package: {artifact: f.jar}, environment: {X: '${param:nowhere}'}}
                """);
        assertThatThrownBy(() -> load(yml, Resolver.OSLS))
                .hasMessageContaining("osls print --stage local of " + yml)
                .hasMessageContaining("functions.f.environment.X")
                .hasMessageContaining("\"param\" source");

        Files.writeString(yml, """
                service: errors
                provider: {name: aws, runtime: java21}
                functions:
                  f: {handler: a.B, package: {artifact: f.jar}, environment: {X: '${cf:gatehouse-local.X}'}}
                """);
        assertThatThrownBy(() -> load(yml, Resolver.OSLS))
                .hasMessageContaining("AWS provider credentials not found")
                .hasMessageContaining("resolves serverless.yml offline")
                .hasMessageContaining("give the value as a param for the local stage");
    }
}

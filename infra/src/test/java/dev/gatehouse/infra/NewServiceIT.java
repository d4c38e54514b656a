package dev.gatehouse.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * scripts/new-service on a copy of the repository: the generated module builds and its tests pass as generated, and
 * {@code osls package} shows its routes behind the shared custom authorizer with the scopes handed to the authorizer.
 * The copy reuses the built jars of the other functions and infra's node_modules, so this takes well under a minute.
 */
class NewServiceIT {

    private static final String NAME = "inventory-items";
    private static final Set<String> SKIPPED = Set.of(".git", "target", "node_modules");

    @TempDir
    static Path temp;

    static Path copy;
    static Processes.Result created;
    static Processes.Result built;

    @BeforeAll
    static void createServiceInACopy() throws IOException {
        copy = temp.resolve("repo");
        copyTree(Infra.repoDir(), copy);
        for (String jar : List.of(
                "authorizer/target/authorizer.jar",
                "authorizer/target/authorizer-arm64.jar",
                "hello-world/target/hello-world.jar",
                "orders/target/orders.jar")) {
            Files.createDirectories(copy.resolve(jar).getParent());
            Files.copy(Infra.repoDir().resolve(jar), copy.resolve(jar));
        }
        Files.createSymbolicLink(
                copy.resolve("infra/node_modules"),
                Infra.infraDir().resolve("node_modules").toAbsolutePath());
        created = Processes.run(copy, Map.of(), List.of("bash", "scripts/new-service", NAME));
        // The command the script's output recommends, for the new module and what it needs (offline: all is cached).
        built = created.exitCode() != 0
                ? created
                : Processes.run(
                        copy,
                        Map.of("JAVA_HOME", System.getProperty("java.home")),
                        List.of("./mvnw", "-B", "-ntp", "-o", "-q", "verify", "-pl", NAME, "-am"));
    }

    @Test
    void shouldCreateTheModuleItsEventAndRegisterIt() throws IOException {
        assertThat(created.exitCode()).as(created.output()).isZero();
        assertThat(copy.resolve(NAME + "/src/main/java/dev/gatehouse/inventoryitems/InventoryItemsHandler.java"))
                .isRegularFile();
        assertThat(copy.resolve(NAME + "/src/test/java/dev/gatehouse/inventoryitems/InventoryItemsHandlerTest.java"))
                .isRegularFile();
        assertThat(copy.resolve(NAME + "/README.md")).isRegularFile();
        assertThat(copy.resolve("events/" + NAME + "-proxy.json")).isRegularFile();
        assertThat(Files.readString(copy.resolve("pom.xml")))
                .contains("<module>" + NAME + "</module>", "<artifactId>gatehouse-" + NAME + "</artifactId>");
        assertThat(Files.readString(copy.resolve("local/idp.yml")))
                .contains("gatehouse-" + NAME + "-reader", "scopes: [read:" + NAME + "]");
        assertThat(Files.readString(copy.resolve(".github/workflows/ci.yml")))
                .contains(NAME + "/target/" + NAME + ".jar");

        Processes.Result again = Processes.run(copy, Map.of(), List.of("bash", "scripts/new-service", NAME));
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.output()).contains("already exists");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "Orders-Archive | lower case letters and digits",
                "order--history | lower case letters and digits",
                "abcdefghij-klmnopqrst-uvwxyzabcd-efghijkl | at most 40 characters",
                "local | taken by the repository itself",
                "new | is a Java keyword"
            })
    void shouldRefuseANameItCannotUseAndChangeNothing(String name, String expected) throws IOException {
        List<String> touched = List.of("pom.xml", "infra/serverless.yml", "local/idp.yml");
        List<String> before = contents(touched);

        Processes.Result refused = Processes.run(copy, Map.of(), List.of("bash", "scripts/new-service", name));

        assertThat(refused.exitCode()).as(refused.output()).isEqualTo(2);
        assertThat(refused.output()).contains(expected);
        assertThat(contents(touched)).isEqualTo(before);
    }

    private static List<String> contents(List<String> files) throws IOException {
        List<String> contents = new ArrayList<>();
        for (String file : files) {
            contents.add(Files.readString(copy.resolve(file)));
        }
        return contents;
    }

    @Test
    void shouldBuildTheGeneratedModuleWithPassingTests() throws IOException {
        assertThat(created.exitCode()).as(created.output()).isZero();

        assertThat(built.exitCode()).as(built.output()).isZero();
        assertThat(copy.resolve(NAME + "/target/" + NAME + ".jar")).isRegularFile();
        String report = Files.readString(copy.resolve(
                NAME + "/target/surefire-reports/TEST-dev.gatehouse.inventoryitems.InventoryItemsHandlerTest.xml"));
        assertThat(report).contains("tests=\"5\"", "failures=\"0\"", "errors=\"0\"", "skipped=\"0\"");
    }

    @Test
    void shouldPackageTheNewRoutesBehindTheSharedAuthorizer() throws IOException {
        assertThat(built.exitCode()).as(built.output()).isZero();
        Path out = temp.resolve("packaged");

        Processes.Result packaged = Osls.packageService(
                copy.resolve("infra"),
                out,
                "dev",
                List.of(
                        "tokenIssuer=https://tenant.example/",
                        "jwksUri=https://tenant.example/.well-known/jwks.json",
                        "audience=https://api.example"));

        assertThat(packaged.exitCode()).as(packaged.output()).isZero();
        PackagedService service = PackagedService.load(out, copy.resolve("infra"));
        assertThat(service.lambda("inventoryItems")
                        .path("Properties")
                        .path("Handler")
                        .asText())
                .isEqualTo("dev.gatehouse.inventoryitems.InventoryItemsHandler");
        for (String verb : List.of("Get", "Post")) {
            JsonNode method = service.resource("ApiGatewayMethodInventoryDashitems" + verb);
            assertThat(method.path("Properties").path("AuthorizationType").asText())
                    .isEqualTo("CUSTOM");
            assertThat(method.path("Properties")
                            .path("AuthorizerId")
                            .path("Ref")
                            .asText())
                    .isEqualTo("AuthorizerApiGatewayAuthorizer");
        }
        String routeScopes = service.lambda("authorizer")
                .path("Properties")
                .path("Environment")
                .path("Variables")
                .path("ROUTE_SCOPES")
                .asText();
        assertThat(PackagedService.JSON.readValue(routeScopes, new TypeReference<Map<String, List<String>>>() {}))
                .containsEntry("GET /" + NAME, List.of("read:" + NAME))
                .containsEntry("POST /" + NAME, List.of("write:" + NAME))
                .containsEntry("GET /orders", List.of("read:orders"));
        assertThat(HandlerCheck.problems(service)).isEmpty();
        // Its own execution role, writing its own log group only, like every other function's.
        assertThat(TemplateRules.rolesNotOwnLogGroupOnly(service)).isEmpty();
        assertThat(service.lambda("inventoryItems")
                        .path("Properties")
                        .path("Role")
                        .toString())
                .isEqualTo("{\"Fn::GetAtt\":[\"InventoryItemsExecutionRole\",\"Arn\"]}");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            paths.filter(path -> from.relativize(path).toString().isEmpty() || !skipped(from.relativize(path)))
                    .forEach(path -> {
                        Path target = to.resolve(from.relativize(path).toString());
                        try {
                            if (Files.isDirectory(path)) {
                                Files.createDirectories(target);
                            } else {
                                Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        }
    }

    private static boolean skipped(Path relative) {
        for (Path part : relative) {
            if (SKIPPED.contains(part.toString())) {
                return true;
            }
        }
        return false;
    }
}

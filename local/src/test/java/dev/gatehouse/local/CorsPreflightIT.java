package dev.gatehouse.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.gatehouse.local.ServerlessConfig.Resolver;
import dev.gatehouse.local.ServerlessConfig.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The local gateway's CORS preflights against the OPTIONS methods {@code osls package} (infra/'s osls, as deployed)
 * writes for the same serverless.yml: the same paths, the same response headers, and the same origin patterns in the
 * response template.
 */
class CorsPreflightIT {

    private static final Pattern MATCHES = Pattern.compile("\\$origin\\.matches\\(\"([^\"]*)\"\\)");

    @Test
    void shouldBuildThePreflightsOslsPackages() throws Exception {
        Path dir = TestStacks.serviceDir("cors-preflight");
        // An empty zip: osls copies the artifact into the package.
        Files.write(
                dir.resolve("f.jar"),
                new byte[] {0x50, 0x4b, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        Path yml = dir.resolve("serverless.yml");
        Files.writeString(yml, """
                service: corsy
                provider: {name: aws, runtime: java21}
                functions:
                  a:
                    handler: x.A
                    package: {artifact: f.jar}
                    events:
                      - http: {path: one, method: get, cors: true}
                      - http:
                          path: one
                          method: post
                          cors:
                            origins: ['https://*.example.com', 'https://app.test']
                            allowCredentials: true
                            maxAge: 600
                            cacheControl: max-age=600
                            headers: X-Custom
                      - http:
                          path: 'two/{id}'
                          method: any
                          cors: {origin: 'https://a.test, https://b.test', methods: [GET]}
                      - http: {path: '/three/', method: get, cors: {headers: [Authorization]}}
                      - http: {path: four, method: get}
                      - http: {path: five, method: get, cors: {headers: ''}}
                  b:
                    handler: x.B
                    package: {artifact: f.jar}
                    events:
                      - http: {path: three, method: delete, cors: true}
                """);

        Map<String, Map<String, String>> packaged = packagedPreflights(dir);
        Service service = ServerlessConfig.load(yml, "local", Map.of(), System::getenv, Resolver.OSLS);

        Map<String, Map<String, String>> local = new LinkedHashMap<>();
        for (CorsPreflight preflight : service.preflights()) {
            Map<String, String> headers = new LinkedHashMap<>(preflight.headers());
            headers.put(
                    "template origins",
                    String.join(
                            " | ",
                            preflight.origins().stream()
                                    .map(CorsPreflight::originPattern)
                                    .toList()));
            local.put(preflight.path(), headers);
        }
        assertThat(local).isEqualTo(packaged);
        assertThat(local).containsOnlyKeys("one", "two/{id}", "three", "five");
    }

    /** Path -> the OPTIONS method's response headers (unquoted), plus the patterns its response template matches. */
    private static Map<String, Map<String, String>> packagedPreflights(Path dir) throws Exception {
        TestStacks.OslsResult packaged = TestStacks.oslsPackage(dir);
        assertThat(packaged.exitCode())
                .as("osls package: %s", packaged.output())
                .isZero();
        JsonNode resources = Http.JSON
                .readTree(dir.resolve(".serverless/cloudformation-template-update-stack.json")
                        .toFile())
                .path("Resources");

        Map<String, Map<String, String>> preflights = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> resource : resources.properties()) {
            JsonNode properties = resource.getValue().path("Properties");
            if (!"AWS::ApiGateway::Method"
                            .equals(resource.getValue().path("Type").asText())
                    || !"OPTIONS".equals(properties.path("HttpMethod").asText())) {
                continue;
            }
            assertThat(properties.path("AuthorizationType").asText()).isEqualTo("NONE");
            JsonNode integration = properties.path("Integration");
            assertThat(integration.path("Type").asText()).isEqualTo("MOCK");
            JsonNode response = integration.path("IntegrationResponses").get(0);
            assertThat(response.path("StatusCode").asText()).isEqualTo("200");
            Map<String, String> headers = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> parameter :
                    response.path("ResponseParameters").properties()) {
                String value = parameter.getValue().asText();
                assertThat(value).startsWith("'").endsWith("'");
                headers.put(
                        parameter.getKey().replace("method.response.header.", ""),
                        value.substring(1, value.length() - 1));
            }
            List<String> patterns = new ArrayList<>();
            Matcher matcher = MATCHES.matcher(
                    response.path("ResponseTemplates").path("application/json").asText());
            while (matcher.find()) {
                patterns.add(matcher.group(1));
            }
            headers.put("template origins", String.join(" | ", patterns));
            preflights.put(
                    path(resources, properties.path("ResourceId").path("Ref").asText()), headers);
        }
        return preflights;
    }

    /** The resource's path from its PathParts up to the API's root. */
    private static String path(JsonNode resources, String logicalId) {
        List<String> parts = new ArrayList<>();
        for (JsonNode resource = resources.path(logicalId); !resource.isMissingNode(); ) {
            JsonNode properties = resource.path("Properties");
            parts.addFirst(properties.path("PathPart").asText());
            String parent = properties.path("ParentId").path("Ref").asText(null);
            resource = parent == null ? MissingNode.getInstance() : resources.path(parent);
        }
        return String.join("/", parts);
    }
}

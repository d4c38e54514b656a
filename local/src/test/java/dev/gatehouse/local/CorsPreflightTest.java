package dev.gatehouse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The preflight osls builds from the events' {@code cors}; {@code CorsPreflightIT} checks it against osls itself. */
class CorsPreflightTest {

    private static final String DEFAULT_HEADERS =
            "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,X-Amz-User-Agent,X-Amzn-Trace-Id";

    private static CorsPreflight only(CorsPreflight.Collector collector) {
        List<CorsPreflight> preflights = collector.preflights();
        assertThat(preflights).hasSize(1);
        return preflights.getFirst();
    }

    @Test
    void shouldAnswerWhatOslsWritesForCorsTrue() {
        CorsPreflight.Collector collector = new CorsPreflight.Collector();
        collector.add("hello-world", "GET", true, "cors");

        CorsPreflight preflight = only(collector);

        // infra/serverless.yml's GET /hello-world, as in the packaged template's ApiGatewayMethodHelloDashworldOptions.
        assertThat(preflight.headers())
                .containsExactly(
                        Map.entry("Access-Control-Allow-Origin", "*"),
                        Map.entry("Access-Control-Allow-Headers", DEFAULT_HEADERS),
                        Map.entry("Access-Control-Allow-Methods", "OPTIONS,GET"));
        GatewayResponse response = preflight.respond(Map.of(), Map.of(), Map.of("Origin", List.of("https://x.test")));
        assertThat(response.status()).isEqualTo(200);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEmpty();
        assertThat(response.headers()).containsEntry("Access-Control-Allow-Origin", List.of("*"));
        assertThat(response.headers()).containsEntry("Content-Type", List.of("application/json"));
        assertThat(response.type())
                .as("an integration response, not a gateway response")
                .isNull();
    }

    @Test
    void shouldMergeTheEventsOfOnePathWithTheLaterEventsListsFirst() {
        CorsPreflight.Collector collector = new CorsPreflight.Collector();
        collector.add("one", "GET", true, "cors");
        collector.add(
                "one",
                "POST",
                Map.of(
                        "origins",
                        List.of("https://*.example.com", "https://app.test"),
                        "allowCredentials",
                        true,
                        "maxAge",
                        600,
                        "cacheControl",
                        "max-age=600",
                        "headers",
                        "X-Custom"),
                "cors");
        collector.add("three", "GET", false, "cors");
        collector.add("four", "GET", null, "cors");

        CorsPreflight preflight = only(collector);

        assertThat(preflight.headers())
                .containsExactly(
                        Map.entry("Access-Control-Allow-Origin", "https://*.example.com"),
                        Map.entry("Access-Control-Allow-Headers", "X-Custom," + DEFAULT_HEADERS),
                        Map.entry("Access-Control-Allow-Methods", "OPTIONS,POST,GET"),
                        Map.entry("Access-Control-Allow-Credentials", "true"),
                        Map.entry("Access-Control-Max-Age", "600"),
                        Map.entry("Cache-Control", "max-age=600"));
    }

    @Test
    void shouldEchoAListedOriginAsTheResponseTemplateDoes() {
        CorsPreflight.Collector collector = new CorsPreflight.Collector();
        collector.add("one", "GET", Map.of("origins", List.of("https://*.example.com", "https://app.test")), "cors");
        CorsPreflight preflight = only(collector);

        assertThat(allowOrigin(preflight, Map.of(), Map.of("origin", List.of("https://shop.example.com"))))
                .isEqualTo("https://shop.example.com");
        assertThat(allowOrigin(preflight, Map.of(), Map.of("Origin", List.of("https://app.test"))))
                .isEqualTo("https://app.test");
        assertThat(allowOrigin(preflight, Map.of(), Map.of("Origin", List.of("https://appXtest"))))
                .as("the dot is literal")
                .isEqualTo("https://*.example.com");
        assertThat(allowOrigin(preflight, Map.of(), Map.of("Origin", List.of("https://evil.test/https://app.test"))))
                .as("a whole-string match")
                .isEqualTo("https://*.example.com");
        assertThat(allowOrigin(preflight, Map.of(), Map.of())).isEqualTo("https://*.example.com");
        // $input.params searches the query string before the headers.
        assertThat(allowOrigin(
                        preflight,
                        Map.of("Origin", List.of("https://app.test")),
                        Map.of("Origin", List.of("https://other.test"))))
                .isEqualTo("https://app.test");
    }

    private static String allowOrigin(
            CorsPreflight preflight, Map<String, List<String>> query, Map<String, List<String>> headers) {
        return preflight
                .respond(Map.of(), query, headers)
                .headers()
                .get("Access-Control-Allow-Origin")
                .getFirst();
    }

    @Test
    void shouldSplitACommaSeparatedOriginAndExpandAny() {
        CorsPreflight.Collector collector = new CorsPreflight.Collector();
        collector.add(
                "two/{id}", "ANY", Map.of("origin", "https://a.test, https://b.test", "methods", List.of("GET")), "c");

        CorsPreflight preflight = only(collector);

        assertThat(preflight.origins()).containsExactly("https://a.test", "https://b.test");
        // osls's own output, GET twice included.
        assertThat(preflight.headers())
                .containsEntry("Access-Control-Allow-Origin", "https://a.test")
                .containsEntry("Access-Control-Allow-Methods", "GET,OPTIONS,DELETE,GET,HEAD,PATCH,POST,PUT");
    }

    @Test
    void shouldGiveTheDefaultHeadersForAnEmptyHeadersAsOslsDoes() {
        CorsPreflight.Collector collector = new CorsPreflight.Collector();
        collector.add("five", "GET", Map.of("headers", ""), "cors");

        assertThat(only(collector).headers()).containsEntry("Access-Control-Allow-Headers", DEFAULT_HEADERS);
    }

    @Test
    void shouldRefuseWhatOslsDoesNotKnow() {
        CorsPreflight.Collector collector = new CorsPreflight.Collector();

        assertThatThrownBy(() -> collector.add("one", "GET", Map.of("origni", "*"), "functions.a.cors"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("functions.a.cors has 'origni'");
        assertThatThrownBy(() -> collector.add("one", "GET", "yes", "functions.a.cors"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be true, false or a mapping");
        assertThatThrownBy(() -> collector.add("one", "GET", Map.of("headers", 3), "functions.a.cors"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("functions.a.cors.headers must be a list of strings or a string");
        collector.add("bad", "GET", Map.of("origins", List.of("https://(")), "functions.a.cors");
        assertThatThrownBy(collector::preflights)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("https://(");
    }
}

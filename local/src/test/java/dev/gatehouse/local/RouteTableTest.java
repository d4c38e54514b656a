package dev.gatehouse.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.local.ServerlessConfig.Route;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private final RouteTable table = new RouteTable(List.of(
            new Route("ANY", "items/{proxy+}", "greedy", null),
            new Route("GET", "items/{id}", "byId", null),
            new Route("GET", "items/special", "special", null),
            new Route("ANY", "items/special", "anySpecial", null),
            new Route("GET", "", "root", null)));

    private String match(String method, String... segments) {
        return table.match(method, List.of(segments))
                .map(m -> m.route().function() + m.pathParameters())
                .orElse("none");
    }

    @Test
    void shouldPreferLiteralOverParameterOverGreedyAndMethodOverAny() {
        assertThat(match("GET", "items", "special")).isEqualTo("special{}");
        assertThat(match("POST", "items", "special")).isEqualTo("anySpecial{}");
        assertThat(match("GET", "items", "42")).isEqualTo("byId" + Map.of("id", "42"));
        assertThat(match("DELETE", "items", "42")).isEqualTo("greedy" + Map.of("proxy", "42"));
        assertThat(match("GET", "items", "a", "b")).isEqualTo("greedy" + Map.of("proxy", "a/b"));
        assertThat(match("GET")).isEqualTo("root{}");
    }

    @Test
    void shouldNotMatchUnknownPathsOrMethods() {
        assertThat(match("GET", "items")).isEqualTo("none");
        assertThat(match("POST")).isEqualTo("none");
        assertThat(match("GET", "other")).isEqualTo("none");
    }
}

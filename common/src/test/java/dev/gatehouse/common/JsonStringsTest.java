package dev.gatehouse.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonStringsTest {

    @Test
    void shouldEscapeWhatJsonRequiresAndTheTwoJavaScriptLineBreaks() {
        assertThat(JsonStrings.quote("a\"b\\c\nd\r\t\u0001\u001f\u2028\u2029é☃"))
                .isEqualTo("\"a\\\"b\\\\c\\nd\\r\\t\\u0001\\u001f\\u2028\\u2029é☃\"");
    }

    @Test
    void shouldRoundTripAnyStringThroughAJsonParserOnOneLine() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Random random = new Random(20261207L);
        for (int n = 0; n < 2_000; n++) {
            StringBuilder value = new StringBuilder();
            for (int i = random.nextInt(40); i > 0; i--) {
                value.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0xD800)));
            }
            String quoted = JsonStrings.quote(value.toString());
            assertThat(json.readValue(quoted, String.class)).isEqualTo(value.toString());
            assertThat(quoted).doesNotContain("\n", "\r", "\u2028", "\u2029");
        }
    }
}

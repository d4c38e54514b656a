package dev.gatehouse.common;

/**
 * The one JSON string escaper of the project, for the few places that write JSON by hand (the authorizer's decision
 * line, which runs on every request; service error bodies, where common stays free of a JSON library).
 *
 * <p>Escapes what RFC 8259 requires ({@code "}, {@code \}, U+0000 to U+001F) and also U+2028 and U+2029, which JSON
 * allows raw but JavaScript and many log viewers treat as line breaks, so a value can never split or forge a line.
 */
public final class JsonStrings {

    private static final String HEX = "0123456789abcdef";

    private JsonStrings() {}

    /** Appends {@code value} to {@code out} as a JSON string literal, quotes included. */
    public static StringBuilder appendQuoted(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append("\\u")
                                .append(HEX.charAt(c >> 12 & 0xF))
                                .append(HEX.charAt(c >> 8 & 0xF))
                                .append(HEX.charAt(c >> 4 & 0xF))
                                .append(HEX.charAt(c & 0xF));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /** {@code value} as a JSON string literal, quotes included. */
    public static String quote(String value) {
        return appendQuoted(new StringBuilder(value.length() + 2), value).toString();
    }
}

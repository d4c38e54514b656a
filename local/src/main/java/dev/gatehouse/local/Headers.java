package dev.gatehouse.local;

import java.util.List;
import java.util.Map;

/** Header lookup as HTTP defines it: names compare case-insensitively. */
final class Headers {

    private Headers() {}

    /** The first value of header {@code name}, or null if the request has none. */
    static String first(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                return header.getValue().get(0);
            }
        }
        return null;
    }
}

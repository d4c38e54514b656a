package dev.gatehouse.common;

/**
 * IAM resource matching: {@code *} matches any run of characters (slashes included), {@code ?} exactly one.
 * Iterative with single backtracking, so it runs in O(pattern × text) at worst and never recurses.
 */
final class IamWildcard {

    private IamWildcard() {}

    static boolean matches(String pattern, String text) {
        int p = 0;
        int t = 0;
        int starP = -1;
        int starT = -1;
        while (t < text.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                starP = p++;
                starT = t;
            } else if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (starP >= 0) {
                p = starP + 1;
                t = ++starT;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}

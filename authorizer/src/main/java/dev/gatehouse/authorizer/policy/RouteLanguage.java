package dev.gatehouse.authorizer.policy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every resource path API Gateway might put in a method ARN (after {@code {VERB}/}) for a request it routes to one
 * route template, <b>over-approximated</b> so that the policy is sound whichever way the gateway presents the path.
 *
 * <p>What AWS documents and what it leaves open:
 * <ul>
 *   <li>The method ARN carries the request's own path, not the resource template
 *
 * (<a href="https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html">
 *       Input to an API Gateway Lambda authorizer</a>:
 * {@code "methodArn": "arn:aws:execute-api:...:/test/GET/request"}),
 *       without its leading slash, and REST APIs route {@code /orders/} to the {@code /orders} resource, so the raw
 * path
 *       with its trailing slash reaches the authorizer.
 *   <li>API Gateway decodes percent-encoded path parameters before they reach the integration
 *       (<a href="https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html">known
 *       issues</a>), but it does not document whether the method ARN holds the raw or the decoded path, nor how
 *       repeated slashes are matched.
 * </ul>
 * So a route's language here admits, around the template: any run of leading and trailing slashes; one or more slashes
 * between segments; each literal character as itself or percent-encoded once or twice ({@code a}, {@code %61}, {@code
 * %2561}, either hex case), slashes included; and a {@code {param}} or {@code {proxy+}} as any non-empty string,
 * slashes included (a decoded {@code %2F} inside a parameter), or empty when it is the last of several segments ({@code
 * /orders/} may reach {@code /orders/{id}}; the root {@code /} is no child of itself). Literal segments never hold
 * {@code %} (the route table refuses it), so the encoded forms are exactly the ones a decoding gateway maps back onto
 * the template. Case is kept: API Gateway matches paths case-sensitively, so {@code /Orders} is no request of {@code
 * /orders} (it gets API Gateway's own 403 before any authorizer runs).
 *
 * <p>{@link #counterexample} intersects that language with an IAM resource glob ({@code *} = any run of characters,
 * slashes included) by a search over the product of the two automata. Immutable.
 */
final class RouteLanguage {

    /** A transition on any character. */
    private static final int ANY = -1;
    /** A transition on a hex digit, either case, of nibble value {@code -(kind + 2)}: kinds -2 .. -17. */
    private static final int HEX_BASE = -2;

    /** transitions[state] = pairs (kind, target): kind is a character, {@link #ANY} or a hex nibble. */
    private final List<int[]> transitions = new ArrayList<>();

    private final List<Boolean> accepting = new ArrayList<>();
    private final int start;

    private RouteLanguage(String template) {
        start = newState();
        int state = start;
        loopSlashes(state);
        if (!template.equals("/")) {
            String[] segments = template.substring(1).split("/", -1);
            for (int s = 0; s < segments.length; s++) {
                if (s > 0) {
                    int next = newState();
                    literal(state, '/', next);
                    loopSlashes(next);
                    state = next;
                }
                String segment = segments[s];
                if (segment.startsWith("{") && s > 0 && s == segments.length - 1) {
                    // An empty last parameter: whether HTTP API sends /orders/ to /orders/{id} or /orders/{proxy+}
                    // is undocumented (REST sends it to /orders), so the language holds it.
                    accepting.set(state, true);
                }
                if (segment.startsWith("{")) {
                    int next = newState();
                    add(state, ANY, next);
                    add(next, ANY, next);
                    state = next;
                } else {
                    for (int i = 0; i < segment.length(); i++) {
                        int next = newState();
                        literal(state, segment.charAt(i), next);
                        state = next;
                    }
                }
            }
            loopSlashes(state);
        }
        accepting.set(state, true);
    }

    /** The language of the route template {@code path} ({@code /orders/{id}}, or {@code /}). */
    static RouteLanguage of(String path) {
        return new RouteLanguage(path);
    }

    private int newState() {
        transitions.add(new int[0]);
        accepting.add(false);
        return transitions.size() - 1;
    }

    private void add(int from, int kind, int to) {
        int[] old = transitions.get(from);
        int[] grown = Arrays.copyOf(old, old.length + 2);
        grown[old.length] = kind;
        grown[old.length + 1] = to;
        transitions.set(from, grown);
    }

    /** {@code c}, {@code %HH} or {@code %25HH} from {@code from} to {@code to}. */
    private void literal(int from, char c, int to) {
        add(from, c, to);
        int percent = newState();
        add(from, '%', percent);
        int hi = newState();
        add(percent, HEX_BASE - (c >> 4 & 0xF), hi);
        add(hi, HEX_BASE - (c & 0xF), to);
        // %25 is an encoded '%': %25HH decodes once to %HH and twice to c.
        int two = newState();
        add(percent, '2', two);
        add(two, '5', percent);
    }

    /** A run of zero or more slashes (each possibly encoded) staying at {@code state}; no epsilon moves exist. */
    private void loopSlashes(int state) {
        literal(state, '/', state);
    }

    private static boolean step(int kind, char c) {
        if (kind == ANY) {
            return true;
        }
        if (kind <= HEX_BASE) {
            int nibble = HEX_BASE - kind;
            return Character.digit(c, 16) == nibble;
        }
        return kind == c;
    }

    /** A character the transition {@code kind} accepts, to spell a counterexample. */
    private static char witness(int kind) {
        if (kind == ANY) {
            return 'x';
        }
        if (kind <= HEX_BASE) {
            return Character.toUpperCase(Character.forDigit(HEX_BASE - kind, 16));
        }
        return (char) kind;
    }

    /**
     * A path (after {@code VERB/}) of this language that the IAM glob {@code glob} also matches, if there is one.
     * States are (glob position, automaton state), visited once each: O(|glob| × |states|) searches.
     */
    Optional<String> counterexample(String glob) {
        int n = glob.length();
        int states = transitions.size();
        Map<Integer, int[]> parent = new HashMap<>(); // key -> {previous key, character}
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        int first = start;
        parent.put(first, new int[] {-1, 0});
        queue.add(first);
        while (!queue.isEmpty()) {
            int key = queue.poll();
            int i = key / states;
            int q = key % states;
            if (i == n && accepting.get(q)) {
                return Optional.of(spell(parent, key));
            }
            if (i == n) {
                continue;
            }
            char g = glob.charAt(i);
            if (g == '*') {
                visit(parent, queue, (i + 1) * states + q, key, -1);
            }
            int[] out = transitions.get(q);
            for (int t = 0; t < out.length; t += 2) {
                int kind = out[t];
                int target = out[t + 1];
                if (g == '*') {
                    visit(parent, queue, i * states + target, key, witness(kind));
                } else if (step(kind, g)) {
                    visit(parent, queue, (i + 1) * states + target, key, g);
                }
            }
        }
        return Optional.empty();
    }

    private static void visit(Map<Integer, int[]> parent, ArrayDeque<Integer> queue, int key, int from, int c) {
        if (!parent.containsKey(key)) {
            parent.put(key, new int[] {from, c});
            queue.add(key);
        }
    }

    private static String spell(Map<Integer, int[]> parent, int key) {
        StringBuilder path = new StringBuilder();
        for (int k = key; ; ) {
            int[] p = parent.get(k);
            if (p[0] < 0) {
                break;
            }
            if (p[1] >= 0) {
                path.append((char) p[1]);
            }
            k = p[0];
        }
        return path.reverse().toString();
    }

    /**
     * Whether a {@code verb} request may reach a route declared with {@code method}, given the methods declared on the
     * identical template ({@code ANY} included; {@code {id}} and {@code {proxy+}} are different templates). An
     * {@code ANY} route serves the verbs no route of its template declares. API Gateway documents neither way
     * whether {@code HEAD} falls back to a {@code GET} route or to an {@code ANY} route, so we over-approximate: it
     * reaches both unless the template declares {@code HEAD} itself.
     */
    static boolean verbReaches(String verb, String method, Set<String> methodsOfTemplate) {
        if (method.equals("ANY")) {
            return !methodsOfTemplate.contains(verb);
        }
        return verb.equals(method)
                || method.equals("GET") && verb.equals("HEAD") && !methodsOfTemplate.contains("HEAD");
    }
}

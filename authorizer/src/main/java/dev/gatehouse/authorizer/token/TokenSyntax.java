package dev.gatehouse.authorizer.token;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The syntax of a compact JWS, checked before java-jwt reads it: three segments of canonical unpadded base64url; a
 * header and a payload that are each exactly one JSON object in UTF-8, with nothing after it and no member twice (at
 * any depth); and every header parameter and claim the authorizer reads of the JSON type it expects, free of control
 * characters, whatever other members are present. Stateless and thread-safe.
 *
 * <p>java-jwt ({@code JWTDecoder}) decodes each segment with {@code new String(bytes, UTF_8)} and reads it with a
 * default {@code ObjectMapper}, which stops after the first JSON value ({@code {..}xyz} and {@code {..}{..}} pass) and
 * keeps the last of two members with one name. This class decodes the same bytes to the same string (strictly: bytes
 * that are not UTF-8 are refused instead of replaced) and parses that string with Jackson's parser for strings, so the
 * object it checks is exactly the one java-jwt will build, and there is only one way to read it.
 */
final class TokenSyntax {

    /** The JSON types a member the authorizer reads may have; JSON {@code null} counts as absent everywhere. */
    private enum Type {
        STRING("a string"),
        STRING_OR_STRINGS("a string or an array of strings"),
        NUMBER("a number");

        final String expected;

        Type(String expected) {
            this.expected = expected;
        }
    }

    /**
     * Header parameters read by {@link TokenVerifier} ({@code crit} is refused whatever its type). java-jwt's
     * {@code getKeyId()}/{@code getType()} would turn {@code 42} into {@code "42"}, so a wrong type must fail here.
     */
    private static final Map<String, Type> HEADER = Map.of("alg", Type.STRING, "kid", Type.STRING, "typ", Type.STRING);

    /**
     * Claims read by {@link TokenVerifier} and java-jwt's verifier. Each is checked on its own: {@code client_id} is
     * checked even when {@code azp} (which wins) is present, so no claim's type depends on which other claims exist.
     * {@code TOKEN_REQUIRED_CLAIMS} are only required to be present, with any type: their values are never read. The
     * claims that grant scopes depend on {@code SCOPE_CLAIMS} and are checked by {@link ScopeClaims}, with
     * {@link #plain}, right after decoding (still before any key lookup); a claim not configured there is not read.
     */
    private static final Map<String, Type> PAYLOAD = Map.of(
            "iss",
            Type.STRING,
            "sub",
            Type.STRING,
            "aud",
            Type.STRING_OR_STRINGS,
            "exp",
            Type.NUMBER,
            "nbf",
            Type.NUMBER,
            "iat",
            Type.NUMBER,
            "azp",
            Type.STRING,
            "client_id",
            Type.STRING);

    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();
    /** Strict UTF-8: bytes that are not UTF-8 are refused where {@code new String(bytes, UTF_8)} replaces them. */
    private static final ThreadLocal<CharsetDecoder> UTF8 = ThreadLocal.withInitial(() -> StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT));

    private static final boolean[] BASE64URL_OR_DOT = new boolean[256];

    /**
     * Duplicate members fail the parse; parse errors never quote the input (it holds claims). Otherwise Jackson's
     * defaults, as in java-jwt's mapper: no comments, no single quotes, no unescaped control characters, and the same
     * stream read constraints (nesting depth, number and string lengths).
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    static {
        for (char c = 'A'; c <= 'Z'; c++) {
            BASE64URL_OR_DOT[c] = true;
            BASE64URL_OR_DOT[Character.toLowerCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            BASE64URL_OR_DOT[c] = true;
        }
        BASE64URL_OR_DOT['-'] = true;
        BASE64URL_OR_DOT['_'] = true;
        BASE64URL_OR_DOT['.'] = true;
    }

    private TokenSyntax() {}

    /**
     * @throws TokenRejectedException if the token breaks any rule of this class (401); never with the token, a segment
     *     or a claim value in the message
     */
    static void check(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first <= 0 || second < 0 || token.indexOf('.', second + 1) >= 0 || second == first + 1) {
            throw malformed("The token does not have exactly three segments.");
        }
        // On a byte copy against a table (a character outside Latin-1 becomes '?', refused too): a per-char loop over
        // the
        // String costs several microseconds under Lambda's C1-only JIT.
        byte[] ascii = token.getBytes(StandardCharsets.ISO_8859_1);
        for (byte b : ascii) {
            if (!BASE64URL_OR_DOT[b & 0xFF]) {
                throw malformed("The token contains characters outside unpadded base64url.");
            }
        }
        canonical(token, 0, first);
        canonical(token, first + 1, second);
        canonical(token, second + 1, token.length());
        // java-jwt decodes a header or payload of JSON null into a null object and then fails with a
        // NullPointerException (a 500): both must be JSON objects, and exactly one each.
        object(ascii, 0, first, "header", HEADER, "header parameter");
        object(ascii, first + 1, second, "payload", PAYLOAD, "claim");
    }

    /**
     * The segment {@code token[from, to)} (already known to hold only base64url characters) is canonical unpadded
     * base64url: its length is not 1 mod 4 and the bits of its last character that encode no data are zero, so
     * decoding and re-encoding would give it back (a signature with padding, the standard alphabet, or altered unused
     * trailing bits is a different token string for the same bytes, and is refused rather than accepted).
     */
    private static void canonical(String token, int from, int to) {
        int unusedBits = switch ((to - from) % 4) {
            case 0 -> 0;
            case 2 -> 4;
            case 3 -> 2;
            default -> -1;
        };
        if (unusedBits < 0) {
            throw malformed("A token segment is not valid base64url.");
        }
        if (unusedBits > 0 && (base64UrlValue(token.charAt(to - 1)) & ((1 << unusedBits) - 1)) != 0) {
            throw malformed("A token segment is not canonical base64url.");
        }
    }

    private static int base64UrlValue(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : 63;
    }

    /**
     * The segment {@code ascii[from, to)} (the token's characters as bytes) is one JSON object and nothing else; its
     * {@code schema} members are typed.
     */
    private static void object(byte[] ascii, int from, int to, String part, Map<String, Type> schema, String member) {
        CharBuffer json;
        try {
            // decode() resets the decoder first; one per thread saves building one per segment.
            json = UTF8.get().decode(BASE64URL.decode(ByteBuffer.wrap(ascii, from, to - from)));
        } catch (CharacterCodingException e) {
            throw malformed("The token's " + part + " is not UTF-8.");
        }
        try (JsonParser parser =
                JSON.createParser(json.array(), json.arrayOffset() + json.position(), json.remaining())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw malformed("The token's " + part + " must be a JSON object.");
            }
            JsonToken next;
            while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                Type type = schema.get(name);
                if (type != null && value != JsonToken.VALUE_NULL) {
                    typed(parser, value, type, name, member);
                } else {
                    parser.skipChildren();
                }
            }
            if (next != JsonToken.END_OBJECT) {
                throw malformed("The token's " + part + " must be a JSON object.");
            }
            if (parser.nextToken() != null) {
                throw malformed("The token's " + part + " must be exactly one JSON object, with nothing after it.");
            }
        } catch (IOException e) {
            // Includes Jackson's duplicate-member and stream-constraint errors; their messages hold no input.
            throw new TokenRejectedException(
                    Reason.MALFORMED_TOKEN,
                    "The token's " + part + " is not one JSON object with distinct member names.",
                    null,
                    null,
                    e);
        }
    }

    private static void typed(JsonParser parser, JsonToken value, Type type, String name, String member)
            throws IOException {
        boolean ok = switch (type) {
            case NUMBER -> value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT;
            case STRING -> value == JsonToken.VALUE_STRING && plain(parser.getText(), name, member);
            case STRING_OR_STRINGS ->
                value == JsonToken.VALUE_STRING
                        ? plain(parser.getText(), name, member)
                        : strings(parser, value, name, member);
        };
        if (!ok) {
            throw new TokenRejectedException(
                    Reason.INVALID_CLAIM, "The token's '" + name + "' " + member + " must be " + type.expected + ".");
        }
    }

    /** An array of strings (consumed to its end), or false without consuming anything else. */
    private static boolean strings(JsonParser parser, JsonToken value, String name, String member) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            return false;
        }
        JsonToken element;
        while ((element = parser.nextToken()) == JsonToken.VALUE_STRING) {
            plain(parser.getText(), name, member);
        }
        return element == JsonToken.END_ARRAY;
    }

    /**
     * True, or a rejection if {@code value} holds a C0 or C1 control character or a Unicode line/paragraph separator:
     * these values become {@code principalId}, context values that services read, and log fields, where such characters
     * forge lines or fields.
     */
    static boolean plain(String value, String name, String member) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029) {
                throw new TokenRejectedException(
                        Reason.CONTROL_CHARACTER,
                        "The token's '" + name + "' " + member + " contains a control character (U+"
                                + String.format("%04X", (int) c) + ").");
            }
        }
        return true;
    }

    private static TokenRejectedException malformed(String message) {
        return new TokenRejectedException(Reason.MALFORMED_TOKEN, message);
    }
}

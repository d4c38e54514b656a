package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.gatehouse.authorizer.exceptions.UnauthorizedException;
import dev.gatehouse.authorizer.keys.JwksKeySource;
import dev.gatehouse.authorizer.keys.KeySetStats;
import dev.gatehouse.authorizer.policy.PolicyFactory;
import dev.gatehouse.authorizer.policy.RouteSamples;
import dev.gatehouse.authorizer.testing.RawTokens;
import dev.gatehouse.authorizer.testing.TestKeys;
import dev.gatehouse.authorizer.token.TokenRules;
import dev.gatehouse.authorizer.token.TokenVerifier;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing (Jazzer) of the token path through the REST handler: whatever the Authorization value, the
 * outcome is a policy for the genuine token or exactly {@code Unauthorized} (never another exception, so never a 500),
 * and every decision writes one log line without raw control characters.
 *
 * <p>{@code ./mvnw verify} runs each {@code @FuzzTest} in regression mode on the committed inputs under
 * {@code src/test/resources/dev/gatehouse/authorizer/TokenFuzzTestInputs/<method>/} (and the empty input); with
 * {@code JAZZER_FUZZ=1} one of them fuzzes, coverage-guided, for at most its {@code maxDuration} (authorizer/README.md
 * has the command), and a failing input is written to that directory, to be committed as a regression test.
 *
 * <p>The inputs are bytes in formats fixed here (not Jazzer's {@code FuzzedDataProvider}, whose encoding is not meant
 * to be written by hand) so that a person can read and add them: see each method.
 */
class TokenFuzzTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final TestKeys KEYS = TestKeys.generate("key-1");
    /** Committed inputs refer to the run's genuine token (its key is generated per run) by this placeholder. */
    private static final String GENUINE_PLACEHOLDER = "$T";

    private static final String VALID = KEYS.sign(KEYS.token(NOW));
    private static final String PRINCIPAL = "m2m-client@clients";
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.+/= ";
    private static final String DEFAULT_HEADER = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"key-1\"}";
    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x1F\\x7F-\\x9F\\u2028\\u2029]");
    /** An independent, strict reader of header and payload: the oracle for what may be allowed. */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final List<String> LOG = new ArrayList<>();
    private static final AuthorizerHandler HANDLER = handler();

    private static AuthorizerHandler handler() {
        AuthorizerConfig config = AuthorizerConfig.of(
                TestKeys.ISSUER,
                URI.create("https://gatehouse-test.auth0.com/.well-known/jwks.json"),
                List.of(TestKeys.AUDIENCE));
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        TokenVerifier verifier = new TokenVerifier(
                config.issuers(),
                config.tokens(),
                issuer -> new JwksKeySource(issuer, TestKeys.fetcher(KEYS), config.keySets(), clock, new KeySetStats()),
                clock);
        return new AuthorizerHandler(
                new Authorizer(verifier, new PolicyFactory(RouteSamples.wholeStage()), new DecisionLog(LOG::add)));
    }

    /**
     * The handler's policy for {@code authorization}, or empty for exactly {@code Unauthorized}; anything else fails.
     */
    private static Optional<IamPolicyResponseV1> decide(String authorization) {
        APIGatewayCustomAuthorizerEvent event = new APIGatewayCustomAuthorizerEvent();
        event.setType("TOKEN");
        event.setMethodArn("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/hello-world");
        event.setAuthorizationToken(authorization);
        LOG.clear();
        Optional<IamPolicyResponseV1> outcome;
        try {
            outcome = Optional.of(HANDLER.handleRequest(event, null));
        } catch (UnauthorizedException e) {
            assertThat(e).hasMessage("Unauthorized");
            outcome = Optional.empty();
        }
        assertThat(LOG)
                .singleElement()
                .satisfies(line -> assertThat(CONTROL.matcher(line).find())
                        .as("raw control character in %s", line)
                        .isFalse());
        outcome.ifPresent(response -> {
            assertThat(CONTROL.matcher(response.getPrincipalId()).find()).isFalse();
            response.getContext()
                    .values()
                    .forEach(value -> assertThat(
                                    CONTROL.matcher(String.valueOf(value)).find())
                            .as("context value")
                            .isFalse());
        });
        return outcome;
    }

    @Test
    void shouldAllowTheGenuineTokenThatTheFuzzTestsMutate() {
        assertThat(decide("Bearer " + VALID))
                .hasValueSatisfying(
                        response -> assertThat(response.getPrincipalId()).isEqualTo(PRINCIPAL));
    }

    /**
     * Input: the Authorization value as UTF-8 (malformed bytes become U+FFFD), with each {@value #GENUINE_PLACEHOLDER}
     * replaced by the genuine token. Allowed only if it is {@code Bearer}, in any case, then spaces and the genuine
     * token, with surrounding whitespace.
     */
    @FuzzTest(maxDuration = "5m")
    void authorizationValue(byte[] input) {
        String authorization = new String(input, StandardCharsets.UTF_8).replace(GENUINE_PLACEHOLDER, VALID);

        Optional<IamPolicyResponseV1> outcome = decide(authorization);

        if (outcome.isPresent()) {
            assertThat(authorization.strip())
                    .as("allowed Authorization value")
                    .matches("(?i)bearer +" + Pattern.quote(VALID));
            assertThat(outcome.get().getPrincipalId()).isEqualTo(PRINCIPAL);
        }
    }

    /**
     * Input: a program of edits to the genuine token, 4 bytes each ({@code op, position high, position low, char});
     * op mod 5: 0 replace, 1 insert, 2 delete, 3 truncate at the position, 4 permute the segments (position mod 6). The
     * char is the byte itself below 0x80, else one of the base64url alphabet and {@code +/= }. Any other string than
     * the genuine token is {@code Unauthorized}.
     */
    @FuzzTest(maxDuration = "5m")
    void mutatedToken(byte[] input) {
        String mutated = mutate(VALID, input);

        Optional<IamPolicyResponseV1> outcome = decide("Bearer " + mutated);

        if (mutated.equals(VALID)) {
            assertThat(outcome)
                    .hasValueSatisfying(
                            response -> assertThat(response.getPrincipalId()).isEqualTo(PRINCIPAL));
        } else {
            assertThat(outcome).as("a mutated token").isEmpty();
        }
    }

    static String mutate(String token, byte[] program) {
        StringBuilder text = new StringBuilder(token);
        for (int i = 0; i + 3 < program.length; i += 4) {
            int op = (program[i] & 0xFF) % 5;
            int position = ((program[i + 1] & 0xFF) << 8 | (program[i + 2] & 0xFF)) % (text.length() + 1);
            int b = program[i + 3] & 0xFF;
            char c = b < 0x80 ? (char) b : ALPHABET.charAt(b % ALPHABET.length());
            switch (op) {
                case 0 -> {
                    if (position < text.length()) {
                        text.setCharAt(position, c);
                    }
                }
                case 1 -> text.insert(position, c);
                case 2 -> {
                    if (position < text.length()) {
                        text.deleteCharAt(position);
                    }
                }
                case 3 -> text.setLength(position);
                default -> {
                    String[] parts = text.toString().split("\\.", -1);
                    if (parts.length == 3) {
                        int[][] orders = {{0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}, {0, 0, 2}};
                        int[] order = orders[position % orders.length];
                        text.setLength(0);
                        text.append(parts[order[0]])
                                .append('.')
                                .append(parts[order[1]])
                                .append('.')
                                .append(parts[order[2]]);
                    }
                }
            }
        }
        return text.toString();
    }

    /**
     * Input: header JSON, a 0xFF byte, payload JSON (0xFF never occurs in UTF-8); without 0xFF, all of it is the
     * payload under the usual header. Signed by the trusted key, so only syntax and claims can refuse it. Allowed only
     * if a strict, independent reading finds exactly one object per part with RS256, kid key-1, no crit, the issuer,
     * the audience, an unexpired numeric exp and a string sub that became the principal.
     */
    @FuzzTest(maxDuration = "5m")
    void signedHeaderAndPayload(byte[] input) {
        int split = indexOf(input, (byte) 0xFF);
        byte[] header = split < 0 ? DEFAULT_HEADER.getBytes(StandardCharsets.UTF_8) : Arrays.copyOf(input, split);
        byte[] payload = split < 0 ? input : Arrays.copyOfRange(input, split + 1, input.length);
        String token = RawTokens.rs256(header, payload, KEYS.privateKey);

        Optional<IamPolicyResponseV1> outcome = decide("Bearer " + token);

        if (outcome.isPresent()) {
            JsonNode h = strictObject(header);
            JsonNode p = strictObject(payload);
            assertThat(h.path("alg").isTextual() && h.path("alg").asText().equals("RS256"))
                    .as("alg")
                    .isTrue();
            assertThat(h.path("kid").isTextual() && h.path("kid").asText().equals("key-1"))
                    .as("kid")
                    .isTrue();
            assertThat(h.has("crit")).as("crit").isFalse();
            assertThat(p.path("iss").isTextual() && p.path("iss").asText().equals(TestKeys.ISSUER))
                    .as("iss")
                    .isTrue();
            JsonNode aud = p.path("aud");
            assertThat(
                            aud.isTextual()
                                    ? aud.asText().equals(TestKeys.AUDIENCE)
                                    : aud.isArray()
                                            && aud.valueStream().allMatch(JsonNode::isTextual)
                                            && aud.valueStream()
                                                    .anyMatch(a -> a.asText().equals(TestKeys.AUDIENCE)))
                    .as("aud")
                    .isTrue();
            assertThat(p.path("exp").isNumber()
                            && p.path("exp").asLong() >= NOW.getEpochSecond() - TokenRules.DEFAULT_LEEWAY.toSeconds())
                    .as("exp")
                    .isTrue();
            assertThat(p.path("sub").isTextual()).as("sub").isTrue();
            assertThat(outcome.get().getPrincipalId()).isEqualTo(p.path("sub").asText());
        }
    }

    private static JsonNode strictObject(byte[] json) {
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(json))
                    .toString();
            JsonNode node = STRICT.readTree(text);
            assertThat(node).as("allowed part").isNotNull();
            assertThat(node.isObject()).as("allowed part is an object").isTrue();
            return node;
        } catch (CharacterCodingException e) {
            return fail("an allowed part is not UTF-8", e);
        } catch (IOException e) {
            return fail("an allowed part is not one strict JSON object", e);
        }
    }

    private static int indexOf(byte[] bytes, byte value) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }
}

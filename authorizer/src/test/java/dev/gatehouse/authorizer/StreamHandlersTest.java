package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.IamPolicyResponse;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.authorizer.exceptions.InvalidEventException;
import dev.gatehouse.authorizer.exceptions.KeySetFailure;
import dev.gatehouse.authorizer.exceptions.KeySetFetchException;
import dev.gatehouse.authorizer.exceptions.KeysUnavailableException;
import dev.gatehouse.authorizer.exceptions.UnauthorizedException;
import dev.gatehouse.authorizer.keys.JwksFetcher;
import dev.gatehouse.authorizer.policy.PolicyFactory;
import dev.gatehouse.authorizer.policy.RouteSamples;
import dev.gatehouse.authorizer.policy.RouteScopes;
import dev.gatehouse.authorizer.testing.RuntimeSerialization;
import dev.gatehouse.authorizer.testing.TestKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stream entry points answer exactly as the event-object handlers do under the Lambda runtime's own serializer
 * (aws-lambda-java-serialization, as the runtime client uses it): the same JSON for every answer, the same failures.
 */
class StreamHandlersTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final TestKeys KEYS = TestKeys.generate("key-1");
    private static final TestKeys STRANGER = TestKeys.generate("key-1");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RouteScopes ROUTES = RouteSamples.table(
            "{\"GET /hello-world\":[],\"GET /orders\":[\"read:orders\"],\"POST /orders\":[\"write:orders\"]}");

    private final FakeContext context = new FakeContext();

    private static Authorizer authorizer(JwksFetcher keys, RouteScopes routes) {
        return TestAuthorizers.authorizer(keys, NOW, new PolicyFactory(routes), line -> {});
    }

    private static JwksFetcher down() {
        return uri -> {
            throw new KeySetFetchException(KeySetFailure.TIMEOUT, "timed out", null);
        };
    }

    private static String event(String name, String token) {
        try {
            return Files.readString(Events.dir().resolve(name), StandardCharsets.UTF_8)
                    .replace("ACCESS_TOKEN", token);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode stream(StreamCall call, String event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        call.handle(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out);
        return JSON.readTree(out.toByteArray());
    }

    interface StreamCall {
        void handle(ByteArrayInputStream in, ByteArrayOutputStream out) throws IOException;
    }

    @ParameterizedTest
    @ValueSource(strings = {"authorizer-token.json", "authorizer-request.json"})
    void shouldAnswerARestEventWithTheJsonTheRuntimeWritesForTheEventHandler(String name) throws IOException {
        AuthorizerHandler objects = new AuthorizerHandler(authorizer(TestKeys.fetcher(KEYS), ROUTES));
        AuthorizerStreamHandler streams = new AuthorizerStreamHandler(objects);
        String event = event(name, KEYS.sign(KEYS.token(NOW)));

        JsonNode expected = RuntimeSerialization.toJson(
                objects.handleRequest(Events.restAuthorizerEventJson(event), context), IamPolicyResponseV1.class);

        assertThat(stream((in, out) -> streams.handleRequest(in, out, context), event))
                .isEqualTo(expected);
        assertThat(expected.path("policyDocument").path("Statement")).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"authorizer-http-api.json"})
    void shouldAnswerAnHttpApiEventWithTheJsonTheRuntimeWritesForTheEventHandlers(String name) throws IOException {
        String event = event(name, KEYS.sign(KEYS.token(NOW)));
        HttpApiIamAuthorizerHandler iam = new HttpApiIamAuthorizerHandler(authorizer(TestKeys.fetcher(KEYS), ROUTES));
        HttpApiAuthorizerHandler simple =
                new HttpApiAuthorizerHandler(authorizer(TestKeys.fetcher(KEYS), RouteSamples.wholeStage()));

        JsonNode expectedIam = RuntimeSerialization.toJson(
                iam.handleRequest(Events.httpApiAuthorizerEvent(name, KEYS.sign(KEYS.token(NOW))), context),
                IamPolicyResponse.class);
        JsonNode expectedSimple = RuntimeSerialization.toJson(
                simple.handleRequest(Events.httpApiAuthorizerEvent(name, KEYS.sign(KEYS.token(NOW))), context),
                SimpleIAMPolicyResponse.class);

        HttpApiIamAuthorizerStreamHandler iamStreams = new HttpApiIamAuthorizerStreamHandler(iam);
        HttpApiAuthorizerStreamHandler simpleStreams = new HttpApiAuthorizerStreamHandler(simple);
        assertThat(stream((in, out) -> iamStreams.handleRequest(in, out, context), event))
                .isEqualTo(expectedIam);
        assertThat(stream((in, out) -> simpleStreams.handleRequest(in, out, context), event))
                .isEqualTo(expectedSimple);
        assertThat(expectedSimple.path("isAuthorized").asBoolean()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"authorizer-http-api.json"})
    void shouldRefuseATokenOfAnotherKeyAsTheEventHandlersDo(String name) throws IOException {
        String event = event(name, STRANGER.sign(STRANGER.token(NOW)));
        HttpApiAuthorizerHandler simple =
                new HttpApiAuthorizerHandler(authorizer(TestKeys.fetcher(KEYS), RouteSamples.wholeStage()));
        JsonNode expected = RuntimeSerialization.toJson(
                simple.handleRequest(Events.httpApiAuthorizerEvent(name, STRANGER.sign(STRANGER.token(NOW))), context),
                SimpleIAMPolicyResponse.class);

        HttpApiAuthorizerStreamHandler streams = new HttpApiAuthorizerStreamHandler(simple);
        assertThat(stream((in, out) -> streams.handleRequest(in, out, context), event))
                .isEqualTo(expected);
        assertThat(expected.path("isAuthorized").asBoolean()).isFalse();

        HttpApiIamAuthorizerStreamHandler iam = new HttpApiIamAuthorizerStreamHandler(
                new HttpApiIamAuthorizerHandler(authorizer(TestKeys.fetcher(KEYS), ROUTES)));
        assertThatThrownBy(() -> stream((in, out) -> iam.handleRequest(in, out, context), event))
                .isExactlyInstanceOf(UnauthorizedException.class)
                .hasMessage("Unauthorized");
    }

    @ParameterizedTest
    @ValueSource(strings = {"authorizer-token.json", "authorizer-request.json"})
    void shouldRefuseABadTokenWithExactlyUnauthorized(String name) {
        AuthorizerStreamHandler streams =
                new AuthorizerStreamHandler(new AuthorizerHandler(authorizer(TestKeys.fetcher(KEYS), ROUTES)));

        assertThatThrownBy(() -> stream(
                        (in, out) -> streams.handleRequest(in, out, context),
                        event(name, STRANGER.sign(STRANGER.token(NOW)))))
                .isExactlyInstanceOf(UnauthorizedException.class)
                .hasMessage("Unauthorized");
    }

    @ParameterizedTest
    @ValueSource(strings = {"authorizer-token.json", "authorizer-request.json", "authorizer-http-api.json"})
    void shouldErrorWhenTheKeysAreUnavailable(String name) {
        String event = event(name, KEYS.sign(KEYS.token(NOW)));
        AuthorizerStreamHandler rest = new AuthorizerStreamHandler(new AuthorizerHandler(authorizer(down(), ROUTES)));
        HttpApiAuthorizerStreamHandler simple = new HttpApiAuthorizerStreamHandler(
                new HttpApiAuthorizerHandler(authorizer(down(), RouteSamples.wholeStage())));

        StreamCall call = name.contains("http-api")
                ? (in, out) -> simple.handleRequest(in, out, context)
                : (in, out) -> rest.handleRequest(in, out, context);
        assertThatThrownBy(() -> stream(call, event)).isInstanceOf(KeysUnavailableException.class);
    }

    /** Input the runtime's serializer would refuse or misread is an unusable event (500), and no token is quoted. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "null",
                "[1, 2]",
                "{\"type\": \"TOKEN\", \"methodArn\": \"arn:aws:execute-api:us-east-1:1:a/dev/GET/x\", "
                        + "\"authorizationToken\": {\"Bearer\": \"SECRET-TOKEN\"}}",
                "{\"type\": \"REQUEST\", \"methodArn\": \"arn:aws:execute-api:us-east-1:1:a/dev/GET/x\", "
                        + "\"headers\": [\"Authorization: Bearer SECRET-TOKEN\"]}",
                "{\"type\": \"REQUEST\", \"methodArn\": \"arn:aws:execute-api:us-east-1:1:a/dev/GET/x\", "
                        + "\"multiValueHeaders\": {\"Authorization\": \"Bearer SECRET-TOKEN\"}}",
                "{\"type\": \"TOKEN\", \"authorizationToken\": \"Bearer SECRET-TOKEN\" SECRET-TOKEN}",
                "{\"type\": \"TOKEN\", \"methodArn\": \"arn:aws:execute-api:us-east-1:1:a/dev/GET/x\", "
                        + "\"authorizationToken\": \"Bearer SECRET-TOKEN\", \"authorizationToken\": \"Bearer x\"}",
                "{\"type\": \"TOKEN\", \"methodArn\": \"not-an-arn\", \"authorizationToken\": \"Bearer SECRET-TOKEN\"}",
                // A readable event followed by a second one: refused as a whole, not read up to the first.
                "{\"type\": \"TOKEN\", \"methodArn\": \"arn:aws:execute-api:us-east-1:1:a/dev/GET/x\", "
                        + "\"authorizationToken\": \"Bearer SECRET-TOKEN\"} {\"type\": \"TOKEN\"}"
            })
    void shouldRefuseAnEventItCannotReadWithoutQuotingIt(String event) {
        AuthorizerStreamHandler streams =
                new AuthorizerStreamHandler(new AuthorizerHandler(authorizer(TestKeys.fetcher(KEYS), ROUTES)));

        assertThatThrownBy(() -> stream((in, out) -> streams.handleRequest(in, out, context), event))
                .isInstanceOf(InvalidEventException.class)
                .message()
                .doesNotContain("SECRET-TOKEN");
    }

    @Test
    void shouldSayWhereAnEventStoppedParsingWhenJacksonKnows() {
        AuthorizerStreamHandler streams =
                new AuthorizerStreamHandler(new AuthorizerHandler(authorizer(TestKeys.fetcher(KEYS), ROUTES)));

        // The runtime hands the event over as bytes: Jackson knows the byte offset, not a character offset.
        assertThatThrownBy(() -> stream((in, out) -> streams.handleRequest(in, out, context), "{\"type\": }"))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("The authorizer event is not valid JSON (at byte 9).");
        // Limit errors (a string too long, nesting too deep) carry no location: the message says nothing of it.
        assertThat(StreamEvents.position(new StreamConstraintsException("too long")))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"version\": \"2.0\", \"routeArn\": \"arn:aws:execute-api:us-east-1:1:a/dev/GET/x\", "
                        + "\"identitySource\": \"Bearer SECRET-TOKEN\"}",
                "{\"version\": \"2.0\", \"routeArn\": \"arn:aws:execute-api:us-east-1:1:a/dev/GET/x\", "
                        + "\"identitySource\": [{\"value\": \"Bearer SECRET-TOKEN\"}]}",
                "{\"version\": \"1.0\", \"routeArn\": \"arn:aws:execute-api:us-east-1:1:a/dev/GET/x\", "
                        + "\"identitySource\": [\"Bearer SECRET-TOKEN\"]}"
            })
    void shouldRefuseAnHttpApiEventItCannotReadWithoutQuotingIt(String event) {
        HttpApiIamAuthorizerStreamHandler streams = new HttpApiIamAuthorizerStreamHandler(
                new HttpApiIamAuthorizerHandler(authorizer(TestKeys.fetcher(KEYS), ROUTES)));

        assertThatThrownBy(() -> stream((in, out) -> streams.handleRequest(in, out, context), event))
                .isInstanceOf(InvalidEventException.class)
                .message()
                .doesNotContain("SECRET-TOKEN");
    }
}

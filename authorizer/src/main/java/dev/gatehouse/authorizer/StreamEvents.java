package dev.gatehouse.authorizer;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponse;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.authorizer.exceptions.InvalidEventException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Authorizer events in and answers out on the streams the Lambda runtime hands a {@link RequestStreamHandler}, with
 * the jackson-databind that java-jwt already loads, so that the runtime interface client never builds its own
 * serialization stack (its shaded Jackson and the events' mix-ins: ~680 classes at the first invocation).
 *
 * <p>An event is read as a tree and only the members the readers use are taken: {@code type}, {@code methodArn},
 * {@code authorizationToken}, {@code headers} and {@code multiValueHeaders} of a REST event; {@code version},
 * {@code routeArn}, {@code identitySource} and {@code headers} of an HTTP API event. A scalar where a string is
 * expected is read as its text, as the runtime's Jackson coerces it; any other shape (an object for a string, an
 * array for {@code headers}, input that is not one JSON object) is an unusable event: a 500, never a guess. Error
 * messages name the member, never its value, as the value may be a token. Answers are written with exactly the
 * members the runtime's serializer writes for the library's response types ({@code StreamHandlersTest} compares
 * the two for every answer).
 */
final class StreamEvents {

    /** Null members and null map values left out, as the runtime's serializer does ({@code "Condition": null}). */
    private static final ObjectMapper JSON = new ObjectMapper()
            .setDefaultPropertyInclusion(JsonInclude.Value.construct(Include.NON_NULL, Include.NON_NULL))
            // API Gateway never repeats a member; an event that does is not one to guess about (500).
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            // One event per invocation: anything after the object (a second object, stray text) is refused too.
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private StreamEvents() {}

    /** The REST ({@code TOKEN} or {@code REQUEST}) event on {@code in}, as {@link AuthorizerHandler} reads it. */
    static AuthorizationRequest readRest(InputStream in) {
        try {
            ObjectNode event = object(in);
            RestAuthorizerEvent rest = new RestAuthorizerEvent();
            rest.setType(textOf(event, "type"));
            rest.setMethodArn(textOf(event, "methodArn"));
            rest.setAuthorizationToken(textOf(event, "authorizationToken"));
            rest.setHeaders(textMap(event, "headers"));
            rest.setMultiValueHeaders(listMap(event, "multiValueHeaders"));
            return RestAuthorizerEvents.read(rest, rest.getMultiValueHeaders());
        } catch (InvalidEventException e) {
            return AuthorizationRequest.unreadable(null, e);
        }
    }

    /** The HTTP API (payload 2.0) event on {@code in}, as the HTTP API handlers read it. */
    static AuthorizationRequest readHttpApi(InputStream in) {
        try {
            ObjectNode event = object(in);
            APIGatewayV2CustomAuthorizerEvent http = new APIGatewayV2CustomAuthorizerEvent();
            http.setVersion(textOf(event, "version"));
            http.setRouteArn(textOf(event, "routeArn"));
            http.setIdentitySource(textListOf(event, "identitySource"));
            http.setHeaders(textMap(event, "headers"));
            return HttpApiEvents.read(http);
        } catch (InvalidEventException e) {
            return AuthorizationRequest.unreadable(null, e);
        }
    }

    /** Writes a REST answer as the runtime writes {@link IamPolicyResponseV1}. */
    static void write(IamPolicyResponseV1 answer, OutputStream out) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("principalId", answer.getPrincipalId());
        json.put("policyDocument", answer.getPolicyDocument());
        json.put("context", answer.getContext());
        json.put("usageIdentifierKey", answer.getUsageIdentifierKey());
        write(json, out);
    }

    /** Writes an HTTP API IAM answer as the runtime writes {@link IamPolicyResponse}. */
    static void write(IamPolicyResponse answer, OutputStream out) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("principalId", answer.getPrincipalId());
        json.put("policyDocument", answer.getPolicyDocument());
        json.put("context", answer.getContext());
        write(json, out);
    }

    /** Writes an HTTP API simple answer as the runtime writes {@link SimpleIAMPolicyResponse}. */
    static void write(SimpleIAMPolicyResponse answer, OutputStream out) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("isAuthorized", answer.getIsAuthorized());
        json.put("context", answer.getContext());
        write(json, out);
    }

    private static void write(Map<String, Object> answer, OutputStream out) {
        try {
            JSON.writeValue(out, answer);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the authorizer's answer to the runtime", e);
        }
    }

    /**
     * Where parsing stopped, for the error message: the event arrives as bytes, so Jackson knows the byte offset (its
     * character offset is -1); limits errors such as a too-long string carry no location at all.
     */
    static String position(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        if (at == null) {
            return "";
        }
        if (at.getByteOffset() >= 0) {
            return " (at byte " + at.getByteOffset() + ")";
        }
        return at.getCharOffset() >= 0 ? " (at character " + at.getCharOffset() + ")" : "";
    }

    private static ObjectNode object(InputStream in) {
        JsonNode tree;
        try {
            tree = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the input it stumbled on, which may be a token: only the position is kept.
            throw new InvalidEventException("The authorizer event is not valid JSON" + position(e) + ".", null);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the authorizer event from the runtime", e);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new InvalidEventException("The authorizer received no event.", null);
        }
        if (!(tree instanceof ObjectNode event)) {
            throw new InvalidEventException(
                    "The authorizer event must be a JSON object, got " + kind(tree) + ".", null);
        }
        return event;
    }

    private static String textOf(JsonNode parent, String name) {
        return text(parent.get(name), name);
    }

    private static String text(JsonNode value, String name) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw new InvalidEventException(
                    "The authorizer event's '" + name + "' must be a string, got " + kind(value) + ".", null);
        }
        return value.asText();
    }

    private static Map<String, String> textMap(JsonNode parent, String name) {
        JsonNode value = object(parent, name);
        if (value == null) {
            return null;
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
            map.put(entry.getKey(), text(entry.getValue(), name + "." + entry.getKey()));
        }
        return map;
    }

    private static Map<String, List<String>> listMap(JsonNode parent, String name) {
        JsonNode value = object(parent, name);
        if (value == null) {
            return null;
        }
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
            map.put(entry.getKey(), textList(entry.getValue(), name + "." + entry.getKey()));
        }
        return map;
    }

    private static List<String> textListOf(JsonNode parent, String name) {
        return textList(parent.get(name), name);
    }

    private static List<String> textList(JsonNode value, String name) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw new InvalidEventException(
                    "The authorizer event's '" + name + "' must be an array of strings, got " + kind(value) + ".",
                    null);
        }
        List<String> list = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            list.add(text(item, name + "[]"));
        }
        return list;
    }

    private static JsonNode object(JsonNode parent, String name) {
        JsonNode value = parent.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw new InvalidEventException(
                    "The authorizer event's '" + name + "' must be a JSON object, got " + kind(value) + ".", null);
        }
        return value;
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}

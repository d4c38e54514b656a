package dev.gatehouse.authorizer;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads the shared sample events from {@code events/}, deserialized by the Lambda runtime's own serializer. */
final class Events {

    private Events() {}

    static Path dir() {
        String dir = System.getProperty("gatehouse.events.dir");
        if (dir == null) {
            throw new IllegalStateException(
                    "system property gatehouse.events.dir is not set; run the tests through Maven");
        }
        return Path.of(dir);
    }

    /** Loads {@code name} from {@code events/}, with the {@code ACCESS_TOKEN} placeholder replaced by {@code token}. */
    static APIGatewayCustomAuthorizerEvent authorizerEvent(String name, String token) {
        try {
            String json = Files.readString(dir().resolve(name), StandardCharsets.UTF_8)
                    .replace("ACCESS_TOKEN", token);
            Path file = Files.createTempFile("event-", ".json");
            try {
                Files.writeString(file, json, StandardCharsets.UTF_8);
                return EventLoader.loadAPIGatewayCustomAuthorizerEvent(file.toString());
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read event " + name, e);
        }
    }

    /**
     * Loads a REST authorizer event from {@code events/} as the Lambda runtime builds {@link AuthorizerHandler}'s input
     * type, {@link RestAuthorizerEvent}: no library event, so the runtime's plain POJO serializer.
     */
    static RestAuthorizerEvent restAuthorizerEvent(String name, String token) {
        try {
            return restAuthorizerEventJson(Files.readString(dir().resolve(name), StandardCharsets.UTF_8)
                    .replace("ACCESS_TOKEN", token));
        } catch (IOException e) {
            throw new AssertionError("cannot read event " + name, e);
        }
    }

    static RestAuthorizerEvent restAuthorizerEventJson(String json) {
        return JacksonFactory.getInstance()
                .getSerializer(RestAuthorizerEvent.class)
                .fromJson(json);
    }

    /**
     * Loads an HTTP API (payload 2.0) authorizer event from {@code events/}, {@code ACCESS_TOKEN} replaced by
     * {@code token}.
     */
    static APIGatewayV2CustomAuthorizerEvent httpApiAuthorizerEvent(String name, String token) {
        try {
            String json = Files.readString(dir().resolve(name), StandardCharsets.UTF_8)
                    .replace("ACCESS_TOKEN", token);
            return LambdaEventSerializers.serializerFor(
                            APIGatewayV2CustomAuthorizerEvent.class, Events.class.getClassLoader())
                    .fromJson(json);
        } catch (IOException e) {
            throw new AssertionError("cannot read event " + name, e);
        }
    }
}

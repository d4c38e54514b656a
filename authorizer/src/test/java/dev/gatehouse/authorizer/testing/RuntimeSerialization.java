package dev.gatehouse.authorizer.testing;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** Serializes a handler result the way the Lambda Java runtime does, so tests see the JSON API Gateway receives. */
public final class RuntimeSerialization {

    private RuntimeSerialization() {}

    public static <T> JsonNode toJson(T value, Class<T> type) {
        PojoSerializer<T> serializer = LambdaEventSerializers.isLambdaSupportedEvent(type.getName())
                ? LambdaEventSerializers.serializerFor(type, type.getClassLoader())
                : JacksonFactory.getInstance().getSerializer(type);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        serializer.toJson(value, out);
        try {
            return new ObjectMapper().readTree(out.toByteArray());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}

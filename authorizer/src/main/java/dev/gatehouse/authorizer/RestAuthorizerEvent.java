package dev.gatehouse.authorizer;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import java.util.List;
import java.util.Map;

/**
 * A REST API authorizer event ({@code TOKEN} or {@code REQUEST}) with the {@code multiValueHeaders} that API Gateway
 * sends with {@code REQUEST} events but the library's {@link APIGatewayCustomAuthorizerEvent} has no field for
 * (<a href="https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html">Input
 * to an API Gateway Lambda authorizer</a>: a {@code REQUEST} event carries {@code headers} and
 * {@code multiValueHeaders}). Without it, a request with two different {@code Authorization} headers would be decided
 * on the one that {@code headers} happens to keep.
 *
 * <p>A mutable bean, as the Lambda runtime's serializer builds its input types with a no-argument constructor and
 * setters; it is only read.
 */
public class RestAuthorizerEvent extends APIGatewayCustomAuthorizerEvent {

    private Map<String, List<String>> multiValueHeaders;

    /** Used by the Lambda runtime's serializer. */
    public RestAuthorizerEvent() {}

    /** Every value of every header, by name as sent; null for {@code TOKEN} events. */
    public Map<String, List<String>> getMultiValueHeaders() {
        return multiValueHeaders;
    }

    public void setMultiValueHeaders(Map<String, List<String>> multiValueHeaders) {
        this.multiValueHeaders = multiValueHeaders;
    }
}

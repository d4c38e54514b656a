package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The HTTP API (payload 2.0, simple responses) authorizer as a {@link RequestStreamHandler}: the same decisions and the
 * same JSON as {@link HttpApiAuthorizerHandler}, which it delegates to, but the event is read and the answer written by
 * {@link StreamEvents} with the Jackson the authorizer already loads, so the Lambda runtime client builds no serializer
 * of its own at the first invocation. The handler to deploy ({@code infra/serverless.yml});
 * {@link HttpApiAuthorizerHandler} stays for callers that hold event objects.
 */
public final class HttpApiAuthorizerStreamHandler implements RequestStreamHandler {

    private final HttpApiAuthorizerHandler handler;

    /**
     * Used by the Lambda runtime: as {@link HttpApiAuthorizerHandler#HttpApiAuthorizerHandler()}, once per container.
     */
    public HttpApiAuthorizerStreamHandler() {
        this(new HttpApiAuthorizerHandler());
    }

    HttpApiAuthorizerStreamHandler(HttpApiAuthorizerHandler handler) {
        this.handler = requireNonNull(handler, "handler is null");
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        StreamEvents.write(handler.answer(StreamEvents.readHttpApi(input), context), output);
    }
}

package dev.gatehouse.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.authorizer.AuthorizerHandler;

/**
 * The plain-process cold-start shape, the same as the Node peers': start, build the authorizer from the environment,
 * fetch the JWKS, verify the token in {@code TOKEN}, print the policy, exit. Runs on authorizer.jar plus this class,
 * with ACCP's library on {@code LD_LIBRARY_PATH} as Lambda has it (bench/run).
 */
public final class ColdStartMain {

    private ColdStartMain() {}

    public static void main(String[] args) throws Exception {
        AuthorizerHandler handler = new AuthorizerHandler();
        APIGatewayCustomAuthorizerEvent event = new APIGatewayCustomAuthorizerEvent();
        event.setType("TOKEN");
        event.setAuthorizationToken("Bearer " + System.getenv("TOKEN"));
        event.setMethodArn(System.getenv("METHOD_ARN"));
        IamPolicyResponseV1 policy = handler.handleRequest(event, Fixture.QUIET_CONTEXT);
        System.out.println(new ObjectMapper().writeValueAsString(policy));
    }
}

package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.gatehouse.authorizer.policy.PolicyFactory;
import dev.gatehouse.authorizer.policy.RouteSamples;
import dev.gatehouse.authorizer.policy.RouteScopes;
import dev.gatehouse.authorizer.testing.RuntimeSerialization;
import dev.gatehouse.common.AuthorizerPolicy;
import dev.gatehouse.common.MethodArn;
import dev.gatehouse.common.Principal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IamPolicyResponsesTest {

    private static final String PREFIX = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/";

    private static Principal principal(String... scopes) {
        return new Principal("client@clients", List.of(scopes), Optional.of("client"), "https://issuer.example/");
    }

    @Test
    void shouldStayWithinTheByteBudgetThatTheRouteTableBounds() {
        RouteScopes large = RouteSamples.largestAcceptedTable();
        List<String> scopes = new ArrayList<>(large.requiredScopes());
        PolicyFactory factory = new PolicyFactory(large);
        int bound = large.policyBytesUpperBound();
        assertThat(bound).isLessThanOrEqualTo(RouteScopes.MAX_POLICY_BYTES);
        // Every other scope granted: the least compressible mix of permitted and refused routes.
        for (int offset = 0; offset < 2; offset++) {
            List<String> granted = new ArrayList<>();
            for (int i = offset; i < scopes.size(); i += 2) {
                granted.add(scopes.get(i));
            }
            AuthorizerPolicy policy =
                    factory.allow(principal(granted.toArray(String[]::new)), MethodArn.parse(PREFIX + "GET/service0"));
            int bytes = RuntimeSerialization.toJson(IamPolicyResponses.v1(policy), IamPolicyResponseV1.class)
                    .get("policyDocument")
                    .toString()
                    .getBytes(StandardCharsets.UTF_8)
                    .length;
            assertThat(bytes).isLessThanOrEqualTo(bound);
        }
    }
}

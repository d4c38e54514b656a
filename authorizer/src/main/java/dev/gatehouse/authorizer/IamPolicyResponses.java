package dev.gatehouse.authorizer;

import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.gatehouse.common.AuthorizerPolicy;
import dev.gatehouse.common.PolicyStatement;
import java.util.LinkedHashMap;

/**
 * Maps our policy model onto the aws-lambda-java-events response type at the Lambda boundary: the Lambda Java
 * runtime serializes that type correctly (capitalised {@code Version}, {@code Statement}, ...) and ignores Jackson
 * annotations on our own classes.
 */
final class IamPolicyResponses {

    private IamPolicyResponses() {}

    static IamPolicyResponseV1 from(AuthorizerPolicy policy) {
        return IamPolicyResponseV1.builder()
                .withPrincipalId(policy.principalId())
                .withPolicyDocument(IamPolicyResponseV1.PolicyDocument.builder()
                        .withVersion(IamPolicyResponseV1.VERSION_2012_10_17)
                        .withStatement(policy.statements().stream().map(IamPolicyResponses::statement).toList())
                        .build())
                .withContext(new LinkedHashMap<>(policy.context()))
                .build();
    }

    private static IamPolicyResponseV1.Statement statement(PolicyStatement statement) {
        return IamPolicyResponseV1.Statement.builder()
                .withAction(PolicyStatement.ACTION)
                .withEffect(statement.effect().iamName())
                .withResource(statement.resources())
                .build();
    }
}

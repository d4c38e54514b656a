package dev.gatehouse.authorizer;

import com.amazonaws.services.lambda.runtime.events.IamPolicyResponse;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.gatehouse.common.AuthorizerPolicy;
import dev.gatehouse.common.PolicyStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps our policy model onto the aws-lambda-java-events response types at the Lambda boundary: the Lambda Java
 * runtime serializes those types correctly (capitalised {@code Version}, {@code Statement}, ...) and ignores Jackson
 * annotations on our own classes.
 *
 * <p>Payload 1.0 (REST) and 2.0 (HTTP API) responses have the same JSON, but the library gives them unrelated classes
 * with no common supertype; the mapping is written once, over their constructors.
 */
final class IamPolicyResponses {

    private IamPolicyResponses() {}

    /** The REST API (payload 1.0) response. */
    static IamPolicyResponseV1 v1(AuthorizerPolicy policy) {
        return map(
                policy,
                IamPolicyResponseV1.Statement::new,
                IamPolicyResponseV1.PolicyDocument::new,
                (principalId, document, context) -> new IamPolicyResponseV1(principalId, document, context, null));
    }

    /** The HTTP API (payload 2.0) response. */
    static IamPolicyResponse v2(AuthorizerPolicy policy) {
        return map(
                policy,
                IamPolicyResponse.Statement::new,
                IamPolicyResponse.PolicyDocument::new,
                IamPolicyResponse::new);
    }

    private interface StatementType<S> {
        S create(String action, String effect, List<String> resources, Map<String, Map<String, Object>> condition);
    }

    private interface DocumentType<S, D> {
        D create(String version, List<S> statements);
    }

    private interface ResponseType<D, R> {
        R create(String principalId, D document, Map<String, Object> context);
    }

    private static <S, D, R> R map(
            AuthorizerPolicy policy,
            StatementType<S> statementType,
            DocumentType<S, D> documentType,
            ResponseType<D, R> responseType) {
        List<S> statements = new ArrayList<>(policy.statements().size());
        for (PolicyStatement statement : policy.statements()) {
            statements.add(statementType.create(
                    PolicyStatement.ACTION, statement.effect().iamName(), statement.resources(), null));
        }
        return responseType.create(
                policy.principalId(),
                documentType.create(IamPolicyResponseV1.VERSION_2012_10_17, statements),
                new LinkedHashMap<>(policy.context()));
    }
}

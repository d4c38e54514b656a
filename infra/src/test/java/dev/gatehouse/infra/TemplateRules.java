package dev.gatehouse.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rules every packaged template must follow, each returning one sentence per violation (empty when it holds), so the
 * same rule checks the real templates and proves, on a deliberately broken copy, that it can fail.
 */
final class TemplateRules {

    static final String AUTHORIZER_ID = "AuthorizerApiGatewayAuthorizer";

    private TemplateRules() {}

    /** Every method except CORS preflights goes through the in-service custom authorizer. */
    static List<String> unprotectedMethods(PackagedService service) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> method :
                service.resourcesOfType("AWS::ApiGateway::Method").entrySet()) {
            JsonNode properties = method.getValue().path("Properties");
            if ("OPTIONS".equals(properties.path("HttpMethod").asText())) {
                continue;
            }
            if (!"CUSTOM".equals(properties.path("AuthorizationType").asText())
                    || !AUTHORIZER_ID.equals(
                            properties.path("AuthorizerId").path("Ref").asText())) {
                problems.add("Method " + method.getKey() + " ("
                        + properties.path("HttpMethod").asText() + ") must use AuthorizationType CUSTOM with "
                        + AUTHORIZER_ID + ", got " + properties.path("AuthorizationType") + " / "
                        + properties.path("AuthorizerId"));
            }
        }
        return problems;
    }

    /** No Allow statement grants every action, a whole service's actions, or every resource. */
    static List<String> wildcardIam(PackagedService service) {
        List<String> problems = new ArrayList<>();
        service.resourcesOfType("AWS::IAM::Role").forEach((roleId, role) -> {
            for (JsonNode policy : role.path("Properties").path("Policies")) {
                for (JsonNode statement : policy.path("PolicyDocument").path("Statement")) {
                    if (!"Allow".equals(statement.path("Effect").asText())) {
                        continue;
                    }
                    for (JsonNode action : list(statement.path("Action"))) {
                        if (action.asText().equals("*") || action.asText().endsWith(":*")) {
                            problems.add("Role " + roleId + " allows the wildcard action " + action.asText());
                        }
                    }
                    for (JsonNode resource : list(statement.path("Resource"))) {
                        if (resource.isTextual() && resource.asText().equals("*")) {
                            problems.add("Role " + roleId + " allows " + statement.path("Action")
                                    + " on every resource (*)");
                        }
                    }
                }
            }
        });
        return problems;
    }

    private static Iterable<JsonNode> list(JsonNode node) {
        return node.isArray() ? node : List.of(node);
    }
}

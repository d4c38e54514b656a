package dev.gatehouse.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rules every packaged template must follow, each returning one sentence per violation (empty when it holds), so the
 * same rule checks the real templates and proves, on a deliberately broken copy, that it can fail.
 */
final class TemplateRules {

    static final String AUTHORIZER_ID = "AuthorizerApiGatewayAuthorizer";
    /** The role osls creates for every function that names none. */
    static final String FRAMEWORK_ROLE = "IamRoleLambdaExecution";
    /** Every execution role's boundary: the functionPermissionsBoundary param's policy, when there is one. */
    static final String PERMISSIONS_BOUNDARY = "{\"Fn::If\":[\"HasFunctionPermissionsBoundary\","
            + "{\"Ref\":\"FunctionPermissionsBoundary\"},{\"Ref\":\"AWS::NoValue\"}]}";

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

    /**
     * Each function runs as its own role, which may only create log streams in and put log events to that function's
     * own log group: no shared role, no other statement, no managed policy.
     */
    static List<String> rolesNotOwnLogGroupOnly(PackagedService service) {
        List<String> problems = new ArrayList<>();
        Map<String, String> roleOwners = new LinkedHashMap<>();
        service.functions().forEach((function, definition) -> {
            JsonNode properties = service.lambda(function).path("Properties");
            JsonNode getAtt = properties.path("Role").path("Fn::GetAtt");
            String roleId = getAtt.path(0).asText();
            if (!getAtt.isArray()
                    || !"Arn".equals(getAtt.path(1).asText())
                    || !"AWS::IAM::Role"
                            .equals(service.resources()
                                    .path(roleId)
                                    .path("Type")
                                    .asText())) {
                problems.add("Function " + function + " must run as a role defined in the template (role: under the "
                        + "function), got " + properties.path("Role"));
                return;
            }
            if (roleId.equals(FRAMEWORK_ROLE)) {
                problems.add("Function " + function + " runs as the framework's shared role " + FRAMEWORK_ROLE
                        + "; give it its own (functions." + function + ".role)");
            }
            String previous = roleOwners.putIfAbsent(roleId, function);
            if (previous != null) {
                problems.add("Functions " + previous + " and " + function + " share the role " + roleId);
            }
            String logGroupName =
                    "/aws/lambda/" + properties.path("FunctionName").asText();
            String logGroupId = service.resourcesOfType("AWS::Logs::LogGroup").entrySet().stream()
                    .filter(group -> logGroupName.equals(group.getValue()
                            .path("Properties")
                            .path("LogGroupName")
                            .asText()))
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElse("<no log group named " + logGroupName + ">");
            problems.addAll(ownLogGroupOnly(function, roleId, service.resource(roleId), logGroupId));
        });
        return problems;
    }

    private static List<String> ownLogGroupOnly(String function, String roleId, JsonNode role, String logGroupId) {
        List<String> problems = new ArrayList<>();
        JsonNode properties = role.path("Properties");
        String trust =
                properties.path("AssumeRolePolicyDocument").path("Statement").toString();
        if (!trust.equals("[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},"
                + "\"Action\":\"sts:AssumeRole\"}]")) {
            problems.add("Role " + roleId + " of " + function + " must trust lambda.amazonaws.com only, got " + trust);
        }
        String boundary = properties.path("PermissionsBoundary").toString();
        if (!boundary.equals(PERMISSIONS_BOUNDARY)) {
            problems.add("Role " + roleId + " of " + function + " must have the permissions boundary "
                    + PERMISSIONS_BOUNDARY + ", got " + boundary);
        }
        if (properties.has("ManagedPolicyArns")) {
            problems.add("Role " + roleId + " of " + function + " must have no managed policies, got "
                    + properties.path("ManagedPolicyArns"));
        }
        List<JsonNode> statements = new ArrayList<>();
        properties
                .path("Policies")
                .forEach(policy ->
                        policy.path("PolicyDocument").path("Statement").forEach(statements::add));
        String expected = "{\"Effect\":\"Allow\",\"Action\":[\"logs:CreateLogStream\",\"logs:PutLogEvents\"],"
                + "\"Resource\":{\"Fn::GetAtt\":[\"" + logGroupId + "\",\"Arn\"]}}";
        if (statements.size() != 1 || !statements.get(0).toString().equals(expected)) {
            problems.add(
                    "Role " + roleId + " of " + function + " must allow exactly " + expected + ", got " + statements);
        }
        return problems;
    }

    private static Iterable<JsonNode> list(JsonNode node) {
        return node.isArray() ? node : List.of(node);
    }
}

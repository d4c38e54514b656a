package dev.gatehouse.local;

import dev.gatehouse.local.ServerlessConfig.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the function behind an authorizer named by ARN ({@code authorizer: {arn: ...}}) among the stacks the local
 * stack runs, as the deployed reference would resolve: {@code {Fn::ImportValue: NAME}} is the stack output exported
 * as NAME (infra/serverless.yml exports {@code gatehouse-<stage>-AuthorizerArn}, a {@code Ref} to the authorizer's
 * SnapStart alias), whose {@code Ref} or {@code Fn::GetAtt [id, Arn]} names a function's logical id as osls names
 * them ({@code <Name>LambdaFunction}, {@code <Name>SnapStartLambdaAlias}, ...); a Lambda function ARN
 * {@code arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]} is the function osls deploys as
 * {@code <service>-<stage>-<function>}. The function then runs with the environment (and so the
 * {@code ROUTE_SCOPES}) of its own stack, as it does deployed. Anything else is refused: a local stand-in the
 * deployed reference would not reach could allow what AWS refuses.
 */
final class ArnAuthorizers {

    private static final Pattern LAMBDA_ARN =
            Pattern.compile("arn:aws[a-z-]*:lambda:[a-z0-9-]+:\\d{12}:function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9$_-]+)?");
    private static final List<String> LOGICAL_ID_SUFFIXES =
            List.of("LambdaFunction", "SnapStartLambdaAlias", "ProvConcLambdaAlias");

    /** The function of {@code service} that an ARN reference resolves to. */
    record Target(Service service, String function) {}

    private ArnAuthorizers() {}

    /** The function {@code arn} names among {@code stacks}; refuses one it cannot match, saying what it can. */
    static Target match(Object arn, List<Service> stacks, String where) {
        if (arn instanceof Map<?, ?> map && map.size() == 1 && map.get("Fn::ImportValue") instanceof String export) {
            for (Service stack : stacks) {
                String logicalId = stack.exports().get(export);
                if (logicalId == null) {
                    continue;
                }
                for (String function : stack.functions().keySet()) {
                    for (String suffix : LOGICAL_ID_SUFFIXES) {
                        if (logicalId.equals(normalizedName(function) + suffix)) {
                            return new Target(stack, function);
                        }
                    }
                }
                throw new IllegalArgumentException(where + ": the export '" + export + "' of stack " + stack.name()
                        + " refers to " + logicalId + ", which is not a function of that stack");
            }
        } else if (arn instanceof String text) {
            Matcher m = LAMBDA_ARN.matcher(text);
            if (m.matches()) {
                for (Service stack : stacks) {
                    for (String function : stack.functions().keySet()) {
                        if (m.group(1).equals(LocalStack.deployedName(stack, function))) {
                            return new Target(stack, function);
                        }
                    }
                }
            }
        }
        throw new IllegalArgumentException(where + ".arn " + Http.JSON.valueToTree(arn)
                + " names no authorizer the local stack runs; it can run " + candidates(stacks)
                + " (start the stack that deploys the authorizer too, e.g. ./local/run --with ...)");
    }

    private static String candidates(List<Service> stacks) {
        List<String> names = new ArrayList<>();
        for (Service stack : stacks) {
            stack.exports().keySet().forEach(export -> names.add("{Fn::ImportValue: " + export + "}"));
            for (String function : stack.functions().keySet()) {
                names.add("arn:aws:lambda:" + stack.region() + ":" + LocalApiGateway.ACCOUNT_ID + ":function:"
                        + LocalStack.deployedName(stack, function));
            }
        }
        return String.join(", ", names);
    }

    /** osls's getNormalizedResourceName: '-' as Dash, '_' as Underscore, first letter upper case. */
    static String normalizedName(String function) {
        String name = function.replace("-", "Dash").replace("_", "Underscore");
        return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}

package dev.gatehouse.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The alarms and the dashboard in infra/serverless.yml read the metrics the authorizer writes: the namespace and the
 * Service/Stage dimensions of its EMF lines are the ones its environment (METRICS_*) names, and its Lambda metrics are
 * those of its own function.
 */
class AlarmsTemplateIT {

    private static final List<String> ALARMS = List.of(
            "AuthorizerErrorsAlarm",
            "AuthorizerJwksFetchFailuresAlarm",
            "AuthorizerLambdaErrorsAlarm",
            "AuthorizerThrottlesAlarm");
    private static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:gatehouse-on-call";

    @TempDir
    Path temp;

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod", "local"})
    void shouldAlarmOnTheAuthorizersErrorDecisionsAndFailedKeySetFetches(String stage) {
        PackagedService service = Infra.packaged(stage);
        Map<String, String> emf = emfOf(service);

        JsonNode errors = service.resource("AuthorizerErrorsAlarm").path("Properties");
        assertThat(errors.path("MetricName").asText()).isEqualTo("Error");
        assertThat(errors.path("Threshold").asInt()).isEqualTo(5);
        JsonNode fetches = service.resource("AuthorizerJwksFetchFailuresAlarm").path("Properties");
        assertThat(fetches.path("MetricName").asText()).isEqualTo("JwksFetchFailures");
        assertThat(fetches.path("Threshold").asInt()).isEqualTo(3);
        for (JsonNode alarm : List.of(errors, fetches)) {
            assertThat(alarm.path("Namespace").asText()).isEqualTo(emf.get("namespace"));
            assertThat(dimensions(alarm.path("Dimensions")))
                    .isEqualTo(Map.of("Service", emf.get("service"), "Stage", emf.get("stage")));
            assertThat(alarm.path("Statistic").asText()).isEqualTo("Sum");
            assertThat(alarm.path("Period").asInt()).isEqualTo(300);
            assertThat(alarm.path("EvaluationPeriods").asInt()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod", "local"})
    void shouldAlarmOnTheAuthorizerFunctionsThrottlesAndOnItsErrorsOtherThanThe401s(String stage) {
        PackagedService service = Infra.packaged(stage);
        Map<String, String> emf = emfOf(service);
        Map<String, String> ownFunction = Map.of("FunctionName", "{\"Ref\":\"AuthorizerLambdaFunction\"}");

        JsonNode throttles = service.resource("AuthorizerThrottlesAlarm").path("Properties");
        assertThat(throttles.path("Namespace").asText()).isEqualTo("AWS/Lambda");
        assertThat(throttles.path("MetricName").asText()).isEqualTo("Throttles");
        assertThat(dimensions(throttles.path("Dimensions"))).isEqualTo(ownFunction);
        assertThat(throttles.path("Threshold").asInt()).isEqualTo(1);

        // A TOKEN authorizer's 401 is a failed invocation: Lambda's Errors minus the Unauthorized decisions.
        JsonNode errors = service.resource("AuthorizerLambdaErrorsAlarm").path("Properties");
        Map<String, JsonNode> queries = new LinkedHashMap<>();
        errors.path("Metrics").forEach(query -> queries.put(query.path("Id").asText(), query));
        assertThat(queries).containsOnlyKeys("errors", "unauthorized", "failedOtherwise");
        JsonNode lambdaErrors = queries.get("errors").path("MetricStat");
        assertThat(lambdaErrors.path("Metric").path("Namespace").asText()).isEqualTo("AWS/Lambda");
        assertThat(lambdaErrors.path("Metric").path("MetricName").asText()).isEqualTo("Errors");
        assertThat(dimensions(lambdaErrors.path("Metric").path("Dimensions"))).isEqualTo(ownFunction);
        JsonNode unauthorized = queries.get("unauthorized").path("MetricStat");
        assertThat(unauthorized.path("Metric").path("Namespace").asText()).isEqualTo(emf.get("namespace"));
        assertThat(unauthorized.path("Metric").path("MetricName").asText()).isEqualTo("Unauthorized");
        assertThat(dimensions(unauthorized.path("Metric").path("Dimensions")))
                .isEqualTo(Map.of("Service", emf.get("service"), "Stage", emf.get("stage")));
        for (JsonNode stat : List.of(lambdaErrors, unauthorized)) {
            assertThat(stat.path("Stat").asText()).isEqualTo("Sum");
            assertThat(stat.path("Period").asInt()).isEqualTo(300);
        }
        assertThat(queries.get("failedOtherwise").path("Expression").asText())
                .isEqualTo("FILL(errors, 0) - FILL(unauthorized, 0)");
        assertThat(queries.values().stream()
                        .filter(query -> query.path("ReturnData").asBoolean()))
                .containsExactly(queries.get("failedOtherwise"));
        assertThat(errors.path("Threshold").asInt()).isEqualTo(5);
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod", "local"})
    void shouldTreatAPeriodWithoutRequestsAsNoFailureAndNotifyOnlyAConfiguredTopic(String stage) {
        PackagedService service = Infra.packaged(stage);

        assertThat(service.resourcesOfType("AWS::CloudWatch::Alarm")).containsOnlyKeys(ALARMS);
        for (String id : ALARMS) {
            JsonNode alarm = service.resource(id).path("Properties");
            assertThat(alarm.path("AlarmName").asText()).as(id).startsWith("gatehouse-" + stage + "-authorizer-");
            assertThat(alarm.path("TreatMissingData").asText()).as(id).isEqualTo("notBreaching");
            assertThat(alarm.path("ComparisonOperator").asText()).as(id).isEqualTo("GreaterThanOrEqualToThreshold");
            for (String actions : List.of("AlarmActions", "OKActions")) {
                assertThat(alarm.path(actions).toString())
                        .as(id + " " + actions)
                        .isEqualTo("{\"Fn::If\":[\"HasAlarmTopic\",[{\"Ref\":\"AlarmTopicArn\"}],"
                                + "{\"Ref\":\"AWS::NoValue\"}]}");
            }
        }
        assertThat(service.template().path("Conditions").path("HasAlarmTopic").toString())
                .isEqualTo("{\"Fn::Not\":[{\"Fn::Equals\":[{\"Ref\":\"AlarmTopicArn\"},\"\"]}]}");
        JsonNode topic = service.template().path("Parameters").path("AlarmTopicArn");
        assertThat(topic.path("Default").asText())
                .as("no topic unless the alarmTopicArn param names one")
                .isEmpty();
        Pattern allowed = Pattern.compile(topic.path("AllowedPattern").asText());
        assertThat(allowed.matcher("").matches()).isTrue();
        assertThat(allowed.matcher(TOPIC).matches()).isTrue();
        assertThat(allowed.matcher("on-call").matches()).isFalse();
        assertThat(allowed.matcher("arn:aws:sqs:eu-west-1:123456789012:queue").matches())
                .isFalse();
    }

    @Test
    void shouldTakeTheTopicThresholdsAndPeriodFromParams() {
        Path out = temp.resolve("out");
        Processes.Result result = Osls.packageService(
                Infra.infraDir(),
                out,
                "dev",
                Infra.devParams(
                        "alarmTopicArn=" + TOPIC,
                        "alarmPeriodSeconds=60",
                        "alarmEvaluationPeriods=3",
                        "authorizerErrorThreshold=2",
                        "jwksFetchFailureThreshold=7",
                        "authorizerLambdaErrorThreshold=4",
                        "authorizerThrottleThreshold=9"));
        assertThat(result.exitCode())
                .as("osls package said:%n%s", result.output())
                .isZero();
        PackagedService service = PackagedService.load(out, Infra.infraDir());

        assertThat(service.template()
                        .path("Parameters")
                        .path("AlarmTopicArn")
                        .path("Default")
                        .asText())
                .isEqualTo(TOPIC);
        Map<String, Integer> thresholds = Map.of(
                "AuthorizerErrorsAlarm", 2,
                "AuthorizerJwksFetchFailuresAlarm", 7,
                "AuthorizerLambdaErrorsAlarm", 4,
                "AuthorizerThrottlesAlarm", 9);
        thresholds.forEach((id, threshold) -> {
            JsonNode alarm = service.resource(id).path("Properties");
            assertThat(alarm.path("Threshold").asInt()).as(id).isEqualTo(threshold);
            assertThat(alarm.path("EvaluationPeriods").asInt()).as(id).isEqualTo(3);
            List<Integer> periods = new ArrayList<>();
            alarm.findValues("Period").forEach(period -> periods.add(period.asInt()));
            assertThat(periods).as(id).isNotEmpty().containsOnly(60);
        });
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod", "local"})
    void shouldShowDecisionsLatencyKeySetFetchesAndTheAuthorizerFunctionOnOneDashboard(String stage)
            throws JsonProcessingException {
        PackagedService service = Infra.packaged(stage);
        Map<String, String> emf = emfOf(service);
        JsonNode dashboard = service.resource("Dashboard").path("Properties");
        assertThat(dashboard.path("DashboardName").asText()).isEqualTo("gatehouse-" + stage);
        String body = dashboard.path("DashboardBody").path("Fn::Sub").asText();

        // Every ${...} left for CloudFormation is the region, the authorizer function or one of the alarms.
        Set<String> substituted = new HashSet<>();
        Matcher variable = Pattern.compile("\\$\\{([^}]+)}").matcher(body);
        while (variable.find()) {
            substituted.add(variable.group(1));
        }
        List<String> expected = new ArrayList<>(List.of("AWS::Region", "AuthorizerLambdaFunction"));
        ALARMS.forEach(alarm -> expected.add(alarm + ".Arn"));
        assertThat(substituted).containsExactlyInAnyOrderElementsOf(expected);

        JsonNode widgets = PackagedService.JSON
                .readTree(body.replaceAll("\\$\\{([^}]+)}", "<$1>"))
                .path("widgets");
        List<String> lines = new ArrayList<>();
        for (JsonNode widget : widgets) {
            for (JsonNode metric : widget.path("properties").path("metrics")) {
                lines.add(metric.toString());
            }
        }
        String dims = "\"Service\",\"" + emf.get("service") + "\",\"Stage\",\"" + emf.get("stage") + "\"";
        String ns = "[\"" + emf.get("namespace") + "\",";
        assertThat(lines)
                .contains(
                        ns + "\"Allow\"," + dims + "]",
                        ns + "\"Unauthorized\"," + dims + "]",
                        ns + "\"Error\"," + dims + "]",
                        ns + "\"DecisionLatency\"," + dims + ",{\"stat\":\"p50\",\"label\":\"p50\"}]",
                        ns + "\"DecisionLatency\"," + dims + ",{\"stat\":\"p99\",\"label\":\"p99\"}]",
                        ns + "\"JwksFetchFailures\"," + dims + "]",
                        "[\"AWS/Lambda\",\"Errors\",\"FunctionName\",\"<AuthorizerLambdaFunction>\"]",
                        "[\"AWS/Lambda\",\"Throttles\",\"FunctionName\",\"<AuthorizerLambdaFunction>\"]",
                        "[\"AWS/Lambda\",\"Duration\",\"FunctionName\",\"<AuthorizerLambdaFunction>\","
                                + "{\"stat\":\"p99\",\"label\":\"p99\"}]");
        for (JsonNode widget : widgets) {
            if (widget.path("type").asText().equals("metric")) {
                assertThat(widget.path("properties").path("region").asText()).isEqualTo("<AWS::Region>");
            }
        }
    }

    /** What the authorizer's environment says its EMF lines carry. */
    private static Map<String, String> emfOf(PackagedService service) {
        JsonNode variables = service.lambda("authorizer")
                .path("Properties")
                .path("Environment")
                .path("Variables");
        return Map.of(
                "namespace", variables.path("METRICS_NAMESPACE").asText(),
                "service", variables.path("METRICS_SERVICE").asText(),
                "stage", variables.path("METRICS_STAGE").asText());
    }

    /** CloudWatch dimensions as name → value, a non-text value as its JSON. */
    private static Map<String, String> dimensions(JsonNode dimensions) {
        Map<String, String> byName = new LinkedHashMap<>();
        dimensions.forEach(dimension -> byName.put(
                dimension.path("Name").asText(),
                dimension.path("Value").isTextual()
                        ? dimension.path("Value").asText()
                        : dimension.path("Value").toString()));
        return byName;
    }
}

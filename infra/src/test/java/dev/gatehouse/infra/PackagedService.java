package dev.gatehouse.infra;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code osls package} wrote: the CloudFormation template that would be deployed and the resolved service
 * ({@code serverless-state.json}: functions with their artifact paths, as written in serverless.yml).
 *
 * @param dir the package directory
 * @param serviceDir the directory of the serverless.yml it came from; artifact paths are relative to it
 * @param template {@code cloudformation-template-update-stack.json}
 * @param state {@code serverless-state.json}
 */
record PackagedService(Path dir, Path serviceDir, JsonNode template, JsonNode state) {

    static final ObjectMapper JSON = new ObjectMapper();

    PackagedService {
        requireNonNull(dir, "dir is null");
        requireNonNull(serviceDir, "serviceDir is null");
        requireNonNull(template, "template is null");
        requireNonNull(state, "state is null");
    }

    static PackagedService load(Path dir, Path serviceDir) {
        return new PackagedService(
                dir,
                serviceDir,
                read(dir.resolve("cloudformation-template-update-stack.json")),
                read(dir.resolve("serverless-state.json")));
    }

    Path templateFile() {
        return dir.resolve("cloudformation-template-update-stack.json");
    }

    JsonNode resources() {
        return template.path("Resources");
    }

    JsonNode resource(String logicalId) {
        JsonNode resource = resources().get(logicalId);
        if (resource == null) {
            throw new AssertionError("The template has no resource " + logicalId + "; it has "
                    + iterable(resources().fieldNames()));
        }
        return resource;
    }

    /** Resources of one CloudFormation type, by logical id, in template order. */
    Map<String, JsonNode> resourcesOfType(String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        resources().properties().forEach(entry -> {
            if (type.equals(entry.getValue().path("Type").asText())) {
                found.put(entry.getKey(), entry.getValue());
            }
        });
        return found;
    }

    /** The functions of serverless.yml after variable resolution, by their key in the file. */
    Map<String, JsonNode> functions() {
        Map<String, JsonNode> functions = new LinkedHashMap<>();
        state.path("service")
                .path("functions")
                .properties()
                .forEach(entry -> functions.put(entry.getKey(), entry.getValue()));
        return functions;
    }

    /** The {@code AWS::Lambda::Function} resource of the function with this key in serverless.yml. */
    JsonNode lambda(String functionKey) {
        String name = functions().get(functionKey).path("name").asText();
        return resourcesOfType("AWS::Lambda::Function").values().stream()
                .filter(function -> name.equals(
                        function.path("Properties").path("FunctionName").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("The template has no Lambda function named " + name));
    }

    private static String iterable(Iterator<String> names) {
        StringBuilder joined = new StringBuilder();
        names.forEachRemaining(
                name -> joined.append(joined.isEmpty() ? "" : ", ").append(name));
        return joined.toString();
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot read " + file + "; `osls package` writes it at the package phase", e);
        }
    }
}

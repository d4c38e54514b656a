package dev.gatehouse.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Checks that every function's {@code Handler} names a class the Lambda Java runtime can start from the function's own
 * artifact: present in the jar, public, concrete, with a public no-argument constructor, implementing
 * {@code RequestHandler} or {@code RequestStreamHandler} (or, for {@code Class::method}, having that public method).
 *
 * <p>Each jar is opened in its own class loader over the platform class loader, as the runtime sees it: nothing from
 * this build's class path can stand in for a class missing from the artifact. Classes are loaded, never initialised.
 */
final class HandlerCheck {

    static final String REQUEST_HANDLER = "com.amazonaws.services.lambda.runtime.RequestHandler";
    static final String REQUEST_STREAM_HANDLER = "com.amazonaws.services.lambda.runtime.RequestStreamHandler";

    private HandlerCheck() {}

    /** One sentence per problem; empty when every handler is right. */
    static List<String> problems(PackagedService service) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> function : service.functions().entrySet()) {
            String key = function.getKey();
            String handler =
                    service.lambda(key).path("Properties").path("Handler").asText();
            String artifact = function.getValue()
                    .path("package")
                    .path("artifact")
                    .asText(service.state().path("package").path("artifact").asText());
            if (artifact.isEmpty()) {
                problems.add("Function " + key + " has no package.artifact; every function ships its own jar");
                continue;
            }
            Path jar = service.serviceDir().resolve(artifact).normalize();
            if (!Files.isRegularFile(jar)) {
                problems.add("Function " + key + ": artifact " + jar
                        + " does not exist; build the jars first (./mvnw package)");
                continue;
            }
            problems.addAll(check(key, handler, jar));
        }
        return problems;
    }

    private static List<String> check(String function, String handler, Path jar) {
        String[] parts = handler.split("::", 2);
        String className = parts[0];
        String where = "Function " + function + ": handler " + handler + " in " + jar.getFileName();
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> type;
            try {
                type = Class.forName(className, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                return List.of(where + ": class " + className + " is not in the artifact (" + e + ")");
            }
            List<String> problems = new ArrayList<>();
            int modifiers = type.getModifiers();
            if (!Modifier.isPublic(modifiers) || Modifier.isAbstract(modifiers) || type.isInterface()) {
                problems.add(where + ": class " + className + " must be public and concrete");
            }
            if (!hasPublicNoArgConstructor(type)) {
                problems.add(
                        where + ": class " + className + " needs a public no-argument constructor for the runtime");
            }
            if (parts.length == 2) {
                if (Arrays.stream(type.getMethods()).map(Method::getName).noneMatch(parts[1]::equals)) {
                    problems.add(where + ": class " + className + " has no public method " + parts[1]);
                }
            } else if (!implementsAny(type, loader, REQUEST_HANDLER, REQUEST_STREAM_HANDLER)) {
                problems.add(where + ": class " + className + " implements neither " + REQUEST_HANDLER + " nor "
                        + REQUEST_STREAM_HANDLER + " (or name a method: Class::method)");
            }
            return problems;
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("Cannot make a URL of " + jar, e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot close the class loader over " + jar, e);
        }
    }

    private static boolean hasPublicNoArgConstructor(Class<?> type) {
        try {
            return Modifier.isPublic(type.getDeclaredConstructor().getModifiers());
        } catch (NoSuchMethodException | LinkageError e) {
            return false;
        }
    }

    private static boolean implementsAny(Class<?> type, ClassLoader loader, String... interfaceNames) {
        for (String name : interfaceNames) {
            try {
                if (Class.forName(name, false, loader).isAssignableFrom(type)) {
                    return true;
                }
            } catch (ClassNotFoundException e) {
                // Gatehouse jars shade aws-lambda-java-core; without it in the jar this interface cannot be the one.
            }
        }
        return false;
    }
}

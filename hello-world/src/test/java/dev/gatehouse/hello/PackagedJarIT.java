package dev.gatehouse.hello;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Collections;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The deployable artifact: target/hello-world.jar is self-contained, unsigned, and its handler runs from it alone. */
class PackagedJarIT {

    private static final Path JAR = Path.of("target", "hello-world.jar");

    @Test
    void shouldContainNoSignatureFiles() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(Collections.list(jar.entries()).stream().map(ZipEntry::getName))
                    .noneMatch(name -> name.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"));
        }
    }

    @Test
    void shouldRunTheHandlerFromTheJarAlone() throws Exception {
        try (URLClassLoader isolated =
                new URLClassLoader(new URL[] {JAR.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> handlerType = isolated.loadClass("dev.gatehouse.hello.HelloWorldHandler");
            Class<?> eventType =
                    isolated.loadClass("com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent");
            Class<?> contextType = isolated.loadClass("com.amazonaws.services.lambda.runtime.Context");
            Object handler = handlerType.getConstructor().newInstance();
            Method handle = handlerType.getMethod("handleRequest", eventType, contextType);

            Object response = handle.invoke(handler, eventType.getConstructor().newInstance(), null);

            assertThat(response.getClass().getMethod("getStatusCode").invoke(response))
                    .isEqualTo(401);
            assertThat((String) response.getClass().getMethod("getBody").invoke(response))
                    .contains("Unauthorized");
        }
    }
}

package dev.gatehouse.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Host check of the local servers: loopback names and addresses only (DNS rebinding). */
class HttpTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "127.0.0.1",
                "127.0.0.1:3000",
                "localhost",
                "localhost:9000",
                "LocalHost:9000",
                "[::1]",
                "[::1]:3000",
                " 127.0.0.1:3000 "
            })
    void shouldAcceptALoopbackHost(String host) {
        assertThat(Http.isLoopbackHost(host)).isTrue();
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "evil.example",
                "evil.example:3000",
                "127.0.0.1.evil.example",
                "localhost.evil.example",
                "localhost.",
                "evil.localhost",
                "127.0.0.2",
                "0.0.0.0",
                "[::2]",
                "::1",
                "[::1",
                "127.0.0.1:",
                "127.0.0.1:abc",
                "127.0.0.1:3000:3000",
                "127.0.0.1:123456",
                "127.0.0.1@evil.example",
                "127.0.0.1, evil.example"
            })
    void shouldRefuseAnyOtherHost(String host) {
        assertThat(Http.isLoopbackHost(host)).isFalse();
    }
}

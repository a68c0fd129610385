package io.keel.bench;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoopbackTest {
    @Test
    void acceptsLoopbackNamesAndAddresses() {
        for (String u : new String[] {"http://127.0.0.1:8080/", "http://localhost/x", "http://127.1.2.3:1",
                "http://[::1]:8080/", "https://LOCALHOST:8443"}) {
            assertThat(Loopback.isLoopback(URI.create(u))).as(u).isTrue();
            assertThat(Loopback.require(URI.create(u))).isEqualTo(URI.create(u));
        }
    }

    @Test
    void rejectsEveryOtherHostNamingIt() {
        for (String u : new String[] {"http://example.com/", "http://10.0.0.1:8080", "http://127.0.0.1.evil.com/",
                "http://localhost.example.com/", "http://0.0.0.0:8080/", "http://128.0.0.1/", "http://[::2]/"}) {
            assertThat(Loopback.isLoopback(URI.create(u))).as(u).isFalse();
            assertThatThrownBy(() -> Loopback.require(URI.create(u))).isInstanceOf(BenchException.class)
                    .hasMessageContaining("refusing");
        }
    }

    @Test
    void rejectsNonHttpSchemes() {
        assertThatThrownBy(() -> Loopback.require(URI.create("ftp://127.0.0.1/")))
                .isInstanceOf(BenchException.class).hasMessageContaining("http://");
    }

    @Test
    void anExternalServiceCannotPointAtARemoteHost() {
        assertThatThrownBy(() -> new ExternalService(URI.create("http://example.com:8080"), OptionalLong.empty()))
                .isInstanceOf(BenchException.class);
    }
}

package io.keel.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.keel.runtime.config.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A flood of client errors must not fill the log; server errors must be there with their request id. */
class ErrorLoggingTest {
    @TempDir
    static Path dataDir;
    static Keel keel;
    static TestClient client;
    static final ListAppender<ILoggingEvent> LOGGED = new ListAppender<>();
    static final Logger ERRORS = (Logger) LoggerFactory.getLogger("io.keel.runtime.http.ProblemErrorHandler");

    @BeforeAll
    static void start() {
        keel = Keel.create(KeelConfig.from(Settings.of(Map.of("port", "0", "host", "127.0.0.1",
                "data-dir", dataDir.toString()))));
        keel.routes(r -> r.get("/boom", (req, res) -> {
            throw new IllegalStateException("boom");
        }));
        keel.start();
        client = TestClient.of(keel.port());
        ERRORS.setLevel(Level.DEBUG);
        LOGGED.start();
        ERRORS.addAppender(LOGGED);
    }

    @AfterAll
    static void stop() {
        ERRORS.detachAppender(LOGGED);
        ERRORS.setLevel(null);
        keel.close();
    }

    @BeforeEach
    void clear() {
        LOGGED.list.clear();
    }

    @Test
    void clientErrorsAreLoggedAtDebugOnly() {
        for (int i = 0; i < 50; i++) {
            assertThat(client.get("/scanner/probe-" + i).statusCode()).isEqualTo(404);
        }
        assertThat(client.send(client.request("/boom").DELETE()).statusCode()).isEqualTo(405);
        assertThat(LOGGED.list).isNotEmpty()
                .allSatisfy(event -> assertThat(event.getLevel()).isEqualTo(Level.DEBUG));
    }

    @Test
    void serverErrorsAreLoggedAtErrorWithTheRequestIdTheClientSaw() {
        HttpResponse<String> res = client.get("/boom");
        assertThat(res.statusCode()).isEqualTo(500);
        String requestId = res.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(LOGGED.list).anySatisfy(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.ERROR);
            assertThat(event.getFormattedMessage()).contains(requestId).contains("/boom");
        });
    }
}

package io.keel.runtime;

import io.helidon.http.Method;
import io.keel.runtime.config.Settings;
import io.keel.runtime.http.Routes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class AdmissionTest {
    private static final String OPERATOR = "admission-test-token";
    @TempDir
    static Path dataDir;
    static Keel keel;
    static TestClient client;
    static final CountDownLatch release = new CountDownLatch(1);
    static final CountDownLatch heavyEntered = new CountDownLatch(1);
    static final CountDownLatch streamEntered = new CountDownLatch(1);

    @BeforeAll
    static void start() {
        keel = Keel.create(KeelConfig.from(Settings.of(Map.of("port", "0", "host", "127.0.0.1",
                "data-dir", dataDir.toString(), "limit-initial", "2", "limit-min", "2", "limit-max", "2",
                "limit-heavy-percent", "50", "max-streams", "1", "admin-token", OPERATOR))));
        keel.routes(r -> r
                .route(Method.GET, "/heavy", Routes.Kind.HEAVY, (req, res) -> {
                    heavyEntered.countDown();
                    release.await(20, TimeUnit.SECONDS);
                    res.send("heavy done");
                })
                .route(Method.GET, "/stream", Routes.Kind.STREAM, (req, res) -> {
                    streamEntered.countDown();
                    release.await(20, TimeUnit.SECONDS);
                    res.send("stream done");
                })
                .get("/light", (req, res) -> res.send("light")));
        keel.start();
        client = TestClient.of(keel.port());
    }

    @AfterAll
    static void stop() {
        release.countDown();
        keel.close();
    }

    @Test
    void heavyWorkBeyondItsShareIsRefusedFastWhileLightAndCriticalRoutesKeepServing() throws Exception {
        CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> client.get("/heavy"));
        CompletableFuture<HttpResponse<String>> stream = CompletableFuture.supplyAsync(() -> client.get("/stream"));
        assertThat(heavyEntered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(streamEntered.await(10, TimeUnit.SECONDS)).isTrue();

        HttpResponse<String> refused = client.get("/heavy");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        HttpResponse<String> noSlot = client.get("/stream");
        assertThat(noSlot.statusCode()).isEqualTo(503);
        assertThat(noSlot.body()).contains("stream slots");

        assertThat(client.get("/light").statusCode()).isEqualTo(200);
        assertThat(client.get("/health/live").statusCode()).isEqualTo(200);
        String metrics = client.get("/metrics", OPERATOR).body();
        assertThat(metrics).contains("keel_requests_shed_total{reason=\"concurrency\"} 1.0")
                .contains("keel_requests_shed_total{reason=\"streams\"} 1.0")
                .contains("keel_concurrency_limit 2.0");

        release.countDown();
        assertThat(held.get(10, TimeUnit.SECONDS).body()).isEqualTo("heavy done");
        assertThat(stream.get(10, TimeUnit.SECONDS).body()).isEqualTo("stream done");
        await().atMost(Duration.ofSeconds(5)).until(() -> client.get("/heavy").statusCode() == 200);
    }
}

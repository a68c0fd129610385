package io.keel.runtime;

import io.helidon.http.Method;
import io.keel.runtime.config.Settings;
import io.keel.runtime.http.RequestHold;
import io.keel.runtime.http.Routes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class RequestHoldTest {
    private static final String OPERATOR = "hold-test-token";
    @TempDir
    Path dataDir;

    private Keel keel(int maxHeld) {
        return Keel.create(KeelConfig.from(Settings.of(Map.of("port", "0", "host", "127.0.0.1",
                "data-dir", dataDir.toString(), "limit-initial", "2", "limit-min", "2", "limit-max", "2",
                "hold-max-requests", Integer.toString(maxHeld), "admin-token", OPERATOR, "drain-delay", "0s",
                "connection-drain", "0s"))))
                .routes(r -> r.get("/light", (req, res) -> res.send("light"))
                        .route(Method.GET, "/heavy", Routes.Kind.HEAVY, (req, res) -> res.send("heavy")));
    }

    @Test
    void heldRequestsTakeNoPermitAndAllPassOnceTheHoldOpensWhileOneTooManyIsRefused() {
        try (Keel keel = keel(3)) {
            RequestHold hold = keel.holdRequests(Duration.ofSeconds(20));
            keel.start();
            TestClient client = TestClient.of(keel.port());
            // three held requests, one more than the concurrency limit of 2: were they holding permits, one would be 503
            List<CompletableFuture<HttpResponse<String>>> held = IntStream.range(0, 3)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> client.get(i == 0 ? "/heavy" : "/light")))
                    .toList();
            await().atMost(Duration.ofSeconds(10)).until(() -> hold.held() == 3);

            HttpResponse<String> tooMany = client.get("/light");
            assertThat(tooMany.statusCode()).isEqualTo(503);
            assertThat(tooMany.headers().firstValue("Retry-After")).isPresent();
            assertThat(tooMany.body()).contains("hold-max-requests");
            assertThat(client.get("/health/live").statusCode()).isEqualTo(200);
            assertThat(client.get("/admin/config", OPERATOR).statusCode()).isEqualTo(200);
            String metrics = client.get("/metrics", OPERATOR).body();
            assertThat(metrics).contains("keel_requests_held 3.0")
                    .contains("keel_concurrency_inflight 0.0")
                    .contains("keel_requests_shed_total{reason=\"hold\"} 1.0");
            assertThat(held).allMatch(f -> !f.isDone());

            hold.open();
            assertThat(held).allSatisfy(f -> assertThat(f.join().statusCode()).isEqualTo(200));
            assertThat(hold.held()).isZero();
            assertThat(client.get("/light").statusCode()).isEqualTo(200);
            assertThat(client.get("/metrics", OPERATOR).body())
                    .contains("keel_requests_hold_seconds_count 3")
                    .contains("keel_requests_held 0.0");
        }
    }

    @Test
    void aRequestHeldLongerThanTheWaitIsAnswered503WithRetryAfter() {
        try (Keel keel = keel(10)) {
            keel.holdRequests(Duration.ofMillis(200));
            keel.start();
            HttpResponse<String> late = TestClient.of(keel.port()).get("/light");
            assertThat(late.statusCode()).isEqualTo(503);
            assertThat(late.headers().firstValue("Retry-After")).isPresent();
            assertThat(late.body()).contains("did not open within 200 ms");
        }
    }

    @Test
    void requestsAreHeldOnceAndShutdownLetsHeldRequestsGo() {
        Keel keel = keel(10);
        RequestHold hold = keel.holdRequests(Duration.ofSeconds(20));
        assertThatThrownBy(() -> keel.holdRequests(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("once");
        keel.start();
        CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(
                () -> TestClient.of(keel.port()).get("/light"));
        await().atMost(Duration.ofSeconds(10)).until(() -> hold.held() == 1);
        keel.close();
        assertThat(hold.isOpen()).isTrue();
        assertThat(held.join().statusCode()).isEqualTo(200);
    }
}

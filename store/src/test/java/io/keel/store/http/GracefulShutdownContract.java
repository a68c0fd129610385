package io.keel.store.http;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM to a real store process with a request in flight: the request completes, new connections are refused,
 * and the process exits 0 within the grace period.
 */
abstract class GracefulShutdownContract extends ProcessStoreContract {
    private static final Duration GRACE = Duration.ofSeconds(15);

    private StoreProcess startStore() throws IOException {
        return closeAfter(StoreProcess.start(flags("--seed-orders=0", "--shutdown-grace=" + GRACE.toSeconds() + "s"),
                Duration.ofSeconds(60)));
    }

    @Test
    void sigtermLetsTheInFlightRequestFinishRefusesNewConnectionsAndExitsZero() throws Exception {
        StoreProcess store = startStore();
        Api api = Api.of(store.port());
        assertThat(api.get("/health/ready").statusCode()).isEqualTo(200);

        CompletableFuture<HttpResponse<byte[]>> inFlight = api.http().sendAsync(
                api.request("/admin/profile?seconds=4", StoreUnderTest.OPERATOR_TOKEN)
                        .POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        // The scrape itself is one request in flight; the profile is the other.
        await().atMost(Duration.ofSeconds(10)).until(() ->
                new Scrape(api.get("/metrics", StoreUnderTest.OPERATOR_TOKEN).body()).value("keel_http_inflight_requests") >= 2);

        long signalled = System.nanoTime();
        store.process().destroy();
        AtomicBoolean refusedWhileInFlight = new AtomicBoolean();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            boolean done = inFlight.isDone();
            if (refusesConnections(store.port())) {
                refusedWhileInFlight.set(!done);
                return true;
            }
            return false;
        });

        HttpResponse<byte[]> profile = inFlight.get(GRACE.toSeconds(), TimeUnit.SECONDS);
        assertThat(profile.statusCode()).as(store.log()).isEqualTo(200);
        assertThat(profile.body()).startsWith('F', 'L', 'R', 0);
        assertThat(store.process().waitFor(GRACE.toSeconds(), TimeUnit.SECONDS)).as(store.log()).isTrue();
        assertThat(store.process().exitValue()).as(store.log()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(GRACE);
        assertThat(refusedWhileInFlight).as("new connections were refused while the profile was still running")
                .isTrue();
        assertThat(store.log()).contains("received SIGTERM").contains("1 request(s) in flight");
    }

    private static boolean refusesConnections(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

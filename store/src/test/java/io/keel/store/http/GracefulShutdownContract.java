package io.keel.store.http;

import io.keel.store.db.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM to a real store process with a request in flight: the request completes, new connections are refused,
 * and the process exits 0 within the grace period.
 */
abstract class GracefulShutdownContract {
    private static final Duration GRACE = Duration.ofSeconds(15);
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    protected abstract Backend backend();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable closeable : cleanup.reversed()) {
            closeable.close();
        }
    }

    private StoreProcess startStore() throws IOException {
        Path dataDir = Files.createTempDirectory("keel-store-process");
        cleanup.add(() -> StoreUnderTest.deleteRecursively(dataDir));
        Optional<TestDatabase> schema = backend() == Backend.POSTGRES ? Optional.of(TestDatabase.postgres())
                : Optional.empty();
        schema.ifPresent(cleanup::add);
        List<String> flags = new ArrayList<>(List.of("--port=0", "--host=127.0.0.1", "--data-dir=" + dataDir,
                "--admin-token=" + StoreUnderTest.OPERATOR_TOKEN, "--seed-orders=0", "--password-memory-kib=1024",
                "--password-iterations=1", "--shutdown-grace=" + GRACE.toSeconds() + "s"));
        schema.ifPresent(db -> flags.add("--db-url=" + db.settings().jdbcUrl()));
        StoreProcess store = StoreProcess.start(flags, Duration.ofSeconds(60));
        cleanup.add(store);
        return store;
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

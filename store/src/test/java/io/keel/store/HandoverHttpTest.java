package io.keel.store;

import io.keel.runtime.config.Settings;
import io.keel.store.db.StartSteps;
import io.keel.store.http.StoreUnderTest;
import io.micrometer.core.instrument.Gauge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The store's side of a hand-over (issue 10) over real HTTP: listening with the database not open, requests held at
 * its gate (503 with Retry-After past the connection timeout), readiness false, then the open lets them through.
 */
class HandoverHttpTest {
    @TempDir
    Path dataDir;

    private final HttpClient client = HttpClient.newHttpClient();

    private HttpResponse<String> get(StoreService store, String path) {
        return client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + store.port() + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).join();
    }

    private static double gauge(StoreService store, String name) {
        Gauge gauge = store.keel().metrics().find(name).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    @Test
    void requestsWaitForTheDatabaseWhileTheStoreListensHoldingAndAreServedOnceItOpens() throws Exception {
        Map<String, String> settings = StoreUnderTest.settings(dataDir);
        // the held request waits through a first open (file created, migrated, seeded): generous on a busy machine
        settings.put("db-connection-timeout", "6s");
        settings.put("seed-orders", "20");
        try (StoreService store = StoreService.prepareHolding(Settings.of(settings), StoreParts.SHIPPED,
                StartSteps.begin()).listenHolding(StartSteps.begin())) {
            assertThat(get(store, "/health/ready").statusCode()).as("not ready before the open").isEqualTo(503);
            HttpResponse<String> tooLong = get(store, "/api/products?limit=1");
            assertThat(tooLong.statusCode()).as(tooLong.body()).isEqualTo(503);
            assertThat(tooLong.headers().firstValue("Retry-After")).isPresent();

            CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(
                    () -> get(store, "/api/products?limit=1"));
            // held in front of admission (no concurrency permit), not at the database's gate
            await().atMost(Duration.ofSeconds(10)).until(() -> gauge(store, "keel.requests.held") == 1);
            assertThat(gauge(store, "keel.db.open.waiting")).isZero();

            store.openDatabase(StartSteps.begin());

            HttpResponse<String> served = held.get(10, TimeUnit.SECONDS);
            assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
            assertThat(served.body()).as("the deferred seeding ran at the open").contains("\"items\":[{");
            assertThat(get(store, "/health/ready").statusCode()).isEqualTo(200);
        }
    }
}

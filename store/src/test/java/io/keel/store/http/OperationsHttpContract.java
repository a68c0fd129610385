package io.keel.store.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.keel.store.catalog.Product;
import io.keel.store.images.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.keel.store.http.Problems.assertProblem;
import static io.keel.store.http.Problems.fields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Metrics, health and the admin routes over HTTP. */
abstract class OperationsHttpContract extends StoreContract {
    private static final String DB_PASSWORD = "db-s3cret-pw";
    private Product mug;
    private Product lamp;
    private Api.User customer;
    private Api.User admin;

    @Override
    protected Map<String, String> settings() {
        return Map.of("db-password", DB_PASSWORD);
    }

    @BeforeAll
    void createUsersAndCatalog() {
        mug = store.product(1_250, "USD");
        lamp = store.product(4_999, "USD");
        customer = api.newUser();
        admin = api.newUser();
        store.update("UPDATE accounts SET role = 'admin' WHERE id = ?", admin.id());
    }

    private Scrape scrape() {
        HttpResponse<String> res = api.get("/metrics", StoreUnderTest.OPERATOR_TOKEN);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        return new Scrape(res.body());
    }

    @Test
    void theScrapeSaysThatTheFastArgon2AndJpegPathsAreActiveOnceAJpegThumbnailLoadedOpenCv() {
        // OpenCV and the Argon2 engine load after ready, or on first use, which waits for them (the sign-ups above
        // hashed passwords); each gauge comes with its load
        byte[] jpeg = TestImages.encode(TestImages.picture(64, 48, BufferedImage.TYPE_INT_RGB), "jpeg");
        HttpResponse<byte[]> thumb = api.sendForBytes(api.request("/api/images/thumbnail?width=16&height=16",
                customer.token()).header("Content-Type", "image/jpeg").POST(HttpRequest.BodyPublishers.ofByteArray(
                jpeg)));
        assertThat(thumb.statusCode()).isEqualTo(200);

        Scrape scrape = scrape();

        // the vector kernel where the CPU has 512-bit vectors, libargon2 elsewhere: one of the two, and only one
        assertThat(scrape.value("keel_native_library", "feature=\"argon2\"", "path=\"vector\"")
                + scrape.value("keel_native_library", "feature=\"argon2\"", "path=\"native\"")).isEqualTo(1.0);
        assertThat(scrape.value("keel_native_library", "feature=\"jpeg\"", "path=\"native\"")).isEqualTo(1.0);
        assertThat(scrape.value("keel_native_library", "path=\"java\"")).isZero();
    }

    @Test
    void metricsExposeRuntimeDatabasePoolAndCpuPoolFamilies() {
        api.get("/api/products");
        String text = scrape().text();
        assertThat(text).contains("http_server_requests_seconds_bucket{", "hikaricp_connections",
                "keel_cpu_pool_active", "keel_cpu_pool_queued", "keel_cpu_pool_size",
                "keel_cpu_task_seconds", "jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_gc_",
                "process_resident_memory_bytes", "process_cpu_usage");
        assertThat(new Scrape(text).value("process_resident_memory_bytes")).isGreaterThan(10_000_000);
    }

    @Test
    void requestMetricsAreLabelledByRouteTemplateNotRawPath() {
        String body = OrdersHttpContract.items(OrdersHttpContract.line(mug.id(), 1));
        long id = Api.json(api.post("/api/orders", customer.token(), body)).get("id").asLong();
        api.get("/api/orders/" + id, customer.token());
        api.get("/api/orders/987654321", customer.token());

        Scrape scrape = scrape();
        assertThat(scrape.value("http_server_requests_seconds_count", "route=\"/api/orders/{id}\"",
                "status=\"200\"", "method=\"GET\"")).isGreaterThanOrEqualTo(1);
        assertThat(scrape.value("http_server_requests_seconds_bucket", "route=\"/api/orders/{id}\"",
                "status=\"404\"", "outcome=\"CLIENT_ERROR\"")).isPositive();
        assertThat(scrape.text()).doesNotContain("route=\"/api/orders/" + id + "\"")
                .doesNotContain("route=\"/api/orders/987654321\"");
    }

    @Test
    void businessMetricsCountPlacedOrdersButNotReplays() {
        Scrape before = scrape();
        Api.User buyer = api.newUser();
        String big = OrdersHttpContract.items(OrdersHttpContract.line(mug.id(), 2), OrdersHttpContract.line(
                lamp.id(), 1));
        api.post("/api/orders", buyer.token(), big);
        for (int i = 0; i < 2; i++) {
            api.send(Api.jsonPost(api.request("/api/orders", buyer.token()).header("Idempotency-Key", "metrics"),
                    OrdersHttpContract.items(OrdersHttpContract.line(mug.id(), 1))));
        }

        Scrape after = scrape();
        assertThat(after.value("keel_orders_total") - before.value("keel_orders_total")).isEqualTo(2);
        assertThat(after.value("keel_revenue_cents_total", "currency=\"USD\"")
                - before.value("keel_revenue_cents_total", "currency=\"USD\"")).isCloseTo(7_499 + 1_250, within(0.1));
        assertThat(after.value("keel_order_value_cents_count") - before.value("keel_order_value_cents_count"))
                .isEqualTo(2);
        assertThat(after.value("keel_order_value_cents_sum") - before.value("keel_order_value_cents_sum"))
                .isCloseTo(8_749, within(0.1));
        assertThat(after.text()).contains("keel_order_value_cents_bucket{");
        assertThat(after.value("keel_active_users")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theDashboardStatsCarryTheFiguresTheStoreRegistered() {
        Api.User buyer = api.newUser();
        api.post("/api/orders", buyer.token(), OrdersHttpContract.items(OrdersHttpContract.line(lamp.id(), 1)));
        HttpResponse<String> res = api.get("/api/stats", StoreUnderTest.OPERATOR_TOKEN);
        assertThat(res.statusCode()).isEqualTo(200);
        Map<String, JsonNode> figures = new LinkedHashMap<>();
        Api.json(res).get("figures").forEach(f -> figures.put(f.get("name").asText(), f));

        assertThat(figures).containsKeys("orders", "revenuePerOrder", "orderValueP90", "activeUsers", "dbActive",
                "dbPending", "dbIdle", "dbMax");
        assertThat(figures.get("orders").get("total").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(figures.get("orders").get("per").asText()).isEqualTo("minute");
        assertThat(figures.get("revenuePerOrder").get("overall").asDouble()).isPositive();
        assertThat(figures.get("activeUsers").get("value").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(figures.get("dbMax").get("value").asLong()).isPositive();
        assertThat(figures.get("dbActive").get("group").asText()).isEqualTo("Database pool");
    }

    @Test
    void liveAndReadyAre200AndReadinessShowsTheDatabaseCheck() {
        HttpResponse<String> live = api.get("/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(Api.json(live).get("status").asText()).isEqualTo("UP");

        HttpResponse<String> ready = api.get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode checks = Api.json(ready).get("checks");
        assertThat(checks.get("database").get("status").asText()).isEqualTo("UP");
        assertThat(checks.get("draining").get("status").asText()).isEqualTo("UP");
    }

    @Test
    void adminConfigShowsTheEffectiveSettingsWithSecretsMasked() {
        HttpResponse<String> res = api.get("/admin/config", StoreUnderTest.OPERATOR_TOKEN);

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode config = Api.json(res);
        assertThat(config.get("admin-token").get("value").asText()).isEqualTo("****");
        assertThat(config.get("db-password").get("value").asText()).isEqualTo("****");
        assertThat(config.get("port").get("value").asText()).isEqualTo("0");
        assertThat(config.get("max-body-size").get("source").asText()).isEqualTo("default");
        assertThat(res.body()).doesNotContain(StoreUnderTest.OPERATOR_TOKEN).doesNotContain(DB_PASSWORD);
        assertThat(api.get("/admin/config", admin.token()).statusCode()).as("admin-role user").isEqualTo(200);
    }

    @Test
    void adminRoutesAre401WithoutATokenAnd403ForACustomer() {
        for (String path : new String[] {"/admin/config", "/admin/threads"}) {
            assertProblem(api.get(path), 401);
            assertProblem(api.get(path, customer.token()), 403);
            assertProblem(api.get(path, "bogus-token"), 401);
        }
        for (String path : new String[] {"/admin/heapdump", "/admin/profile?seconds=1"}) {
            assertProblem(api.send(api.request(path).POST(HttpRequest.BodyPublishers.noBody())), 401);
            assertProblem(api.send(api.request(path, customer.token()).POST(HttpRequest.BodyPublishers.noBody())),
                    403);
        }
    }

    @Test
    void threadDumpIsPlainTextListingThreads() {
        HttpResponse<String> res = api.get("/admin/threads", StoreUnderTest.OPERATOR_TOKEN);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        assertThat(res.body()).contains("\"main\"").contains("java.lang.Thread");
    }

    @Test
    void aHeapDumpIsWrittenUnderTheDataDirAndReportedWithItsSize() throws IOException {
        HttpResponse<String> res = api.send(api.request("/admin/heapdump", StoreUnderTest.OPERATOR_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(res.statusCode()).as(res.body()).isIn(200, 201);
        JsonNode artifact = Api.json(res);
        Path file = Path.of(artifact.get("path").asText());
        try {
            assertThat(file.toString()).endsWith(".hprof");
            assertThat(file.toAbsolutePath().startsWith(store.dataDir().toAbsolutePath())).isTrue();
            assertThat(Files.size(file)).isEqualTo(artifact.get("sizeBytes").asLong()).isGreaterThan(1_000_000);
            try (InputStream in = Files.newInputStream(file)) {
                assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("JAVA PROFILE");
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void aProfileIsAFlightRecordingOfTheRequestedSeconds() {
        long start = System.nanoTime();
        HttpResponse<byte[]> res = api.sendForBytes(api.request("/admin/profile?seconds=1",
                StoreUnderTest.OPERATOR_TOKEN).POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(1_000_000_000L);
        assertThat(res.body()).startsWith('F', 'L', 'R', 0);
    }

    @Test
    void aProfileOfZeroOrTooManyOrNonNumericSecondsIs400() {
        for (String seconds : new String[] {"0", "-1", "301", "abc"}) {
            JsonNode problem = assertProblem(api.send(api.request("/admin/profile?seconds=" + seconds,
                    StoreUnderTest.OPERATOR_TOKEN).POST(HttpRequest.BodyPublishers.noBody())), 400);
            assertThat(fields(problem)).as(seconds).containsExactly("seconds");
        }
    }

    @Test
    void withoutAnOperatorTokenConfiguredAdminRoutesAreClosedToCustomers() {
        try (StoreUnderTest closed = StoreUnderTest.start(backend(), Map.of("admin-token", ""))) {
            Api client = closed.api();
            Api.User user = client.newUser();
            assertProblem(client.get("/admin/config", user.token()), 403);
            assertProblem(client.get("/admin/config", StoreUnderTest.OPERATOR_TOKEN), 401);
            assertProblem(client.post("/api/orders", StoreUnderTest.OPERATOR_TOKEN, "{\"items\":[]}"), 401);
        }
    }
}

package io.keel.runtime.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.runtime.Keel;
import io.keel.runtime.KeelConfig;
import io.keel.runtime.TestClient;
import io.keel.runtime.config.Settings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The dashboard's routes on a real Keel server, wired the way an application wires them. */
class DashboardHttpTest {
    @TempDir
    static Path dataDir;
    static final String TOKEN = "dashboard-test-token";
    static Keel keel;
    static TestClient client;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        Settings settings = Settings.of(Map.of("port", "0", "host", "127.0.0.1", "data-dir", dataDir.toString(),
                "admin-token", TOKEN));
        keel = Keel.create(KeelConfig.from(settings));
        MeterRegistry registry = keel.metrics();
        Counter orders = registry.counter("keel.orders");
        Counter revenue = registry.counter("keel.revenue.cents", "currency", "EUR");
        DistributionSummary value = DistributionSummary.builder("keel.order.value.cents").register(registry);
        Gauge.builder("keel.active.users", () -> 4).strongReference(true).register(registry);
        Dashboard dashboard = Dashboard.create(registry, keel.json()).addFigure("openCarts", () -> 7);
        keel.routes(r -> r
                .get("/hello", (req, res) -> res.send("hi"))
                .get("/order", (req, res) -> {
                    orders.increment();
                    revenue.increment(2500);
                    value.record(2500);
                    res.send("ordered");
                })
                .get("/boom", (req, res) -> {
                    throw new IllegalStateException("boom");
                }));
        keel.routes(r -> dashboard.register(r, handler -> handler));
        keel.start();
        client = TestClient.of(keel.port());
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    private static JsonNode stats() throws Exception {
        HttpResponse<String> res = client.get("/api/stats", TOKEN);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
        assertThat(res.headers().firstValue("Cache-Control")).hasValue("no-store");
        return JSON.readTree(res.body());
    }

    @Test
    void statsAfterSomeTrafficShowRatesLatencyRuntimeAndBusinessFigures() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(client.get("/hello").statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < 3; i++) {
            client.get("/order");
        }
        assertThat(client.get("/boom").statusCode()).isEqualTo(500);
        assertThat(client.get("/no-such-page").statusCode()).isEqualTo(404);

        JsonNode doc = await().until(DashboardHttpTest::stats,
                d -> d.get("http").get("requestsTotal").asLong() >= 24);
        JsonNode http = doc.get("http");
        assertThat(http.get("requestsPerSecond").asDouble()).isPositive();
        assertThat(http.get("serverErrorsTotal").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(http.get("serverErrorRatio").asDouble()).isPositive();
        assertThat(http.get("clientErrorsTotal").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(http.get("clientErrorRatio").asDouble()).isPositive();
        assertThat(http.get("connectionsOpen").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(http.has("connectionsRefusedTotal")).isTrue();
        assertThat(http.has("headerTimeoutsTotal")).isTrue();
        assertThat(http.get("latencyP50Ms").asDouble()).isPositive();
        assertThat(http.get("latencyP99Ms").asDouble()).isGreaterThanOrEqualTo(http.get("latencyP50Ms").asDouble());
        assertThat(http.get("inFlight").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(doc.get("uptimeSeconds").asDouble()).isPositive();
        assertThat(doc.get("memory").get("heapUsedBytes").asLong()).isPositive();
        assertThat(doc.get("memory").get("heapMaxBytes").asLong())
                .isGreaterThanOrEqualTo(doc.get("memory").get("heapUsedBytes").asLong());
        assertThat(doc.get("memory").get("rssBytes").asDouble()).isPositive();
        assertThat(doc.get("memory").get("leakSuspected").asLong()).as("a fresh server has no verdict").isZero();
        assertThat(doc.get("memory").get("heapFloorSlopeBytesPerSecond").isNull()).as("no verdict yet").isTrue();
        assertThat(doc.get("cpu").get("processors").asLong()).isPositive();
        assertThat(doc.get("cpuPool").get("size").asLong()).isPositive();

        JsonNode business = doc.get("business");
        assertThat(business.get("ordersTotal").asLong()).isEqualTo(3);
        assertThat(business.get("ordersPerMinute").asDouble()).isPositive();
        assertThat(business.get("revenueCents").get("EUR").asLong()).isEqualTo(7500);
        assertThat(business.get("avgOrderValueCents").asDouble()).isEqualTo(2500.0);
        assertThat(business.get("activeUsers").asLong()).isEqualTo(4);
        assertThat(business.get("openCarts").asInt()).isEqualTo(7);
    }

    @Test
    void statsHaveEverySectionAndMetersThisServiceLacksAreNull() throws Exception {
        JsonNode doc = stats();
        for (String key : List.of("time", "uptimeSeconds", "windowSeconds", "http", "memory", "cpu", "scheduler",
                "cpuPool", "db", "sse", "business")) {
            assertThat(doc.has(key)).as(key).isTrue();
        }
        for (String key : List.of("requestsPerSecond", "serverErrorRatio", "latencyP50Ms", "latencyP99Ms",
                "latencyP999Ms", "inFlight", "shedTotal")) {
            assertThat(doc.get("http").has(key)).as(key).isTrue();
        }
        // no database pool and no event stream in this service
        assertThat(doc.get("db").get("active").isNull()).isTrue();
        assertThat(doc.get("db").get("pending").isNull()).isTrue();
        assertThat(doc.get("sse").get("clients").isNull()).isTrue();
    }

    @Test
    void theRootIsTheSelfContainedPageThatPollsTheStats() {
        HttpResponse<String> res = client.get("/");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).get().asString().startsWith("text/html");
        assertThat(res.headers().firstValue("Content-Security-Policy")).get().asString()
                .contains("default-src 'none'").contains("connect-src 'self'");
        assertThat(res.body())
                .startsWith("<!doctype html>")
                .contains("fetch(\"api/stats\"")
                .contains("setTimeout(poll, POLL_MS)")
                .doesNotContain("<link", "src=\"http", "@import", "url(http");
    }
}

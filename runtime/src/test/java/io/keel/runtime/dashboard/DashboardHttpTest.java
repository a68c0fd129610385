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
        Counter orders = registry.counter("shop.orders");
        Counter revenue = registry.counter("shop.revenue.cents", "currency", "EUR");
        DistributionSummary value = DistributionSummary.builder("shop.order.value.cents").register(registry);
        Gauge.builder("shop.active.users", () -> 4).strongReference(true).register(registry);
        keel.dashboard()
                .addFigure(Figure.rate("orders", "shop.orders").perMinute().group("Shop"))
                .addFigure(Figure.ratio("revenuePerOrder", "shop.revenue.cents", "shop.orders").scale(0.01)
                        .unit("EUR").group("Shop"))
                .addFigure(Figure.gauge("activeUsers", "shop.active.users").group("Shop"))
                .addFigure(Figure.gauge("openCarts", () -> 7));
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

        JsonNode figures = doc.get("figures");
        assertThat(figures).extracting(f -> f.get("name").asText())
                .containsExactly("orders", "revenuePerOrder", "activeUsers", "openCarts");
        assertThat(figures.get(0).get("total").asLong()).isEqualTo(3);
        assertThat(figures.get(0).get("value").asDouble()).isPositive();
        assertThat(figures.get(0).get("group").asText()).isEqualTo("Shop");
        assertThat(figures.get(1).get("overall").asDouble()).isEqualTo(25.0);
        assertThat(figures.get(1).get("unit").asText()).isEqualTo("EUR");
        assertThat(figures.get(2).get("value").asLong()).isEqualTo(4);
        assertThat(figures.get(3).get("value").asInt()).isEqualTo(7);
    }

    @Test
    void statsHaveEverySectionAndMetersThisServiceLacksAreNull() throws Exception {
        JsonNode doc = stats();
        for (String key : List.of("time", "uptimeSeconds", "windowSeconds", "http", "memory", "cpu", "scheduler",
                "cpuPool", "sse", "figures")) {
            assertThat(doc.has(key)).as(key).isTrue();
        }
        for (String key : List.of("requestsPerSecond", "serverErrorRatio", "latencyP50Ms", "latencyP99Ms",
                "latencyP999Ms", "inFlight", "shedTotal")) {
            assertThat(doc.get("http").has(key)).as(key).isTrue();
        }
        // no event stream in this service; and the runtime itself shows no service's database pool
        assertThat(doc.get("sse").get("clients").isNull()).isTrue();
        assertThat(doc.has("db")).isFalse();
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

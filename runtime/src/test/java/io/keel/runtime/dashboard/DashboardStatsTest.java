package io.keel.runtime.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.keel.runtime.http.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The stats document against a real Prometheus registry and a clock the test moves. */
class DashboardStatsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final Json json = Json.create();
    private final Dashboard dashboard = Dashboard.create(registry, json, clock::get);

    @AfterEach
    void close() {
        registry.close();
    }

    private void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    private void requests(String route, int status, int n, Duration each) {
        Timer timer = Timer.builder("http.server.requests").tag("method", "GET").tag("route", route)
                .tag("status", Integer.toString(status)).tag("outcome", status >= 500 ? "SERVER_ERROR" : "SUCCESS")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
        for (int i = 0; i < n; i++) {
            timer.record(each);
        }
    }

    private void gauge(String name, double value) {
        Gauge.builder(name, () -> value).strongReference(true).register(registry);
    }

    /** The document as a client sees it: serialised by the runtime's Json and parsed back. */
    private JsonNode stats() throws Exception {
        return json.mapper().readTree(json.bytes(dashboard.stats()));
    }

    @Test
    void requestAndErrorRatesCoverTheWindowSinceTheBaselineSample() throws Exception {
        requests("/hello", 200, 45, Duration.ofMillis(5));
        requests("/boom", 500, 5, Duration.ofMillis(5));
        advance(Duration.ofSeconds(10));
        JsonNode http = stats().get("http");
        assertThat(http.get("requestsPerSecond").asDouble()).isEqualTo(5.0);
        assertThat(http.get("serverErrorsPerSecond").asDouble()).isEqualTo(0.5);
        assertThat(http.get("serverErrorRatio").asDouble()).isEqualTo(0.1);
        assertThat(http.get("requestsTotal").asLong()).isEqualTo(50);

        advance(Duration.ofSeconds(10));
        JsonNode quiet = stats();
        assertThat(quiet.get("windowSeconds").asDouble()).isEqualTo(10.0);
        assertThat(quiet.get("http").get("requestsPerSecond").asDouble()).isZero();
        assertThat(quiet.get("http").get("serverErrorRatio").isNull()).isTrue();
        assertThat(quiet.get("http").get("latencyP99Ms").isNull()).isTrue();
    }

    @Test
    void latencyPercentilesDescribeOnlyTheRecentWindow() throws Exception {
        requests("/slow", 200, 100, Duration.ofMillis(10));
        advance(Duration.ofSeconds(10));
        double early = stats().get("http").get("latencyP50Ms").asDouble();
        assertThat(early).isBetween(8.0, 12.0);

        requests("/slow", 200, 100, Duration.ofMillis(500));
        advance(Duration.ofSeconds(10));
        JsonNode http = stats().get("http");
        assertThat(http.get("latencyP50Ms").asDouble()).isBetween(400.0, 600.0);
        assertThat(http.get("latencyP99Ms").asDouble()).isBetween(400.0, 600.0);
        assertThat(http.get("latencyP999Ms").asDouble()).isGreaterThanOrEqualTo(http.get("latencyP99Ms").asDouble());
    }

    @Test
    void theDashboardsOwnPollingIsNotCountedAsTraffic() throws Exception {
        requests(Dashboard.STATS_PATH, 200, 40, Duration.ofMillis(1));
        requests("/hello", 200, 10, Duration.ofMillis(1));
        advance(Duration.ofSeconds(10));
        JsonNode http = stats().get("http");
        assertThat(http.get("requestsTotal").asLong()).isEqualTo(10);
        assertThat(http.get("requestsPerSecond").asDouble()).isEqualTo(1.0);
    }

    @Test
    void aDocumentYoungerThanAQuarterSecondIsServedAgain() throws Exception {
        advance(Duration.ofSeconds(1));
        Map<String, Object> first = dashboard.stats();
        requests("/hello", 200, 10, Duration.ofMillis(1));
        advance(Duration.ofMillis(100));
        assertThat(dashboard.stats()).isSameAs(first);
        advance(Duration.ofMillis(200));
        assertThat(stats().get("http").get("requestsTotal").asLong()).isEqualTo(10);
    }

    @Test
    void missingMetersAreNullsNotErrors() throws Exception {
        SimpleMeterRegistry empty = new SimpleMeterRegistry();
        JsonNode doc = json.mapper().readTree(json.bytes(Dashboard.create(empty, json).stats()));
        for (String section : List.of("http", "memory", "cpu", "scheduler", "cpuPool", "sse")) {
            assertThat(doc.get(section).isObject()).as(section).isTrue();
        }
        assertThat(doc.get("uptimeSeconds").isNull()).isTrue();
        assertThat(doc.get("memory").get("heapUsedBytes").isNull()).isTrue();
        assertThat(doc.get("memory").get("gcPauseFraction").isNull()).isTrue();
        assertThat(doc.get("http").get("latencyP99Ms").isNull()).isTrue();
        assertThat(doc.get("http").get("inFlight").isNull()).isTrue();
        assertThat(doc.get("http").get("shedPerSecond").isNull()).isTrue();
        assertThat(doc.get("cpuPool").get("rejectedPerSecond").isNull()).isTrue();
        assertThat(doc.get("figures").isArray()).isTrue();
        assertThat(doc.get("figures")).isEmpty();
    }

    @Test
    void aRegistryWithoutBucketsStillGivesRatesButNoPercentiles() throws Exception {
        SimpleMeterRegistry simple = new SimpleMeterRegistry();
        Dashboard plain = Dashboard.create(simple, json, clock::get);
        Timer.builder("http.server.requests").tag("route", "/x").register(simple).record(5, TimeUnit.MILLISECONDS);
        advance(Duration.ofSeconds(1));
        JsonNode http = json.mapper().readTree(json.bytes(plain.stats())).get("http");
        assertThat(http.get("requestsPerSecond").asDouble()).isEqualTo(1.0);
        assertThat(http.get("latencyP50Ms").isNull()).isTrue();
    }

    @Test
    void aCounterThatWentBackwardsGivesNoRateRatherThanANegativeOne() throws Exception {
        Counter shed = registry.counter("keel.requests.shed", "reason", "concurrency");
        shed.increment(10);
        advance(Duration.ofSeconds(10));
        assertThat(stats().get("http").get("shedPerSecond").asDouble()).isEqualTo(1.0);
        registry.remove(shed);
        registry.counter("keel.requests.shed", "reason", "concurrency").increment(1);
        advance(Duration.ofSeconds(10));
        JsonNode http = stats().get("http");
        assertThat(http.get("shedTotal").asLong()).isEqualTo(1);
        assertThat(http.get("shedPerSecond").isNull()).isTrue();
    }

    @Test
    void runtimeGaugesAreReadFromTheirMeters() throws Exception {
        gauge("keel.cpu.pool.queued", 3);
        gauge("keel.cpu.pool.queue.capacity", 64);
        registry.counter("keel.cpu.pool.rejected", "task", "thumb", "reason", "queue_full").increment(4);
        registry.counter("keel.cpu.pool.rejected", "task", "pdf", "reason", "queue_timeout").increment(1);
        gauge("keel.sse.clients", 5);
        gauge("keel.scheduler.lag.window.max", 0.042);
        Gauge.builder("jvm.memory.used", () -> 100).tags("area", "heap", "id", "old").register(registry);
        Gauge.builder("jvm.memory.used", () -> 20).tags("area", "heap", "id", "young").register(registry);
        Gauge.builder("jvm.memory.used", () -> 999).tags("area", "nonheap", "id", "meta").register(registry);
        Gauge.builder("jvm.memory.max", () -> 1000).tags("area", "heap", "id", "old").register(registry);
        Gauge.builder("jvm.memory.max", () -> -1).tags("area", "heap", "id", "young").register(registry);
        Timer.builder("jvm.gc.pause").tag("gc", "G1 Young").register(registry).record(Duration.ofMillis(400));
        Timer.builder("jvm.gc.pause").tag("gc", "G1 Old").register(registry).record(Duration.ofMillis(100));
        advance(Duration.ofSeconds(5));
        JsonNode doc = stats();
        JsonNode memory = doc.get("memory");
        assertThat(memory.get("heapUsedBytes").asLong()).isEqualTo(120);
        assertThat(memory.get("heapMaxBytes").asLong()).isEqualTo(1000);
        assertThat(memory.get("gcPausesTotal").asLong()).isEqualTo(2);
        assertThat(memory.get("gcPauseMaxMs").asDouble()).isEqualTo(400.0);
        assertThat(memory.get("gcPauseFraction").asDouble()).isEqualTo(0.1);
        assertThat(doc.get("cpuPool").get("queued").asLong()).isEqualTo(3);
        assertThat(doc.get("cpuPool").get("queueCapacity").asLong()).isEqualTo(64);
        assertThat(doc.get("cpuPool").get("rejectedTotal").asLong()).isEqualTo(5);
        assertThat(doc.get("cpuPool").get("rejectedPerSecond").asDouble()).isEqualTo(1.0);
        assertThat(doc.has("db")).as("the runtime knows no service's database pool").isFalse();
        assertThat(doc.get("sse").get("clients").asLong()).isEqualTo(5);
        assertThat(doc.get("scheduler").get("lagMaxMs").asDouble()).isEqualTo(42.0);
    }
}

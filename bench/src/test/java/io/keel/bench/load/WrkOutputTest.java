package io.keel.bench.load;

import io.keel.bench.BenchException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WrkOutputTest {
    private static final String OUTPUT = """
            Running 10s test @ http://127.0.0.1:8080
              2 threads and 64 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     3.41ms    2.10ms  45.20ms   88.12%
                Req/Sec     9.71k     1.02k   11.80k    71.00%
              Latency Distribution
                 50%    2.95ms
                 75%    4.01ms
                 90%    5.70ms
                 99%   12.40ms
              193291 requests in 10.02s, 61.20MB read
              Socket errors: connect 0, read 3, write 0, timeout 2
              Non-2xx or 3xx responses: 17
            Requests/sec:  19290.52
            Transfer/sec:      6.11MB
            """;

    @Test
    void parsesThroughputPercentilesAndErrors() {
        PeakResult r = WrkOutput.parse("light-order", "wrk", OUTPUT);
        assertThat(r.requestsPerSec()).isEqualTo(19290.52);
        assertThat(r.requests()).isEqualTo(193291);
        assertThat(r.seconds()).isEqualTo(10.02);
        assertThat(r.p50Ms()).isEqualTo(2.95);
        assertThat(r.p99Ms()).isEqualTo(12.40);
        assertThat(r.errors()).isEqualTo(22);
    }

    @Test
    void convertsWrkTimeUnits() {
        assertThat(WrkOutput.toMs(250, "us")).isEqualTo(0.25);
        assertThat(WrkOutput.toMs(1.5, "s")).isEqualTo(1500);
        assertThat(WrkOutput.toMs(2, "m")).isEqualTo(120_000);
    }

    @Test
    void rejectsOutputThatIsNotFromWrk() {
        assertThatThrownBy(() -> WrkOutput.parse("x", "wrk", "unable to connect to 127.0.0.1:8080"))
                .isInstanceOf(BenchException.class).hasMessageContaining("Requests/sec");
    }

    @Test
    void luaScriptSetsHeadersAndRotatesPathsWithQuotesEscaped() {
        String lua = WrkRunner.script(Map.of("Authorization", "Bearer a\"b"), List.of("/api/orders/1", "/api/orders/2"));
        assertThat(lua).contains("wrk.headers[\"Authorization\"] = \"Bearer a\\\"b\"")
                .contains("local paths = {\"/api/orders/1\", \"/api/orders/2\"}")
                .contains("wrk.format(\"GET\", paths[i])");
        assertThatThrownBy(() -> WrkRunner.script(Map.of("X", "a\nb"), List.of("/")))
                .isInstanceOf(BenchException.class);
    }
}

package io.keel.bench.sample;

import io.keel.bench.BenchException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrometheusTextTest {
    static final String TEXT = """
            # HELP jvm_memory_used_bytes The amount of used memory
            # TYPE jvm_memory_used_bytes gauge
            jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.2E7
            jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 3000000.0
            jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 5.0E7

            keel_scheduler_lag_seconds_max 3.6
            keel_scheduler_lag_window_max_seconds 0.012
            keel_cpu_pool_active 3.0 1700000000000
            keel_cpu_pool_rejected_total{pool="cpu"} 7
            hikaricp_connections_active{pool="a"} 2
            hikaricp_connections_active{pool="b"} 1
            weird{path="C:\\\\x",msg="say \\"hi\\"\\n",empty=""} NaN
            up +Inf
            """;

    @Test
    void sumsSeriesMatchingLabels() {
        PrometheusText p = PrometheusText.parse(TEXT);
        assertThat(p.sum("jvm_memory_used_bytes", Map.of("area", "heap")).getAsDouble()).isEqualTo(15_000_000.0);
        assertThat(p.sum("hikaricp_connections_active", Map.of()).getAsDouble()).isEqualTo(3.0);
        assertThat(p.max("keel_scheduler_lag_window_max_seconds", Map.of()).getAsDouble()).isEqualTo(0.012);
        assertThat(p.sum("keel_cpu_pool_active", Map.of()).getAsDouble()).as("timestamp ignored").isEqualTo(3.0);
        assertThat(p.sum("keel_cpu_pool_rejected_total", Map.of("pool", "cpu")).getAsDouble()).isEqualTo(7.0);
        assertThat(p.sum("absent", Map.of())).isEmpty();
        assertThat(p.sum("jvm_memory_used_bytes", Map.of("area", "offheap"))).isEmpty();
    }

    @Test
    void unescapesLabelValuesAndReadsSpecialValues() {
        PrometheusText p = PrometheusText.parse(TEXT);
        var weird = p.samples().stream().filter(s -> s.name().equals("weird")).findFirst().orElseThrow();
        assertThat(weird.labels()).containsEntry("path", "C:\\x").containsEntry("msg", "say \"hi\"\n")
                .containsEntry("empty", "");
        assertThat(weird.value()).isNaN();
        assertThat(p.max("up", Map.of()).getAsDouble()).isInfinite();
        assertThat(p.samples()).hasSize(11);
    }

    @Test
    void malformedLinesFailWithTheirLineNumber() {
        assertThatThrownBy(() -> PrometheusText.parse("ok 1\nbroken{a=\"x\" 1\n"))
                .isInstanceOf(BenchException.class).hasMessageContaining("line 2");
        assertThatThrownBy(() -> PrometheusText.parse("novalue\n"))
                .isInstanceOf(BenchException.class).hasMessageContaining("line 1");
        assertThatThrownBy(() -> PrometheusText.parse("x{a=1} 2\n")).isInstanceOf(BenchException.class);
        assertThatThrownBy(() -> PrometheusText.parse("x abc\n")).isInstanceOf(BenchException.class);
    }
}

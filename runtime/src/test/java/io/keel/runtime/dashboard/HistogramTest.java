package io.keel.runtime.dashboard;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class HistogramTest {
    private static Histogram of(double[] bounds, double[] cumulative, double count) {
        return new Histogram(bounds, cumulative, count);
    }

    @Test
    void quantilesInterpolateInsideTheirBucketLikePrometheus() {
        // 10 values up to 0.1 s, 10 more between 0.1 s and 0.2 s
        Histogram h = of(new double[] {0.1, 0.2, 0.4}, new double[] {10, 20, 20}, 20);
        assertThat(h.quantile(0.25).getAsDouble()).isCloseTo(0.05, within(1e-9));
        assertThat(h.quantile(0.5).getAsDouble()).isCloseTo(0.1, within(1e-9));
        assertThat(h.quantile(0.75).getAsDouble()).isCloseTo(0.15, within(1e-9));
        assertThat(h.quantile(1.0).getAsDouble()).isCloseTo(0.2, within(1e-9));
    }

    @Test
    void aQuantileAboveTheLastBoundIsThatBound() {
        Histogram h = of(new double[] {0.1, 0.2}, new double[] {1, 1}, 10);
        assertThat(h.quantile(0.99).getAsDouble()).isEqualTo(0.2);
    }

    @Test
    void nothingRecordedOrNoBucketsGivesNoQuantile() {
        assertThat(Histogram.EMPTY.quantile(0.5)).isEmpty();
        assertThat(of(new double[] {0.1}, new double[] {0}, 0).quantile(0.5)).isEmpty();
        assertThat(of(new double[0], new double[0], 5).quantile(0.5)).isEmpty();
    }

    @Test
    void aQuantileOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> Histogram.EMPTY.quantile(1.5)).hasMessageContaining("quantile was 1.5");
        assertThatThrownBy(() -> Histogram.EMPTY.quantile(-0.1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sinceSubtractsAnEarlierSnapshotBucketByBucket() {
        Histogram before = of(new double[] {0.1, 0.2}, new double[] {5, 6}, 6);
        Histogram after = of(new double[] {0.1, 0.2}, new double[] {5, 16}, 16);
        Histogram window = after.since(before);
        assertThat(window.count()).isEqualTo(10);
        assertThat(window.cumulative()).containsExactly(0, 10);
        assertThat(window.quantile(0.5).getAsDouble()).isCloseTo(0.15, within(1e-9));
    }

    @Test
    void sinceFallsBackToTheWholeHistogramWhenTheSnapshotsDoNotLineUp() {
        Histogram now = of(new double[] {0.1, 0.2}, new double[] {5, 6}, 6);
        assertThat(now.since(of(new double[] {0.1}, new double[] {1}, 1))).isSameAs(now);
        assertThat(now.since(of(new double[] {0.1, 0.2}, new double[] {7, 7}, 7))).isSameAs(now);
        assertThat(now.since(of(new double[] {0.1, 0.2}, new double[] {5, 6}, 6)).count()).isZero();
    }

    @Test
    void mergeAddsTimersOfOneFamilyAndUnderEstimatesForeignBounds() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Timer a = timer(registry, "a", Duration.ofSeconds(60));
        Timer b = timer(registry, "b", Duration.ofSeconds(60));
        a.record(Duration.ofMillis(3));
        b.record(Duration.ofMillis(3));
        b.record(Duration.ofSeconds(2));
        Histogram merged = Histogram.merge(List.of(a, b));
        assertThat(merged.count()).isEqualTo(3);
        assertThat(merged.quantile(0.5).getAsDouble()).isLessThan(0.01);
        assertThat(merged.quantile(0.99).getAsDouble()).isBetween(1.0, 3.0);

        Timer other = timer(registry, "c", Duration.ofSeconds(5));
        other.record(Duration.ofMillis(3));
        Histogram mixed = Histogram.merge(List.of(a, other));
        assertThat(mixed.count()).isEqualTo(2);
        double[] c = mixed.cumulative();
        for (int i = 1; i < c.length; i++) {
            assertThat(c[i]).isGreaterThanOrEqualTo(c[i - 1]);
        }
        assertThat(c[c.length - 1]).isEqualTo(2);
        registry.close();
    }

    private static Timer timer(PrometheusMeterRegistry registry, String route, Duration max) {
        return Timer.builder("t").tag("route", route).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(max).register(registry);
    }
}

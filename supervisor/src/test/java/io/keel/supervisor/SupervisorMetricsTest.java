package io.keel.supervisor;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SupervisorMetricsTest {
    private final SupervisorMetrics metrics = new SupervisorMetrics(() -> 2, () -> 0);

    @Test
    void workerStartTimesFillTheHistogramCumulativelyAndTheLastOneIsKept() {
        metrics.workerStarted(Duration.ofMillis(800));
        metrics.workerStarted(Duration.ofMillis(2_500));

        assertThat(metrics.scrape())
                .contains("# TYPE keel_supervisor_worker_start_seconds histogram")
                .contains("keel_supervisor_worker_start_seconds_bucket{le=\"0.75\"} 0")
                .contains("keel_supervisor_worker_start_seconds_bucket{le=\"1.0\"} 1")
                .contains("keel_supervisor_worker_start_seconds_bucket{le=\"2.0\"} 1")
                .contains("keel_supervisor_worker_start_seconds_bucket{le=\"3.0\"} 2")
                .contains("keel_supervisor_worker_start_seconds_bucket{le=\"+Inf\"} 2")
                .contains("keel_supervisor_worker_start_seconds_sum 3.3")
                .contains("keel_supervisor_worker_start_seconds_count 2")
                .contains("keel_supervisor_worker_last_start_seconds 2.5");
    }

    @Test
    void beforeAnyWorkerIsReadyTheHistogramIsEmptyAndTheLastStartIsNaN() {
        assertThat(metrics.scrape())
                .contains("keel_supervisor_worker_start_seconds_count 0")
                .contains("keel_supervisor_worker_last_start_seconds NaN");
    }
}

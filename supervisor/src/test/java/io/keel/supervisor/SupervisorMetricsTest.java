package io.keel.supervisor;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SupervisorMetricsTest {
    private final SupervisorMetrics metrics = new SupervisorMetrics(() -> 2, () -> 0, () -> 1);

    @Test
    void workerStartTimesFillTheHistogramCumulativelyAndTheLastOneIsKept() {
        metrics.workerStarted(SupervisorMetrics.COLD, Duration.ofMillis(800));
        metrics.workerStarted(SupervisorMetrics.COLD, Duration.ofMillis(2_500));

        assertThat(metrics.scrape())
                .contains("# TYPE keel_supervisor_worker_start_seconds histogram")
                .contains("keel_supervisor_worker_start_seconds_bucket{start=\"cold\",le=\"0.75\"} 0")
                .contains("keel_supervisor_worker_start_seconds_bucket{start=\"cold\",le=\"1.0\"} 1")
                .contains("keel_supervisor_worker_start_seconds_bucket{start=\"cold\",le=\"2.0\"} 1")
                .contains("keel_supervisor_worker_start_seconds_bucket{start=\"cold\",le=\"3.0\"} 2")
                .contains("keel_supervisor_worker_start_seconds_bucket{start=\"cold\",le=\"+Inf\"} 2")
                .contains("keel_supervisor_worker_start_seconds_sum{start=\"cold\"} 3.3")
                .contains("keel_supervisor_worker_start_seconds_count{start=\"cold\"} 2")
                .contains("keel_supervisor_worker_last_start_seconds{start=\"cold\"} 2.5");
    }

    @Test
    void anActivatedStandbysStartIsCountedApartFromColdStarts() {
        metrics.workerStarted(SupervisorMetrics.COLD, Duration.ofMillis(6_000));
        metrics.workerStarted(SupervisorMetrics.STANDBY, Duration.ofMillis(300));
        metrics.activation();

        assertThat(metrics.scrape())
                .contains("keel_supervisor_worker_start_seconds_bucket{start=\"standby\",le=\"0.5\"} 1")
                .contains("keel_supervisor_worker_start_seconds_count{start=\"standby\"} 1")
                .contains("keel_supervisor_worker_start_seconds_bucket{start=\"cold\",le=\"0.5\"} 0")
                .contains("keel_supervisor_worker_start_seconds_count{start=\"cold\"} 1")
                .contains("keel_supervisor_worker_last_start_seconds{start=\"standby\"} 0.3")
                .contains("keel_supervisor_standby_activations_total 1")
                .contains("keel_supervisor_standby_workers 1");
    }

    @Test
    void beforeAnyWorkerIsReadyTheHistogramIsEmptyAndTheLastStartIsNaN() {
        assertThat(metrics.scrape())
                .contains("keel_supervisor_worker_start_seconds_count{start=\"cold\"} 0")
                .contains("keel_supervisor_worker_start_seconds_count{start=\"standby\"} 0")
                .contains("keel_supervisor_worker_last_start_seconds{start=\"cold\"} NaN");
    }
}

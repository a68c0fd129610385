package io.keel.runtime.lag;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class SchedulerLagMonitorTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** A clock that only moves when the probe "sleeps", by however long the test says that sleep really took. */
    private final AtomicLong clock = new AtomicLong();
    private final BlockingQueue<Duration> actualSleeps = new LinkedBlockingQueue<>();

    private SchedulerLagMonitor scripted(Duration window) {
        return SchedulerLagMonitor.start(registry, Duration.ofMillis(100), window, clock::get,
                asked -> clock.addAndGet(actualSleeps.take().toNanos()));
    }

    private double samples() {
        return registry.get("keel.scheduler.lag").timer().count();
    }

    @Test
    void recordsHowMuchLaterThanAskedTheProbeWokeUp() {
        try (var monitor = scripted(Duration.ofSeconds(10))) {
            actualSleeps.add(Duration.ofMillis(100));
            actualSleeps.add(Duration.ofMillis(400)); // a 300 ms stall
            actualSleeps.add(Duration.ofMillis(105));
            await().until(() -> samples() == 3);

            var timer = registry.get("keel.scheduler.lag").timer();
            assertThat(timer.max(TimeUnit.MILLISECONDS)).isEqualTo(300);
            assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(305);
            assertThat(monitor.maxLag()).isEqualTo(Duration.ofMillis(300));
            assertThat(registry.get("keel.scheduler.lag.window.max").gauge().value()).isEqualTo(0.3);
        }
    }

    @Test
    void theWindowMaxForgetsAStallAfterTwoWindows() {
        try (var monitor = scripted(Duration.ofSeconds(1))) {
            actualSleeps.add(Duration.ofMillis(400));
            await().until(() -> samples() == 1);
            assertThat(monitor.maxLag()).isEqualTo(Duration.ofMillis(300));

            for (int i = 0; i < 25; i++) {
                actualSleeps.add(Duration.ofMillis(100));
            }
            await().until(() -> samples() == 26);
            assertThat(monitor.maxLag()).isZero();
        }
    }

    @Test
    void detectsARealStallWhenEveryCarrierThreadIsBusy() throws Exception {
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
        try (var monitor = SchedulerLagMonitor.start(registry, Duration.ofMillis(10), Duration.ofSeconds(10))) {
            await().until(() -> samples() >= 2);
            // Virtual threads are not time-sliced: spinning ones hold every carrier until they finish.
            var spinners = new ArrayList<Thread>();
            for (int i = 0; i < carriers; i++) {
                spinners.add(Thread.ofVirtual().start(() -> {
                    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                }));
            }
            for (Thread spinner : spinners) {
                spinner.join();
            }
            await().untilAsserted(() -> assertThat(monitor.maxLag()).isGreaterThan(Duration.ofMillis(150)));
        }
    }

    @Test
    void exportsAnAggregatableHistogramWithSloBuckets() {
        var prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (var monitor = SchedulerLagMonitor.start(prometheus, Duration.ofMillis(100), Duration.ofSeconds(10),
                clock::get, asked -> clock.addAndGet(actualSleeps.take().toNanos()))) {
            actualSleeps.add(Duration.ofMillis(130));
            await().until(() -> prometheus.scrape().contains("keel_scheduler_lag_seconds_count 1"));
            assertThat(prometheus.scrape()).contains(
                    "keel_scheduler_lag_seconds_bucket{le=\"0.025\"} 0",
                    "keel_scheduler_lag_seconds_bucket{le=\"0.05\"} 1",
                    "keel_scheduler_lag_seconds_bucket{le=\"0.25\"} 1",
                    "keel_scheduler_lag_window_max_seconds 0.03");
        }
        assertThat(prometheus.scrape()).doesNotContain("keel_scheduler_lag");
    }

    @Test
    void closeStopsTheProbe() {
        var monitor = scripted(Duration.ofSeconds(10));
        monitor.close();
        actualSleeps.add(Duration.ofMillis(500));
        assertThat(registry.find("keel.scheduler.lag").timer()).isNull();
        await().during(Duration.ofMillis(200)).until(() -> actualSleeps.size() == 1);
    }

    @Test
    void rejectsAnIntervalThatIsNotPositiveOrAWindowShorterThanIt() {
        assertThatThrownBy(() -> SchedulerLagMonitor.start(registry, Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("interval was PT0S");
        assertThatThrownBy(() -> SchedulerLagMonitor.start(registry, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("window >= interval");
    }
}

package io.keel.runtime.cpu;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CpuPoolSettingsTest {
    @Test
    void defaultsUseOneThreadPerProcessorEightQueuedPerThreadAndTwoSecondDeadline() {
        var defaults = CpuPoolSettings.defaults();
        int cpus = Runtime.getRuntime().availableProcessors();
        assertThat(defaults.threads()).isEqualTo(cpus);
        assertThat(defaults.queueCapacity()).isEqualTo(cpus * 8);
        assertThat(defaults.maxQueueWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(defaults.queueWait("any")).isEqualTo(Duration.ofSeconds(2));
        assertThat(defaults.taskTimeout("any")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void perTaskOverridesApplyOnlyToTheirTask() {
        var settings = CpuPoolSettings.defaults().withTaskTimeout("pdf", Duration.ofSeconds(5))
                .withTaskQueueWait("pdf", Duration.ofMillis(500));
        assertThat(settings.taskTimeout("pdf")).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.queueWait("pdf")).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.taskTimeout("hash")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void invalidValuesFailNamingTheKeyTheValueAndTheAllowedRange() {
        assertThatThrownBy(() -> CpuPoolSettings.defaults().withThreads(0))
                .hasMessage("cpu-threads was 0, allowed: 1..1024");
        assertThatThrownBy(() -> CpuPoolSettings.defaults().withQueueCapacity(-1))
                .hasMessage("cpu-queue was -1, allowed: 1..1000000");
        assertThatThrownBy(() -> new CpuPoolSettings(1, 1, Duration.ZERO, Map.of()))
                .hasMessage("cpu.max-queue-wait was PT0S, allowed: a positive duration");
        assertThatThrownBy(() -> CpuPoolSettings.defaults().withTaskTimeout("pdf", Duration.ofSeconds(-1)))
                .hasMessage("cpu.task-timeouts.pdf was PT-1S, allowed: a positive duration");
        assertThatThrownBy(() -> CpuPoolSettings.defaults().withNice(20)).hasMessage("cpu-nice was 20, allowed: 0..19");
        assertThatThrownBy(() -> CpuPoolSettings.defaults().withNice(-1)).hasMessage("cpu-nice was -1, allowed: 0..19");
        assertThatThrownBy(() -> CpuPoolSettings.defaults().withFairQuantum(Duration.ZERO))
                .hasMessage("cpu-fair-quantum was PT0S, allowed: a positive duration");
        assertThatThrownBy(() -> CpuPoolSettings.defaults().withTaskQueueWait(" ", Duration.ofSeconds(1)))
                .hasMessageStartingWith("cpu.task-queue-waits was  ,");
    }
}

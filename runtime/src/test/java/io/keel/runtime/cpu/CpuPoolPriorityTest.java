package io.keel.runtime.cpu;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CpuPoolPriorityTest {
    @Test
    void declaredTasksHaveTheirRejectionCountersBeforeAnyRejection() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (CpuPool pool = CpuPool.create(CpuPoolSettings.defaults(), registry).declareTasks("thumbnail")) {
            assertThat(registry.get("keel.cpu.pool.rejected").tag("task", "thumbnail").tag("reason", "queue_full")
                    .counter().count()).isZero();
        }
    }

    @Test
    void poolThreadsRunAtTheLowestPrioritySoRequestThreadsWinContendedCores() {
        try (CpuPool pool = CpuPool.create(CpuPoolSettings.defaults().withThreads(1), new SimpleMeterRegistry())) {
            int priority = pool.run("probe", () -> Thread.currentThread().getPriority());
            assertThat(priority).isEqualTo(Thread.MIN_PRIORITY);
        }
    }
}

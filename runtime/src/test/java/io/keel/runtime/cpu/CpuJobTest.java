package io.keel.runtime.cpu;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class CpuJobTest {
    private final AtomicBoolean started = new AtomicBoolean();
    private final CpuJob.Hooks hooks = new CpuJob.Hooks() {
        @Override
        public void started(String task, long queuedNanos) {
            started.set(true);
        }

        @Override
        public void finished(String task, long runNanos) {
        }

        @Override
        public CpuPoolRejectedException expired(String task, long queuedNanos) {
            return new CpuPoolRejectedException(task, CpuPoolRejectedException.QUEUE_TIMEOUT, "late", Duration.ofSeconds(1));
        }
    };

    @Test
    void aWorkerThatReachesAnExpiredTaskDropsItAndHandsTheCallerTheRejection() {
        var ran = new AtomicBoolean();
        var job = new CpuJob<>("t", () -> ran.getAndSet(true), 1_000_000, hooks, Runnable::run);
        long created = System.nanoTime();
        await().pollDelay(Duration.ZERO).until(() -> System.nanoTime() - created > 2_000_000);

        job.run();

        assertThat(ran).isFalse();
        assertThat(started).isFalse();
        assertThatThrownBy(job::get).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(CpuPoolRejectedException.class);
    }

    @Test
    void aTaskGivenUpBeforeAWorkerCameNeverRuns() {
        var ran = new AtomicBoolean();
        var job = new CpuJob<>("t", () -> ran.getAndSet(true), Long.MAX_VALUE, hooks, Runnable::run);

        assertThat(job.giveUp()).isTrue();
        job.run();

        assertThat(ran).isFalse();
        assertThat(started).isFalse();
    }

    @Test
    void aStartedTaskCanNoLongerBeGivenUp() throws Exception {
        var job = new CpuJob<>("t", () -> "done", Long.MAX_VALUE, hooks, Runnable::run);
        job.run();

        assertThat(job.giveUp()).isFalse();
        assertThat(job.get()).isEqualTo("done");
    }
}

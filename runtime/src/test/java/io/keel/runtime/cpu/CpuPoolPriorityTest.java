package io.keel.runtime.cpu;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

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

    @Test
    void poolThreadsRunAtNice19ByDefaultAsTheKernelSeesIt() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (CpuPool pool = CpuPool.create(CpuPoolSettings.defaults().withThreads(2), registry)) {
            assertThat(pool.run("probe", CpuPoolPriorityTest::kernelNice)).isEqualTo(19);
            assertThat(registry.get("keel.cpu.pool.nice").gauge().value()).isEqualTo(19.0);
            assertThat(kernelNice()).as("the caller's thread is untouched").isNotEqualTo(19);
        }
    }

    @Test
    void aConfiguredNiceIsWhatTheWorkersGet() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (CpuPool pool = CpuPool.create(CpuPoolSettings.defaults().withThreads(1).withNice(7), registry)) {
            assertThat(pool.run("probe", CpuPoolPriorityTest::kernelNice)).isEqualTo(7);
            assertThat(registry.get("keel.cpu.pool.nice").gauge().value()).isEqualTo(7.0);
        }
    }

    @Test
    void niceZeroLeavesTheWorkersAsTheJvmStartsThem() throws Exception {
        int asStarted = niceOfAFreshMinPriorityThread();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (CpuPool pool = CpuPool.create(CpuPoolSettings.defaults().withThreads(1).withNice(0), registry)) {
            assertThat(pool.run("probe", CpuPoolPriorityTest::kernelNice)).isEqualTo(asStarted);
            assertThat(registry.get("keel.cpu.pool.nice").gauge().value()).isZero();
        }
    }

    @Test
    void withoutTheNativeBindingWorkersStillRunAndTheGaugeSaysNotSet() throws Exception {
        int asStarted = niceOfAFreshMinPriorityThread();
        WorkerNice niceness = new WorkerNice(19, Optional.empty());
        int[] seen = new int[1];
        Thread worker = new Thread(() -> {
            niceness.applyToCurrentThread();
            seen[0] = kernelNice();
        });
        worker.setPriority(Thread.MIN_PRIORITY);
        worker.start();
        worker.join();
        assertThat(seen[0]).isEqualTo(asStarted);
        assertThat(niceness.applied()).isEqualTo(-1);
    }

    @Test
    void theBindingReadsBackWhatTheKernelHolds() throws Exception {
        ThreadNice nice = ThreadNice.available().orElseThrow(() -> new AssertionError(ThreadNice.unavailableReason()));
        int[] seen = new int[3];
        Thread probe = new Thread(() -> {
            seen[0] = nice.setForCurrentThread(11);
            seen[1] = nice.currentThread();
            seen[2] = kernelNice();
        });
        probe.start();
        probe.join();
        assertThat(seen).containsExactly(11, 11, 11);
    }

    @SuppressWarnings("ThreadPriorityCheck") // the pool's workers start at this priority; the test mirrors them
    private static int niceOfAFreshMinPriorityThread() throws InterruptedException {
        int[] seen = new int[1];
        Thread probe = new Thread(() -> seen[0] = kernelNice());
        probe.setPriority(Thread.MIN_PRIORITY);
        probe.start();
        probe.join();
        return seen[0];
    }

    /** Field 19 of /proc/thread-self/stat: the nice value the scheduler uses for this thread. */
    private static int kernelNice() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[16]);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.keel.runtime.cpu;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

class CpuPoolTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CountDownLatch release = new CountDownLatch(1);
    private CpuPool pool;

    @AfterEach
    void tearDown() {
        release.countDown();
        if (pool != null) {
            pool.close(Duration.ofSeconds(2));
        }
    }

    private CpuPool pool(int threads, int queue) {
        pool = CpuPool.create(new CpuPoolSettings(threads, queue, Duration.ofSeconds(2), Map.of()), registry);
        return pool;
    }

    /** A call made from its own virtual thread, as a request handler would. */
    private record Call<T>(Thread thread, CompletableFuture<T> result) {
    }

    private static <T> Call<T> call(CpuPool pool, String task, Callable<T> work) {
        var result = new CompletableFuture<T>();
        Thread thread = Thread.ofVirtual().start(() -> {
            try {
                result.complete(pool.run(task, work));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return new Call<>(thread, result);
    }

    private Call<Boolean> blockWorker(CpuPool pool, String task) {
        return call(pool, task, () -> release.await(10, TimeUnit.SECONDS));
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    /**
     * Tasks queued one at a time behind the blocked worker of {@link #pool}, so their arrival order is known; each
     * records its name when it runs.
     */
    private final class Arrivals {
        private final ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
        private final List<Call<Boolean>> calls = new ArrayList<>();

        Arrivals queue(String task, int count) {
            for (int i = 0; i < count; i++) {
                calls.add(call(pool, task, () -> order.add(task)));
                double queued = calls.size();
                await().until(() -> gauge("keel.cpu.pool.queued") == queued);
            }
            return this;
        }

        /** Frees the worker and returns the names in the order the queued tasks ran. */
        List<String> releaseAndRunOrder() throws Exception {
            release.countDown();
            for (var call : calls) {
                assertThat(call.result().get(5, TimeUnit.SECONDS)).isTrue();
            }
            return List.copyOf(order);
        }
    }

    private static Throwable failure(Call<?> call) {
        return catchThrowable(() -> call.result().get(5, TimeUnit.SECONDS)) instanceof ExecutionException e
                ? e.getCause() : new AssertionError("call did not fail");
    }

    @Test
    void runsWorkOnAPoolPlatformThreadAndReturnsItsResult() throws Exception {
        var call = call(pool(2, 4), "name", () -> Thread.currentThread());
        Thread worker = call.result().get(5, TimeUnit.SECONDS);
        assertThat(worker.isVirtual()).isFalse();
        assertThat(worker.getName()).startsWith("keel-cpu-");
    }

    @Test
    void uncheckedExceptionsOfTheWorkPropagateUnchanged() {
        var boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> pool(1, 1).run("t", () -> {
            throw boom;
        })).isSameAs(boom);
    }

    @Test
    void checkedExceptionsOfTheWorkArriveWrappedWithTheirCause() {
        var io = new IOException("disk");
        assertThatThrownBy(() -> pool(1, 1).run("t", () -> {
            throw io;
        })).isInstanceOf(CpuTaskFailedException.class).hasCause(io).hasMessageContaining("'t'");
    }

    @Test
    void neverRunsMoreTasksAtOnceThanItHasThreads() throws Exception {
        var pool = pool(2, 8);
        var running = new AtomicInteger();
        var peak = new AtomicInteger();
        var calls = new ArrayList<Call<Boolean>>();
        for (int i = 0; i < 6; i++) {
            calls.add(call(pool, "t", () -> {
                peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    return release.await(10, TimeUnit.SECONDS);
                } finally {
                    running.decrementAndGet();
                }
            }));
        }
        await().until(() -> gauge("keel.cpu.pool.queued") == 4 && gauge("keel.cpu.pool.active") == 2);
        release.countDown();
        for (var call : calls) {
            assertThat(call.result().get(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(peak).hasValue(2);
    }

    @Test
    void aTaskQueuedBehindSeveralOfAnotherNameWaitsForOneOfThemNotAll() throws Exception {
        pool(1, 8);
        blockWorker(pool, "hash");
        await().until(() -> gauge("keel.cpu.pool.active") == 1);
        var queued = new Arrivals().queue("hash", 3).queue("pdf", 1);

        assertThat(queued.releaseAndRunOrder()).containsExactly("hash", "pdf", "hash", "hash");
    }

    @Test
    void aNameWhoseTasksRanShorterThanTheQuantumRunsSeveralPerTurn() throws Exception {
        // nice 0: the measured no-op must stay far below the quantum on a loaded machine
        pool = CpuPool.create(CpuPoolSettings.defaults().withThreads(1).withQueueCapacity(16).withNice(0)
                .withFairQuantum(Duration.ofMillis(40)), registry);
        pool.run("hash", () -> {
            Thread.sleep(50); // a quantum or longer: one task per turn
            return true;
        });
        pool.run("pdf", () -> true); // far shorter than the quantum
        blockWorker(pool, "block");
        await().until(() -> gauge("keel.cpu.pool.active") == 1);
        var queued = new Arrivals().queue("hash", 3).queue("pdf", 2);

        // The pdfs' first turn comes after the second hash, since their one measured task was charged a full turn
        // before it was measured. Charged a full turn each, the pdfs would then alternate with the hashes.
        assertThat(queued.releaseAndRunOrder()).containsExactly("hash", "hash", "pdf", "pdf", "hash");
    }

    @Test
    void refusesAtOnceWithLiveStateWhenTheQueueIsFull() {
        var pool = pool(1, 1);
        blockWorker(pool, "block");
        await().until(() -> gauge("keel.cpu.pool.active") == 1);
        blockWorker(pool, "block");
        await().until(() -> gauge("keel.cpu.pool.queued") == 1);

        long start = System.nanoTime();
        var refused = catchThrowable(() -> pool.run("thumbnail", () -> 1));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(refused).isInstanceOf(CpuPoolRejectedException.class)
                .hasMessage("cpu pool refused 'thumbnail': queue full (threads=1, active=1, queued=1/1)");
        var rejection = (CpuPoolRejectedException) refused;
        assertThat(rejection.reason()).isEqualTo("queue_full");
        assertThat(rejection.task()).isEqualTo("thumbnail");
        assertThat(rejection.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(registry.get("keel.cpu.pool.rejected").tags("task", "thumbnail", "reason", "queue_full")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void refusesATaskThatCannotStartWithinItsDeadlineAndNeverRunsIt() {
        pool = CpuPool.create(CpuPoolSettings.defaults().withThreads(1).withQueueCapacity(4)
                .withTaskQueueWait("pdf", Duration.ofMillis(150)), registry);
        blockWorker(pool, "block");
        await().until(() -> gauge("keel.cpu.pool.active") == 1);
        var ran = new AtomicBoolean();

        long start = System.nanoTime();
        var refused = catchThrowable(() -> pool.run("pdf", () -> ran.getAndSet(true)));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(150), Duration.ofSeconds(2));
        assertThat(refused).isInstanceOf(CpuPoolRejectedException.class).hasMessageContaining("no worker within 150 ms");
        assertThat(((CpuPoolRejectedException) refused).reason()).isEqualTo("queue_timeout");
        assertThat(gauge("keel.cpu.pool.queued")).as("slot freed at once").isZero();
        release.countDown();
        await().until(() -> gauge("keel.cpu.pool.active") == 0);
        assertThat(ran).isFalse();
    }

    @Test
    void dropsATaskWhoseCallerWasInterruptedBeforeItStarted() {
        var pool = pool(1, 4);
        blockWorker(pool, "block");
        await().until(() -> gauge("keel.cpu.pool.active") == 1);
        var ran = new AtomicBoolean();
        var flagRestored = new CompletableFuture<Boolean>();
        var caller = Thread.ofVirtual().start(() -> {
            try {
                pool.run("gone", () -> ran.getAndSet(true));
            } catch (CpuTaskFailedException e) {
                flagRestored.complete(Thread.currentThread().isInterrupted());
            }
        });
        await().until(() -> gauge("keel.cpu.pool.queued") == 1);

        caller.interrupt();

        assertThat(flagRestored).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(true);
        assertThat(gauge("keel.cpu.pool.queued")).isZero();
        release.countDown();
        await().until(() -> gauge("keel.cpu.pool.active") == 0);
        assertThat(ran).isFalse();
        assertThat(registry.get("keel.cpu.pool.rejected").tags("reason", "caller_gone").counter().count()).isEqualTo(1);
    }

    @Test
    void interruptsATaskThatRunsPastItsBudgetAndStopsTheCallerWaiting() {
        pool = CpuPool.create(CpuPoolSettings.defaults().withThreads(1)
                .withTaskTimeout("slow", Duration.ofMillis(100)), registry);
        var interrupted = new CountDownLatch(1);

        var refused = catchThrowable(() -> pool.run("slow", () -> {
            try {
                return release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        }));

        assertThat(refused).isInstanceOf(CpuTaskTimeoutException.class)
                .hasMessageStartingWith("cpu task 'slow' exceeded its 100 ms budget");
        await().until(() -> interrupted.getCount() == 0);
        assertThat(registry.get("keel.cpu.task.timeouts").tag("task", "slow").counter().count()).isEqualTo(1);
    }

    @Test
    void recordsRunTimeAndQueueWaitPerTaskUnderTheirPrometheusNames() {
        var prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (var pool = CpuPool.create(new CpuPoolSettings(3, 5, Duration.ofSeconds(2), Map.of()), prometheus)) {
            pool.run("hash", () -> 1);
            pool.run("hash", () -> 2);
            String scrape = prometheus.scrape();
            assertThat(scrape).contains("keel_cpu_task_seconds_count{task=\"hash\"} 2",
                    "keel_cpu_queue_wait_seconds_count{task=\"hash\"} 2", "keel_cpu_task_seconds_bucket{task=\"hash\",le=",
                    "keel_cpu_pool_size 3", "keel_cpu_pool_queue_capacity 5", "keel_cpu_pool_active 0",
                    "keel_cpu_pool_queued 0");
        }
        assertThat(prometheus.scrape()).doesNotContain("keel_cpu_pool_size");
    }

    @Test
    void closeInterruptsRunningTasksAndRefusesQueuedAndNewOnes() {
        var pool = pool(1, 2);
        var running = blockWorker(pool, "block");
        await().until(() -> gauge("keel.cpu.pool.active") == 1);
        var queued = call(pool, "late", () -> 1);
        await().until(() -> gauge("keel.cpu.pool.queued") == 1);

        pool.close(Duration.ofMillis(100));

        assertThat(failure(running)).isInstanceOf(CpuTaskFailedException.class)
                .hasCauseInstanceOf(InterruptedException.class);
        assertThat(failure(queued)).isInstanceOf(CpuPoolRejectedException.class)
                .hasMessageContaining("pool closed before it started");
        assertThatThrownBy(() -> pool.run("after", () -> 1)).isInstanceOf(CpuPoolRejectedException.class)
                .extracting(e -> ((CpuPoolRejectedException) e).reason()).isEqualTo("shutdown");
    }
}

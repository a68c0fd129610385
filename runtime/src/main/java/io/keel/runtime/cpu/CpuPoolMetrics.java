package io.keel.runtime.cpu;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The pool's meters. Thread-safe. Task names become tag values, so they must come from code, never from requests. */
final class CpuPoolMetrics {
    private final MeterRegistry registry;
    private final List<Meter> gauges;

    CpuPoolMetrics(MeterRegistry registry, int size, int capacity, Supplier<Number> active, Supplier<Number> queued,
                   Supplier<Number> nice) {
        this.registry = registry;
        this.gauges = List.of(
                gauge("keel.cpu.pool.active", "Workers running a task", active),
                gauge("keel.cpu.pool.queued", "Tasks waiting for a worker", queued),
                gauge("keel.cpu.pool.size", "Worker threads", () -> size),
                gauge("keel.cpu.pool.queue.capacity", "Bound of the wait queue", () -> capacity),
                gauge("keel.cpu.pool.nice", "Linux nice value the workers run at (-1: none started yet or it could not "
                        + "be set, see the log; 0: left as started)", nice));
    }

    private Meter gauge(String name, String help, Supplier<Number> value) {
        return Gauge.builder(name, value).description(help).strongReference(true).register(registry);
    }

    void queueWait(String task, long nanos) {
        Timer.builder("keel.cpu.queue.wait").description("Time a task waited for a worker").tag("task", task)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    void runTime(String task, long nanos) {
        Timer.builder("keel.cpu.task").description("Run time of a CPU task").tag("task", task)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Counts work that never ran (reason: queue_full, queue_timeout, shutdown, caller_gone). */
    void rejected(String task, String reason) {
        Counter.builder("keel.cpu.pool.rejected").description("Tasks refused or dropped before they started")
                .tag("task", task).tag("reason", reason).register(registry).increment();
    }

    /** Registers a task type's meters at zero, so dashboards and alerts see the series before the first event. */
    void declare(String task) {
        for (String reason : List.of(CpuPoolRejectedException.QUEUE_FULL, CpuPoolRejectedException.QUEUE_TIMEOUT,
                CpuPoolRejectedException.SHUTDOWN, "caller_gone")) {
            Counter.builder("keel.cpu.pool.rejected").description("Tasks refused or dropped before they started")
                    .tag("task", task).tag("reason", reason).register(registry);
        }
        Counter.builder("keel.cpu.task.timeouts").description("Tasks interrupted after their run-time budget")
                .tag("task", task).register(registry);
    }

    void timedOut(String task) {
        Counter.builder("keel.cpu.task.timeouts").description("Tasks interrupted after their run-time budget")
                .tag("task", task).register(registry).increment();
    }

    /** Removes the gauges so a closed pool stops reporting and a new one can register in the same registry. */
    void close() {
        gauges.forEach(registry::remove);
    }
}

package io.keel.runtime.cpu;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Immutable settings of a {@link CpuPool}. Invalid values fail at construction with the key, the value and the
 * allowed range; nothing is clamped silently.
 *
 * @param threads            platform worker threads ({@code cpu-threads}), 1..{@value #MAX_THREADS}; default: available
 *                           processors
 * @param queueCapacity      tasks that may wait for a worker ({@code cpu-queue}), 1..{@value #MAX_QUEUE};
 *                           default threads * 8
 * @param maxQueueWait       default deadline for a task to START ({@code cpu-max-queue-wait}); default 2 s
 * @param taskTimeouts       run-time budget per task name ({@code cpu-task-timeouts}); a task without an entry
 *                           gets {@code defaultTaskTimeout}
 * @param taskQueueWaits     start deadline per task name (code only); default maxQueueWait
 * @param defaultTaskTimeout run-time budget of tasks not named in taskTimeouts ({@code cpu-task-timeout});
 *                           default 30 s
 * @param nice               Linux nice value of the worker threads ({@code cpu-nice}), 0..{@value #MAX_NICE}; default
 *                           {@value #DEFAULT_NICE}; 0 leaves them at the JVM's choice (see {@link ThreadNice})
 * @param fairQuantum        run time a task name's turn is worth in the wait queue ({@code cpu-fair-quantum}); names
 *                           whose tasks run shorter get several tasks per turn (see {@link FairTaskQueue}); default
 *                           {@link #DEFAULT_FAIR_QUANTUM}
 */
public record CpuPoolSettings(int threads, int queueCapacity, Duration maxQueueWait, Map<String, Duration> taskTimeouts,
                              Map<String, Duration> taskQueueWaits, Duration defaultTaskTimeout, int nice,
                              Duration fairQuantum) {

    /** Largest pool: the same bound as the {@code cpu-threads} setting. */
    public static final int MAX_THREADS = 1024;
    public static final int MAX_QUEUE = 1_000_000;
    /** Heavy work yields to request threads as far as Linux allows without privileges. */
    public static final int DEFAULT_NICE = 19;
    public static final int MAX_NICE = 19;
    /**
     * Under the prod-mix storm a thumbnail holds a worker about 10 ms, a password hash about 50 and an invoice about 1.
     * At 5 ms thumbnails and hashes take one turn each; at 20 ms thumbnails ran about two per hash, and the hashes fell
     * to 19-22 a second against 25-29 at 5 ms: the slower of the two kinds came out slower. Measured in
     * docs/benchmarks.md, "Session 19".
     */
    public static final Duration DEFAULT_FAIR_QUANTUM = Duration.ofMillis(5);

    public CpuPoolSettings {
        check(threads >= 1 && threads <= MAX_THREADS, "cpu-threads", threads, "1.." + MAX_THREADS);
        check(queueCapacity >= 1 && queueCapacity <= MAX_QUEUE, "cpu-queue", queueCapacity, "1.." + MAX_QUEUE);
        checkPositive("cpu.max-queue-wait", maxQueueWait);
        checkPositive("cpu.default-task-timeout", defaultTaskTimeout);
        check(nice >= 0 && nice <= MAX_NICE, "cpu-nice", nice, "0.." + MAX_NICE);
        checkPositive("cpu-fair-quantum", fairQuantum);
        taskTimeouts = checkedCopy("cpu.task-timeouts", taskTimeouts);
        taskQueueWaits = checkedCopy("cpu.task-queue-waits", taskQueueWaits);
    }

    /**
     * Settings with no per-task overrides beyond {@code taskTimeouts}, 30 s default run budget, default nice and
     * {@link #DEFAULT_FAIR_QUANTUM}.
     */
    public CpuPoolSettings(int threads, int queueCapacity, Duration maxQueueWait, Map<String, Duration> taskTimeouts) {
        this(threads, queueCapacity, maxQueueWait, taskTimeouts, Map.of(), Duration.ofSeconds(30), DEFAULT_NICE,
                DEFAULT_FAIR_QUANTUM);
    }

    /**
     * One worker per processor, because the work is CPU bound and more threads only add context switches. The queue
     * holds 8 tasks per worker: with typical 10-250 ms tasks that is roughly 0.1-2 s of backlog, about the default
     * 2 s start deadline, so a full queue means a newcomer would likely miss its deadline anyway and is refused at
     * once instead of waiting to be dropped; a deeper queue would only hold doomed work and memory.
     */
    public static CpuPoolSettings defaults() {
        int threads = Runtime.getRuntime().availableProcessors();
        return new CpuPoolSettings(threads, threads * 8, Duration.ofSeconds(2), Map.of());
    }

    public CpuPoolSettings withThreads(int value) {
        return new CpuPoolSettings(value, queueCapacity, maxQueueWait, taskTimeouts, taskQueueWaits,
                defaultTaskTimeout, nice, fairQuantum);
    }

    public CpuPoolSettings withQueueCapacity(int value) {
        return new CpuPoolSettings(threads, value, maxQueueWait, taskTimeouts, taskQueueWaits,
                defaultTaskTimeout, nice, fairQuantum);
    }

    /** Nice value of the worker threads: 0 = as the JVM starts them, up to {@value #MAX_NICE} = yield the most. */
    public CpuPoolSettings withNice(int value) {
        return new CpuPoolSettings(threads, queueCapacity, maxQueueWait, taskTimeouts, taskQueueWaits,
                defaultTaskTimeout, value, fairQuantum);
    }

    /** Run time a task name's turn in the wait queue is worth. */
    public CpuPoolSettings withFairQuantum(Duration value) {
        return new CpuPoolSettings(threads, queueCapacity, maxQueueWait, taskTimeouts, taskQueueWaits,
                defaultTaskTimeout, nice, value);
    }

    /** Run-time budget for the named task; the caller stops waiting and the task is interrupted after it. */
    public CpuPoolSettings withTaskTimeout(String task, Duration timeout) {
        return new CpuPoolSettings(threads, queueCapacity, maxQueueWait, plus(taskTimeouts, task, timeout),
                taskQueueWaits, defaultTaskTimeout, nice, fairQuantum);
    }

    /** Start deadline for the named task; a task that cannot start within it is refused. */
    public CpuPoolSettings withTaskQueueWait(String task, Duration deadline) {
        return new CpuPoolSettings(threads, queueCapacity, maxQueueWait, taskTimeouts,
                plus(taskQueueWaits, task, deadline), defaultTaskTimeout, nice, fairQuantum);
    }

    /** The run-time budget of {@code task}. */
    public Duration taskTimeout(String task) {
        return taskTimeouts.getOrDefault(task, defaultTaskTimeout);
    }

    /** The start deadline of {@code task}. */
    public Duration queueWait(String task) {
        return taskQueueWaits.getOrDefault(task, maxQueueWait);
    }

    private static Map<String, Duration> plus(Map<String, Duration> map, String key, Duration value) {
        var copy = new HashMap<>(map);
        copy.put(key, value);
        return copy;
    }

    private static Map<String, Duration> checkedCopy(String key, Map<String, Duration> map) {
        if (map == null) {
            throw new IllegalArgumentException(key + " must not be null");
        }
        map.forEach((task, value) -> {
            check(task != null && !task.isBlank(), key, task, "a non-blank task name");
            checkPositive(key + "." + task, value);
        });
        return Map.copyOf(map);
    }

    private static void checkPositive(String key, Duration value) {
        check(value != null && value.isPositive(), key, value, "a positive duration");
    }

    private static void check(boolean ok, String key, Object value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException(key + " was " + value + ", allowed: " + allowed);
        }
    }
}

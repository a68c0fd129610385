package io.keel.runtime.cpu;

import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed pool of platform threads for CPU-heavy work (hashing, image decoding, PDF rendering), so that such work
 * never occupies the carrier threads that run the server's virtual threads.
 *
 * <p>Order: waiting task names take turns worth {@link CpuPoolSettings#fairQuantum} of run time each
 * ({@link FairTaskQueue}), so a cheap task does not wait behind a queue of expensive ones; within a name, first come,
 * first served.
 *
 * <p>Admission control: a task must START within its deadline ({@link CpuPoolSettings#queueWait}). When the bounded
 * queue is full it is refused at once; a queued task whose deadline passes is given up (by the caller at its deadline,
 * or by the worker that reaches it late), and the caller gets {@link CpuPoolRejectedException}. A task whose caller is
 * interrupted before it starts never runs. A started task that exceeds its run budget is interrupted and the caller
 * gets {@link CpuTaskTimeoutException}. So a caller waits at most start deadline + run budget.
 *
 * <p>Thread-safe. {@link #run} blocks the calling thread (meant for virtual threads). Bounds: {@code threads} workers,
 * {@code queueCapacity} waiting tasks. Meters: see {@link CpuPoolMetrics}.
 */
public final class CpuPool implements CpuWork, AutoCloseable {
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    private final CpuPoolSettings settings;
    private final CpuPoolMetrics metrics;
    private final WorkerNice niceness;
    private final ThreadPoolExecutor relay;
    private final FairTaskQueue queue;
    private final ThreadPoolExecutor executor;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CpuJob.Hooks hooks = new CpuJob.Hooks() {
        @Override
        public void started(String task, long queuedNanos) {
            active.incrementAndGet();
            metrics.queueWait(task, queuedNanos);
        }

        @Override
        public void finished(String task, long runNanos) {
            active.decrementAndGet();
            queue.ran(task, runNanos);
            metrics.runTime(task, runNanos);
        }

        @Override
        public CpuPoolRejectedException expired(String task, long queuedNanos) {
            metrics.queueWait(task, queuedNanos);
            return reject(task, CpuPoolRejectedException.QUEUE_TIMEOUT,
                    "waited " + TimeUnit.NANOSECONDS.toMillis(queuedNanos) + " ms for a worker, deadline "
                            + settings.queueWait(task).toMillis() + " ms");
        }
    };

    private CpuPool(CpuPoolSettings settings, MeterRegistry registry) {
        this.settings = settings;
        this.niceness = new WorkerNice(settings.nice(), ThreadNice.available());
        this.relay = relay();
        this.queue = new FairTaskQueue(settings.queueCapacity(), settings.fairQuantum());
        this.executor = new ThreadPoolExecutor(settings.threads(), settings.threads(), 0, TimeUnit.MILLISECONDS,
                queue, workerFactory(niceness), new ThreadPoolExecutor.AbortPolicy());
        this.metrics = new CpuPoolMetrics(registry, settings.threads(), settings.queueCapacity(),
                active::get, queue::size, niceness::applied);
    }

    /**
     * The thread that wakes callers for the workers. Linux threads inherit the nice value of the thread that creates
     * them, and waking a virtual thread may make the scheduler create a carrier; created by a nice-19 worker, that
     * carrier would serve requests at nice 19 for its whole life (the JVM cannot lower it again without privileges).
     * So workers hand every wake-up to this one thread, started here by the pool's creator at its nice value, and it
     * never ends before the pool does. It only counts down latches: one thread keeps up with any pool.
     */
    private static ThreadPoolExecutor relay() {
        var relay = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().name("keel-cpu-relay").daemon(true).factory());
        relay.prestartAllCoreThreads();
        return relay;
    }

    /**
     * Workers yield the cores to the threads that serve requests: each lowers its own Linux nice value as it starts
     * ({@link WorkerNice}), and runs at Java's lowest priority as well, which is all that remains where the nice value
     * cannot be set (with {@code -XX:ThreadPriorityPolicy=1} that is nice 4).
     */
    @SuppressWarnings("ThreadPriorityCheck") // deliberate, see above
    private static ThreadFactory workerFactory(WorkerNice niceness) {
        ThreadFactory base = Thread.ofPlatform().name("keel-cpu-", 0).daemon(true).priority(Thread.MIN_PRIORITY)
                .factory();
        return work -> base.newThread(() -> {
            niceness.applyToCurrentThread();
            work.run();
        });
    }

    /** Creates and starts the pool; threads are started lazily on first use. */
    public static CpuPool create(CpuPoolSettings settings, MeterRegistry registry) {
        return new CpuPool(settings, registry);
    }

    /**
     * Declares the task types an application will run, so their rejection and timeout counters exist at zero from
     * the start (a counter that appears only on the first refusal hides from alerts). Task names come from code.
     */
    public CpuPool declareTasks(String... tasks) {
        for (String task : tasks) {
            metrics.declare(task);
        }
        return this;
    }

    /**
     * Runs work on a pool platform thread and blocks the calling (virtual) thread until it completes. Unchecked
     * exceptions and errors of {@code work} propagate unchanged; checked ones arrive wrapped in
     * {@link CpuTaskFailedException}.
     *
     * @param task short, code-defined name (metric tag, per-task deadlines), e.g. "thumbnail"
     * @throws CpuPoolRejectedException when the task cannot start in time (it never ran)
     * @throws CpuTaskTimeoutException  when the task ran past its budget (it was interrupted)
     * @throws CpuTaskFailedException   for a checked exception of the work, or when the caller is interrupted (flag
     *                                  restored; the task is dropped if not started, else interrupted)
     */
    @Override
    public <T> T run(String task, Callable<T> work) {
        var job = new CpuJob<>(task, work, settings.queueWait(task).toNanos(), hooks, relay);
        try {
            executor.execute(job);
        } catch (RejectedExecutionException e) {
            throw executor.isShutdown()
                    ? reject(task, CpuPoolRejectedException.SHUTDOWN, "pool is shut down")
                    : reject(task, CpuPoolRejectedException.QUEUE_FULL, "queue full");
        }
        return await(job);
    }

    private <T> T await(CpuJob<T> job) {
        String task = job.task();
        try {
            if (!job.awaitStartOrDone(settings.queueWait(task).toNanos()) && job.giveUp()) {
                executor.remove(job); // frees the queue slot now instead of when a worker reaches it
                throw reject(task, CpuPoolRejectedException.QUEUE_TIMEOUT,
                        "no worker within " + settings.queueWait(task).toMillis() + " ms");
            }
            if (!job.awaitDone(settings.taskTimeout(task).toNanos())) {
                job.cancel(true);
                metrics.timedOut(task);
                throw new CpuTaskTimeoutException(task, "cpu task '" + task + "' exceeded its "
                        + settings.taskTimeout(task).toMillis() + " ms budget and was interrupted " + state());
            }
            return job.get(); // done: returns at once, without parking
        } catch (ExecutionException e) {
            throw unwrap(task, e.getCause());
        } catch (InterruptedException e) {
            if (job.giveUp()) {
                executor.remove(job);
                metrics.rejected(task, "caller_gone");
            } else {
                job.cancel(true);
            }
            Thread.currentThread().interrupt();
            throw new CpuTaskFailedException(task, "interrupted while waiting for cpu task '" + task + "'", e);
        }
    }

    private RuntimeException unwrap(String task, Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        if (cause instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new CpuTaskFailedException(task, "cpu task '" + task + "' failed: " + cause, cause);
    }

    private CpuPoolRejectedException reject(String task, String reason, String detail) {
        metrics.rejected(task, reason);
        return rejection(task, reason, detail);
    }

    private CpuPoolRejectedException rejection(String task, String reason, String detail) {
        long seconds = Math.max(1, (settings.queueWait(task).toMillis() + 999) / 1000);
        return new CpuPoolRejectedException(task, reason, detail + " " + state(), Duration.ofSeconds(seconds));
    }

    /** Live state for error messages, e.g. "(threads=2, active=2, queued=16/16)". */
    private String state() {
        return "(threads=" + settings.threads() + ", active=" + active.get() + ", queued="
                + queue.size() + "/" + settings.queueCapacity() + ")";
    }

    /** The effective settings. */
    public CpuPoolSettings settings() {
        return settings;
    }

    /** Stops accepting, lets queued and running tasks finish for up to 10 s, then interrupts the rest. */
    @Override
    public void close() {
        close(DEFAULT_GRACE);
    }

    /**
     * Stops accepting, lets queued and running tasks finish for up to {@code grace}, then interrupts running tasks and
     * refuses the still-queued ones (their callers get {@link CpuPoolRejectedException}). Idempotent; blocks up to
     * {@code grace}.
     */
    public void close(Duration grace) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
                refuseLeftovers();
            }
        } catch (InterruptedException e) {
            refuseLeftovers();
            Thread.currentThread().interrupt();
        } finally {
            relay.shutdown(); // wake-ups already handed over still run; later ones run on the worker itself
            metrics.close();
        }
    }

    private void refuseLeftovers() {
        for (Runnable left : executor.shutdownNow()) {
            if (left instanceof CpuJob<?> job && job.refuse(
                    rejection(job.task(), CpuPoolRejectedException.SHUTDOWN, "pool closed before it started"))) {
                metrics.rejected(job.task(), CpuPoolRejectedException.SHUTDOWN);
            }
        }
    }
}

package io.keel.runtime.cpu;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One submitted task. A small state machine decides, exactly once, whether the task STARTS (a worker claimed it) or
 * is given up before starting (the caller left, its start deadline passed, or the pool shut down). FutureTask's own
 * cancel cannot tell us that: it succeeds on a task that is already running. Thread-safe; never blocks except in
 * {@link #awaitStartOrDone}.
 */
final class CpuJob<T> extends FutureTask<T> {
    private static final int QUEUED = 0;
    private static final int STARTED = 1;
    private static final int GIVEN_UP = 2;

    /** What a worker reports back to the pool. */
    interface Hooks {
        void started(String task, long queuedNanos);

        void finished(String task, long runNanos);

        /** Builds the rejection a worker hands to a caller whose task waited past its deadline. */
        CpuPoolRejectedException expired(String task, long queuedNanos);
    }

    private final String task;
    private final long enqueuedAt = System.nanoTime();
    private final long startDeadlineNanos;
    private final Hooks hooks;
    private final AtomicInteger state = new AtomicInteger(QUEUED);
    private final CountDownLatch startedOrDone = new CountDownLatch(1);
    private final CountDownLatch completed = new CountDownLatch(1);
    private final Executor wakeups;
    private long startedAt; // written and read by the worker thread only
    private boolean finished; // worker thread only

    /**
     * @param wakeups runs the count-downs that wake the caller; the pool passes a relay thread when its workers run at
     *                a raised nice value, because a carrier thread the wake-up creates would inherit that value
     */
    CpuJob(String task, Callable<T> work, long startDeadlineNanos, Hooks hooks, Executor wakeups) {
        super(work);
        this.task = task;
        this.startDeadlineNanos = startDeadlineNanos;
        this.hooks = hooks;
        this.wakeups = wakeups;
    }

    @Override
    public void run() {
        long queued = System.nanoTime() - enqueuedAt;
        if (queued > startDeadlineNanos) {
            // Dropped when a worker reaches it: running it now would only serve a caller that is already refused.
            if (state.compareAndSet(QUEUED, GIVEN_UP)) {
                setException(hooks.expired(task, queued));
            }
            return;
        }
        if (!state.compareAndSet(QUEUED, STARTED)) {
            return; // the caller gave up (left, or its deadline passed) before a worker came
        }
        hooks.started(task, queued);
        startedAt = System.nanoTime();
        wake(startedOrDone::countDown);
        super.run();
    }

    // Accounting happens before the result is published, so a caller that sees its result also sees the gauges and
    // timers updated. FutureTask calls these exactly once per run, even after a cancel (then they publish nothing).
    @Override
    protected void set(T result) {
        finish();
        super.set(result);
    }

    @Override
    protected void setException(Throwable failure) {
        finish();
        super.setException(failure);
    }

    private void finish() {
        if (state.get() == STARTED && !finished) {
            finished = true; // only the worker thread that started the task gets here
            hooks.finished(task, System.nanoTime() - startedAt);
        }
    }

    @Override
    protected void done() {
        wake(() -> {
            startedOrDone.countDown();
            completed.countDown();
        });
    }

    private void wake(Runnable countDown) {
        try {
            wakeups.execute(countDown);
        } catch (RejectedExecutionException e) {
            countDown.run(); // the relay is gone (pool closed): the caller must still wake up
        }
    }

    /** Blocks until a worker started the task or it completed otherwise; false when the wait timed out. */
    boolean awaitStartOrDone(long nanos) throws InterruptedException {
        return startedOrDone.await(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Blocks until the task completed (result, failure or cancellation) and its caller was signalled; false when the
     * wait timed out. The caller waits here, not in {@link #get}, so that the worker never unparks it directly.
     */
    boolean awaitDone(long nanos) throws InterruptedException {
        return completed.await(nanos, TimeUnit.NANOSECONDS);
    }

    /** Gives the task up if it has not started; true when this call prevented it from ever running. */
    boolean giveUp() {
        if (state.compareAndSet(QUEUED, GIVEN_UP)) {
            cancel(false);
            return true;
        }
        return false;
    }

    /** Refuses the task if it has not started; its caller receives {@code rejection}. */
    boolean refuse(CpuPoolRejectedException rejection) {
        if (state.compareAndSet(QUEUED, GIVEN_UP)) {
            setException(rejection);
            return true;
        }
        return false;
    }

    String task() {
        return task;
    }
}

package io.keel.runtime.cpu;

import io.keel.runtime.KeelException;

import java.io.Serial;
import java.time.Duration;

/**
 * The CPU pool refused a task before it started: the queue was full, the task could not start within its deadline,
 * or the pool is shut down. The work never ran. The HTTP layer maps it to 503 with {@code Retry-After}.
 */
public final class CpuPoolRejectedException extends KeelException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Queue full: refused at once. */
    public static final String QUEUE_FULL = "queue_full";
    /** Waited in the queue longer than the task's start deadline. */
    public static final String QUEUE_TIMEOUT = "queue_timeout";
    /** The pool is closed or closing. */
    public static final String SHUTDOWN = "shutdown";

    private final String task;
    private final String reason;
    private final Duration retryAfter;

    CpuPoolRejectedException(String task, String reason, String detail, Duration retryAfter) {
        super("cpu pool refused '" + task + "': " + detail);
        this.task = task;
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    /** Suggested client back-off, whole seconds, at least 1 s. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Name of the refused task, as passed to {@link CpuPool#run}. */
    public String task() {
        return task;
    }

    /** One of {@link #QUEUE_FULL}, {@link #QUEUE_TIMEOUT}, {@link #SHUTDOWN}; also the metric's {@code reason} tag. */
    public String reason() {
        return reason;
    }
}

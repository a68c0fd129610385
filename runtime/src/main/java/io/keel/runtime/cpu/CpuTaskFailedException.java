package io.keel.runtime.cpu;

import io.keel.runtime.KeelException;

import java.io.Serial;

/**
 * Wraps a checked exception thrown by CPU work (the cause), or an {@link InterruptedException} when the caller was
 * interrupted while waiting (its interrupt flag is restored). Unchecked exceptions and errors of the work propagate
 * unchanged, never wrapped.
 */
public final class CpuTaskFailedException extends KeelException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String task;

    CpuTaskFailedException(String task, String message, Throwable cause) {
        super(message, cause);
        this.task = task;
    }

    public String task() {
        return task;
    }
}

package io.keel.runtime.cpu;

import io.keel.runtime.KeelException;

import java.io.Serial;

/** A CPU task started but exceeded its run-time budget; it was interrupted and its result discarded. */
public final class CpuTaskTimeoutException extends KeelException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String task;

    CpuTaskTimeoutException(String task, String message) {
        super(message);
        this.task = task;
    }

    public String task() {
        return task;
    }
}

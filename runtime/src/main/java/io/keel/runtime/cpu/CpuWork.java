package io.keel.runtime.cpu;

import java.util.concurrent.Callable;

/**
 * Where a service runs CPU-heavy work. {@link CpuPool} is the runtime's one implementation; services depend on this
 * interface so that what they run stays independent of how it is scheduled.
 */
public interface CpuWork {
    /**
     * Runs {@code work} and blocks the caller until it completes. Thread-safe.
     *
     * @param task short, code-defined name (metric tag, per-task deadlines), e.g. "thumbnail"
     */
    <T> T run(String task, Callable<T> work);
}

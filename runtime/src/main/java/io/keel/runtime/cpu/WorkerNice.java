package io.keel.runtime.cpu;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lowers each CPU-pool worker's Linux nice value as it starts, and remembers what it got for the
 * {@code keel_cpu_pool_nice} gauge. When the value cannot be set (no {@link ThreadNice} binding, or the kernel
 * refused) the worker runs on at Java's lowest priority, the gauge says -1 and one warning names the reason. Thread-safe.
 */
final class WorkerNice {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerNice.class);

    private final int wanted;
    private final Optional<ThreadNice> binding;
    private final AtomicInteger applied = new AtomicInteger(-1);
    private final AtomicBoolean reported = new AtomicBoolean();

    WorkerNice(int wanted, Optional<ThreadNice> binding) {
        this.wanted = wanted;
        this.binding = binding;
    }

    /** Called by each worker thread first thing; never throws, so a worker always starts. */
    void applyToCurrentThread() {
        if (wanted == 0) {
            applied.set(0);
            return;
        }
        if (binding.isEmpty()) {
            String why = ThreadNice.unavailableReason().isBlank() ? "no libc binding" : ThreadNice.unavailableReason();
            report("cpu pool workers keep Java's lowest priority: the nice value cannot be set here (" + why + ")", true);
            return;
        }
        try {
            int now = binding.get().setForCurrentThread(wanted);
            applied.set(now);
            report("cpu pool workers run at nice " + now + ", below the threads that serve requests", false);
        } catch (IllegalStateException e) {
            report("cpu pool workers keep Java's lowest priority: " + e.getMessage(), true);
        }
    }

    /** The nice value of the workers, -1 before the first started or when it could not be set. */
    int applied() {
        return applied.get();
    }

    private void report(String message, boolean warn) {
        if (reported.compareAndSet(false, true)) {
            if (warn) {
                LOG.warn(message);
            } else {
                LOG.info(message);
            }
        }
    }
}

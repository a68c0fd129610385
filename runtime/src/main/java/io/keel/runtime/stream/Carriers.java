package io.keel.runtime.stream;

/**
 * Fairness for producers on virtual threads. A stream producer never blocks while the socket has room, and loopback
 * or fast clients have megabytes of it: on a virtual thread it then holds its carrier for as long as formatting those
 * megabytes takes. Measured here: two CSV exports held both carriers of a 2-core machine for about 100 ms at a time
 * ({@code keel_scheduler_lag_seconds}), and every light request waited that long. Yielding after each buffer bounds
 * the hold to the time one buffer takes.
 */
public final class Carriers {
    private Carriers() {
    }

    /** Lets other virtual threads run before this one continues; does nothing on a platform thread. */
    @SuppressWarnings("ThreadPriorityCheck") // on a virtual thread yield hands the carrier to the next one, its purpose
    public static void yieldIfVirtual() {
        if (Thread.currentThread().isVirtual()) {
            Thread.yield();
        }
    }
}

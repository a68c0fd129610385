package io.keel.store.db;

import java.util.ArrayList;
import java.util.List;

/**
 * How long each big step of a start took, for the one line logged at ready (issue 10: an operator sees where a slow
 * restart spent its time without a profiler). Laps are measured from the previous lap, the first from creation.
 *
 * <p>Not thread-safe: the thread that starts the service records every step.
 */
public final class StartSteps {
    private final long startNanos;
    private long lastNanos;
    private final List<String> steps = new ArrayList<>();

    private StartSteps(long now) {
        this.startNanos = now;
        this.lastNanos = now;
    }

    /** Starts the clock now. */
    public static StartSteps begin() {
        return new StartSteps(System.nanoTime());
    }

    /** Ends the step {@code name} now: it took the time since the previous step ended. */
    public StartSteps lap(String name) {
        return lap(name, "");
    }

    /** Like {@link #lap(String)}, with a detail (what the step found, or its own sub-steps) after the duration. */
    public StartSteps lap(String name, String detail) {
        long now = System.nanoTime();
        steps.add(name + " " + millis(now - lastNanos) + " ms" + (detail.isEmpty() ? "" : " (" + detail + ")"));
        lastNanos = now;
        return this;
    }

    /** Milliseconds since {@link #begin()}. */
    public long totalMillis() {
        return millis(System.nanoTime() - startNanos);
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    /** {@code "412 ms: a 12 ms, b 400 ms (detail)"}. */
    @Override
    public String toString() {
        return totalMillis() + " ms: " + String.join(", ", steps);
    }
}

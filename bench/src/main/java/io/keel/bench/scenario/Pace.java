package io.keel.bench.scenario;

/** Keeps a byte stream at or below a rate by sleeping; one instance per stream, not thread-safe. */
final class Pace {
    private final double bytesPerSecond;
    private final long start = System.nanoTime();

    Pace(double bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Sleeps until {@code totalBytes} are due at the rate. Throws InterruptedException through. */
    void await(long totalBytes) throws InterruptedException {
        long dueNanos = start + (long) (totalBytes / bytesPerSecond * 1e9);
        long wait = dueNanos - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}

package io.keel.store.seed;

import java.time.Duration;
import java.util.Objects;

/**
 * What a seeding run did.
 *
 * @param skipped true when the database already had data, so nothing was written
 * @param items   order items written
 * @param took    wall time of the run
 */
public record SeedReport(boolean skipped, long customers, long products, long orders, long items, Duration took) {
    public SeedReport {
        Objects.requireNonNull(took, "took");
    }

    static SeedReport skipped(Duration took) {
        return new SeedReport(true, 0, 0, 0, 0, took);
    }

    /** All rows written per second of wall time (0 when skipped). */
    public double rowsPerSecond() {
        double seconds = took.toNanos() / 1e9;
        return seconds <= 0 ? 0 : (customers + products + orders + items) / seconds;
    }
}

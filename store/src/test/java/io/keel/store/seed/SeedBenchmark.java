package io.keel.store.seed;

import io.keel.store.db.Database;
import io.keel.store.db.DbSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Manual measurement, not a test: {@code SeedBenchmark <orders> <db-url or "" for H2> <data-dir>} seeds an empty
 * database and prints the report. Used to check the "a million orders in about a minute" target.
 */
public final class SeedBenchmark {
    private SeedBenchmark() {
    }

    public static void main(String[] args) {
        long orders = Long.parseLong(args[0]);
        DbSettings settings = new DbSettings(args[1], "", "", 4, Duration.ofSeconds(10), Path.of(args[2]));
        try (Database db = Database.open(settings, new SimpleMeterRegistry())) {
            SeedReport report = new Seeder(Clock.systemUTC())
                    .seed(db, new SeedPlan(10_000, 1_000, orders, "$argon2id$v=19$demo", 1));
            System.out.printf("%s %s: %d orders, %d items in %s = %.0f rows/s (%.0f orders/s)%n", db.dialect(),
                    report.skipped() ? "SKIPPED" : "seeded", report.orders(), report.items(), report.took(),
                    report.rowsPerSecond(), report.orders() / (report.took().toNanos() / 1e9));
        }
    }
}

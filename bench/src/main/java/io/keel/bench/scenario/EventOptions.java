package io.keel.bench.scenario;

import io.keel.bench.BenchException;

import java.nio.file.Path;
import java.util.List;

/**
 * What scenarios 6 and 7 run. Immutable.
 *
 * @param dbs        databases, one supervised service each (H2 with 1 worker, PostgreSQL with 2)
 * @param root       the built checkout whose {@code ./keel start} runs the service
 * @param pgUrl      PostgreSQL for postgres runs (a fresh schema, dropped after)
 * @param orderRate  order placements per second, on top of the light load
 * @param seedOrders orders seeded before the start
 */
public record EventOptions(List<ExportScale.Db> dbs, Path root, String pgUrl, double orderRate, long seedOrders) {
    public EventOptions {
        dbs = List.copyOf(dbs);
        if (dbs.isEmpty()) {
            throw new BenchException("--db must name a database");
        }
        if (!(orderRate > 0 && orderRate <= 10_000)) {
            throw new BenchException("--order-rate must be in (0, 10000] per second, got " + orderRate);
        }
    }

    /** {@code h2}, {@code postgres} or {@code both}, as {@code --db} takes it. */
    public static List<ExportScale.Db> parseDb(String db) {
        return switch (db) {
            case "h2" -> List.of(ExportScale.Db.H2);
            case "postgres" -> List.of(ExportScale.Db.POSTGRES);
            case "both" -> List.of(ExportScale.Db.H2, ExportScale.Db.POSTGRES);
            default -> throw new BenchException("--db must be h2, postgres or both, got '" + db + "'");
        };
    }

    SupervisedRun.Where where() {
        return new SupervisedRun.Where(root, pgUrl);
    }
}

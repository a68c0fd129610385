package io.keel.bench.launch;

import io.keel.bench.BenchException;

/**
 * The SELECT the store's CSV export runs, built from the store's own column list
 * ({@code io.keel.store.exports.OrderExporter.COLUMNS}, read from the store class path), so every reference export
 * (psql COPY, the raw in-process H2 scan) reads exactly the rows and columns the service reads, in its order. A
 * reference that computed a column the store reads from storage would measure a different query. Immutable.
 *
 * @param columns the store's export columns, comma-separated
 */
public record ExportQuery(String columns) {
    public static final String EXPORTER = "io.keel.store.exports.OrderExporter";

    public ExportQuery {
        if (!columns.matches("[a-z_]+(, ?[a-z_]+)*")) {
            throw new BenchException("the store's export columns are not a plain column list: '" + columns + "'");
        }
    }

    /** The query as the store's classes define it. */
    public static ExportQuery fromStore(StoreClasses store) {
        return new ExportQuery(store.constant(EXPORTER, "COLUMNS"));
    }

    /** {@code SELECT <columns> FROM [schema.]orders ORDER BY created_at, id}, as the service runs it unwindowed. */
    public String select(String schema) {
        if (!schema.isEmpty() && !schema.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new BenchException("not a plain schema name: '" + schema + "'");
        }
        return "SELECT " + columns + " FROM " + (schema.isEmpty() ? "" : schema + ".") + "orders ORDER BY created_at, id";
    }
}

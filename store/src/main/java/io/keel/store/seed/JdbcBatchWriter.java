package io.keel.store.seed;

import io.keel.store.db.Jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Batched multi-row INSERTs: the portable path, used for H2. H2 is embedded, so there are no round trips to save;
 * its cost is per statement executed, hence many rows per statement. Each JDBC batch (4,096 rows) is committed on
 * its own: H2's MVStore gets markedly slower with large transactions (measured 2.7x for 20,000-order ones).
 * Keys and indexes are off during the load ({@link LoadSchema}); H2's DDL commits at once, so a failure is undone
 * by deleting what was loaded and restoring them. MVStore keeps replaced pages for its retention time (45 s) before
 * reusing the space, which with a commit every few thousand rows grew a million-order file to 3.6 GB; the load
 * turns retention off and restores it at the end.
 */
final class JdbcBatchWriter implements BulkWriter {
    private static final String RETENTION_DEFAULT = "SET RETENTION_TIME 45000";
    /** Rows per INSERT statement; full statements are sent as JDBC batches of {@value #STATEMENTS_PER_BATCH}. */
    private static final int ROWS_PER_STATEMENT = 64;
    private static final int STATEMENTS_PER_BATCH = 64;

    @Override
    public void beforeLoad(Connection connection) throws SQLException {
        LoadSchema.execute(connection, List.of("SET RETENTION_TIME 0"));
        LoadSchema.dropForLoad(connection);
    }

    @Override
    public void afterLoad(Connection connection) throws SQLException {
        LoadSchema.restore(connection);
        LoadSchema.execute(connection, List.of(RETENTION_DEFAULT));
    }

    @Override
    public void afterFailure(Connection connection) throws SQLException {
        try {
            LoadSchema.undoFailedLoad(connection);
        } finally {
            LoadSchema.execute(connection, List.of(RETENTION_DEFAULT));
        }
    }

    @Override
    public void accounts(Connection connection, int count, String passwordHash, Instant createdAt)
            throws SQLException {
        OffsetDateTime created = utc(Jdbc.toMicros(createdAt));
        try (Rows rows = new Rows(connection,
                "accounts (id, email, email_lower, name, role, password_hash, created_at)", 7)) {
            for (int n = 1; n <= count; n++) {
                String email = "customer" + n + "@example.com";
                rows.add((long) n, email, email, "Customer " + n, "customer", passwordHash, created);
            }
        }
    }

    @Override
    public void products(Connection connection, DemoCatalog catalog) throws SQLException {
        try (Rows rows = new Rows(connection, "products (id, sku, name, price_cents, currency)", 5)) {
            for (int i = 0; i < catalog.size(); i++) {
                rows.add(i + 1L, catalog.skus[i], catalog.names[i], catalog.prices[i], catalog.currencies[i]);
            }
        }
    }

    @Override
    public void orders(Connection connection, OrderChunk chunk, DemoCatalog catalog) throws SQLException {
        try (Rows rows = new Rows(connection,
                "orders (id, user_id, total_cents, currency, status, created_at, item_count)", 7)) {
            for (int o = 0; o < chunk.orders; o++) {
                rows.add(chunk.orderIds[o], chunk.userIds[o], chunk.totals[o], chunk.currencies[o], "placed",
                        utc(chunk.createdMicros[o]), chunk.itemCounts[o]);
            }
        }
        try (Rows rows = new Rows(connection, "order_items (order_id, line_no, product_id, sku, quantity,"
                + " unit_price_cents, line_total_cents)", 7)) {
            for (int i = 0; i < chunk.items; i++) {
                int product = chunk.itemProducts[i];
                long price = catalog.prices[product];
                rows.add(chunk.itemOrderIds[i], chunk.itemLineNos[i], product + 1L, catalog.skus[product],
                        chunk.itemQuantities[i], price, price * chunk.itemQuantities[i]);
            }
        }
    }

    private static OffsetDateTime utc(long micros) {
        return OffsetDateTime.ofInstant(Jdbc.fromMicros(micros), ZoneOffset.UTC);
    }

    /**
     * Collects rows into {@value #ROWS_PER_STATEMENT}-row INSERTs and batches them; on close, sends what is
     * batched plus a last, shorter INSERT for the remainder. Holds at most one statement's values.
     */
    private static final class Rows implements AutoCloseable {
        private final Connection connection;
        private final String target;
        private final int columns;
        private final PreparedStatement full;
        private final Object[] values;
        private int buffered;
        private int batched;

        Rows(Connection connection, String target, int columns) throws SQLException {
            this.connection = connection;
            this.target = target;
            this.columns = columns;
            this.values = new Object[ROWS_PER_STATEMENT * columns];
            this.full = connection.prepareStatement(insert(ROWS_PER_STATEMENT));
        }

        private String insert(int rowCount) {
            String row = "(" + "?, ".repeat(columns - 1) + "?)";
            return "INSERT INTO " + target + " VALUES " + (row + ", ").repeat(rowCount - 1) + row;
        }

        void add(Object... row) throws SQLException {
            System.arraycopy(row, 0, values, buffered * columns, columns);
            if (++buffered == ROWS_PER_STATEMENT) {
                bind(full, values.length);
                full.addBatch();
                buffered = 0;
                if (++batched == STATEMENTS_PER_BATCH) {
                    full.executeBatch();
                    connection.commit();
                    batched = 0;
                }
            }
        }

        private void bind(PreparedStatement statement, int count) throws SQLException {
            for (int p = 0; p < count; p++) {
                statement.setObject(p + 1, values[p]);
            }
        }

        @Override
        public void close() throws SQLException {
            try (full) {
                if (batched > 0) {
                    full.executeBatch();
                }
                if (buffered > 0) {
                    try (PreparedStatement rest = connection.prepareStatement(insert(buffered))) {
                        bind(rest, buffered * columns);
                        rest.executeUpdate();
                    }
                }
                connection.commit();
            }
        }
    }
}

package io.keel.store.exports;

import io.keel.store.db.Database;
import io.keel.store.db.Dialect;
import io.keel.store.db.Jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/**
 * Reads orders for an export through a database cursor, in {@code created_at, id} order.
 * <p>
 * Neither database streams by default, each needs its own switch:
 * <ul>
 *   <li>PostgreSQL's driver reads the whole result into memory unless auto-commit is off and a fetch size is set;
 *   then it fetches {@code fetchSize} rows per round trip through a portal, and a closed cursor stops the query
 *   (the server holds no more than the suspended portal).</li>
 *   <li>H2 computes the whole result before the first row (spilling big ones to a temp file) unless the session has
 *   {@code LAZY_QUERY_EXECUTION}; with it, and the {@code (created_at, id)} index giving the order, rows are
 *   produced as the cursor advances.</li>
 * </ul>
 * Thread-safe and stateless; each {@link #open} borrows one pooled connection until the cursor is closed.
 */
public final class OrderExporter {
    static final String COLUMNS = "id, user_id, created_at, status, currency, total_cents, item_count";

    private final Database db;
    private final int fetchSize;

    /** @param fetchSize rows per PostgreSQL round trip (and per H2 batch), 1..100000 */
    public OrderExporter(Database db, int fetchSize) {
        this.db = Objects.requireNonNull(db, "db");
        if (fetchSize < 1 || fetchSize > 100_000) {
            throw new IllegalArgumentException("export fetchSize must be in 1..100000, was " + fetchSize);
        }
        this.fetchSize = fetchSize;
    }

    /**
     * Runs the export query and returns its cursor, positioned before the first row. Blocks until the database
     * answers; a failure here happens before anything was sent, so the caller can still answer with an error.
     *
     * @throws io.keel.store.db.DataAccessException when no connection can be had or the query fails
     */
    public ExportCursor open(ExportWindow window) {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM orders");
        if (window.from().isPresent() || window.to().isPresent()) {
            sql.append(" WHERE ");
            window.from().ifPresent(from -> sql.append("created_at >= ?"));
            sql.append(window.from().isPresent() && window.to().isPresent() ? " AND " : "");
            window.to().ifPresent(to -> sql.append("created_at < ?"));
        }
        sql.append(" ORDER BY created_at, id");
        Connection connection = null;
        ExportCursor.Settings restore = null;
        try {
            connection = db.dataSource().getConnection();
            restore = prepare(connection);
            PreparedStatement select = connection.prepareStatement(sql.toString(), ResultSet.TYPE_FORWARD_ONLY,
                    ResultSet.CONCUR_READ_ONLY);
            int index = 1;
            if (window.from().isPresent()) {
                Jdbc.setInstant(select, index++, window.from().get());
            }
            if (window.to().isPresent()) {
                Jdbc.setInstant(select, index, window.to().get());
            }
            select.setFetchSize(fetchSize);
            return new ExportCursor(connection, select, select.executeQuery(), restore);
        } catch (SQLException | RuntimeException e) {
            if (connection != null) {
                ExportCursor.release(connection, restore, e);
            }
            throw e instanceof SQLException sql2 ? Jdbc.failure("starting the order export", sql2)
                    : (RuntimeException) e;
        }
    }

    private ExportCursor.Settings prepare(Connection connection) throws SQLException {
        if (db.dialect() == Dialect.POSTGRESQL) {
            connection.setAutoCommit(false); // without a transaction the driver ignores the fetch size
            connection.setReadOnly(true);
            return ExportCursor.Settings.POSTGRES_CURSOR;
        }
        try (Statement set = connection.createStatement()) {
            set.execute("SET LAZY_QUERY_EXECUTION 1");
        }
        return ExportCursor.Settings.H2_LAZY;
    }
}

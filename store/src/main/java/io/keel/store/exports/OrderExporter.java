package io.keel.store.exports;

import io.keel.store.db.Database;
import io.keel.store.db.Dialect;
import io.keel.store.db.Jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads orders for an export in {@code created_at, id} order: on PostgreSQL through binary {@code COPY}, otherwise
 * through a database cursor.
 * <p>
 * Neither database streams a cursor by default, each needs its own switch:
 * <ul>
 *   <li>PostgreSQL's driver reads the whole result into memory unless auto-commit is off and a fetch size is set;
 *   then it fetches {@code fetchSize} rows per round trip through a portal, and a closed cursor stops the query
 *   (the server holds no more than the suspended portal).</li>
 *   <li>H2 computes the whole result before the first row (spilling big ones to a temp file) unless the session has
 *   {@code LAZY_QUERY_EXECUTION}; with it, and the {@code (created_at, id)} index giving the order, rows are
 *   produced as the cursor advances.</li>
 * </ul>
 * Thread-safe and stateless; each {@link #open} borrows one pooled connection until its rows are closed.
 */
public final class OrderExporter {
    static final String COLUMNS = "id, user_id, created_at, status, currency, total_cents, item_count";
    /** A bound as PostgreSQL reads it in any session time zone: always with its {@code Z}, micros when present. */
    private static final DateTimeFormatter LITERAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSX")
            .withZone(ZoneOffset.UTC);

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
     * Starts the export query and returns its rows. Blocks until the database answers; a failure here happens
     * before anything was sent, so the caller can still answer with an error.
     * <p>
     * On PostgreSQL the rows come through binary {@code COPY} ({@link PgCopyRows}), measured at twice the cursor's
     * rows per second; a window whose bounds cannot be written as simple literals (years outside 1..9999, which
     * COPY would need, as it takes no parameters) falls back to the cursor, as does H2, which has no COPY.
     *
     * @throws io.keel.store.db.DataAccessException when no connection can be had or the query fails
     */
    public OrderRows open(ExportWindow window) {
        if (db.dialect() == Dialect.POSTGRESQL && literalBounds(window)) {
            return openCopy(window);
        }
        return openCursor(window);
    }

    /** The export through PostgreSQL's binary COPY; the window's bounds must pass {@link #literalBounds}. */
    OrderRows openCopy(ExportWindow window) {
        String select = select(window, instant -> "'" + LITERAL.format(Jdbc.truncate(instant)) + "'::timestamptz");
        Connection connection = null;
        try {
            connection = db.dataSource().getConnection();
            return PgCopyRows.start(connection, select, db::evict);
        } catch (SQLException | RuntimeException e) {
            if (connection != null) {
                ExportCursor.release(connection, ExportCursor.Settings.NONE, e);
            }
            throw e instanceof SQLException sql ? Jdbc.failure("starting the order export", sql)
                    : (RuntimeException) e;
        }
    }

    /** The export through a JDBC cursor (H2, and PostgreSQL windows COPY cannot express). */
    OrderRows openCursor(ExportWindow window) {
        String sql = select(window, instant -> "?");
        Connection connection = null;
        ExportCursor.Settings restore = null;
        try {
            connection = db.dataSource().getConnection();
            restore = prepare(connection);
            PreparedStatement select = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY,
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

    /** Whether both bounds are in years 1..9999, where {@link #LITERAL} writes what PostgreSQL reads back. */
    static boolean literalBounds(ExportWindow window) {
        return window.from().map(OrderExporter::literalYear).orElse(true)
                && window.to().map(OrderExporter::literalYear).orElse(true);
    }

    private static boolean literalYear(Instant instant) {
        int year = instant.atOffset(ZoneOffset.UTC).getYear();
        return year >= 1 && year <= 9999;
    }

    /** The export's SELECT with each present bound written by {@code bound} (a {@code ?} or a literal). */
    private static String select(ExportWindow window, Function<Instant, String> bound) {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM orders");
        if (window.from().isPresent() || window.to().isPresent()) {
            sql.append(" WHERE ");
            window.from().ifPresent(from -> sql.append("created_at >= ").append(bound.apply(from)));
            sql.append(window.from().isPresent() && window.to().isPresent() ? " AND " : "");
            window.to().ifPresent(to -> sql.append("created_at < ").append(bound.apply(to)));
        }
        return sql.append(" ORDER BY created_at, id").toString();
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

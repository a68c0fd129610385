package io.keel.store.exports;

import io.keel.runtime.stream.PlatformProducer;
import io.keel.store.db.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.function.Consumer;

/**
 * An open export query. {@link #forEach} reads it, fetching from the database as needed; {@link #close()} ends
 * the query and returns the connection to the pool at once, also when the rows were not all read (a client that
 * went away). Not thread-safe; blocks on the database.
 */
public final class ExportCursor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExportCursor.class);

    /** Session changes made for streaming that must be undone before the connection goes back to the pool. */
    enum Settings { NONE, POSTGRES_CURSOR, H2_LAZY }

    private final Connection connection;
    private final PreparedStatement select;
    private final ResultSet rows;
    private final Settings settings;
    private boolean closed;

    ExportCursor(Connection connection, PreparedStatement select, ResultSet rows, Settings settings) {
        this.connection = connection;
        this.select = select;
        this.rows = rows;
        this.settings = settings;
    }

    /**
     * Hands every remaining row to {@code each}, in order, fetching from the database as needed. An exception from
     * {@code each} (a client that went away) ends the loop and propagates; close the cursor then.
     *
     * @return rows handed over
     * @throws io.keel.store.db.DataAccessException when the database fails mid-way
     */
    public long forEach(Consumer<ExportRow> each) {
        long[] count = {0};
        Consumer<ExportRow> counting = row -> {
            each.accept(row);
            count[0]++;
        };
        if (settings == Settings.H2_LAZY) {
            // H2 reads its file inside locks, pinning a virtual thread's carrier: fetch on a platform thread
            new PlatformProducer<ExportRow>("keel-export-h2", 256, 4).forEach(this::fetch, counting);
        } else {
            fetch(counting);
        }
        return count[0];
    }

    private void fetch(Consumer<ExportRow> each) {
        long fetched = 0;
        try {
            while (rows.next()) {
                each.accept(new ExportRow(rows.getLong(1), rows.getLong(2),
                        rows.getObject(3, OffsetDateTime.class).toInstant(), rows.getString(4), rows.getString(5),
                        rows.getLong(6), rows.getInt(7)));
                fetched++;
            }
        } catch (SQLException e) {
            throw Jdbc.failure("reading the order export after " + fetched + " rows", e);
        }
    }

    /** Ends the query (closing the cursor stops the database producing rows) and releases the connection. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Exception failure = null;
        try {
            rows.close();
            select.close();
        } catch (SQLException e) {
            failure = e;
        }
        release(connection, settings, failure);
    }

    /** Undoes the session settings and closes (returns) the connection; failures are logged, never thrown. */
    static void release(Connection connection, Settings settings, Exception earlier) {
        try (connection) {
            if (settings == Settings.POSTGRES_CURSOR) {
                connection.rollback(); // read-only transaction: nothing to keep, and it frees the portal
                connection.setReadOnly(false);
                connection.setAutoCommit(true);
            } else if (settings == Settings.H2_LAZY) {
                try (Statement reset = connection.createStatement()) {
                    reset.execute("SET LAZY_QUERY_EXECUTION 0");
                }
            }
        } catch (SQLException e) {
            if (earlier != null) {
                e.addSuppressed(earlier);
            }
            // Logged, not thrown: the export's own outcome is what the caller must report.
            LOG.warn("Could not reset the export connection cleanly", e);
            return;
        }
        if (earlier != null) {
            LOG.warn("Could not close the export cursor cleanly", earlier);
        }
    }
}

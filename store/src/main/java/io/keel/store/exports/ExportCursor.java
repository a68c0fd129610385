package io.keel.store.exports;

import io.keel.runtime.stream.PlatformWriter;
import io.keel.store.db.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.function.Function;

/**
 * An open export query. {@link #writeTo} reads it, fetching from the database as needed; {@link #close()} ends
 * the query and returns the connection to the pool at once, also when the rows were not all read (a client that
 * went away). Not thread-safe; blocks on the database.
 */
final class ExportCursor implements OrderRows {
    private static final Logger LOG = LoggerFactory.getLogger(ExportCursor.class);
    /** Bytes per hand-over from H2's reading thread: one socket write each, about 900 CSV rows. */
    static final int H2_CHUNK_BYTES = 64 * 1024;
    /**
     * Chunks the reading thread may run ahead of the socket: 128 KiB per export at most. A slow reader's queued
     * chunks live for seconds, so every young collection copies them (with four, 13% of what the storm's pauses
     * copied); a fast reader keeps the queue empty either way.
     */
    static final int H2_CHUNKS_QUEUED = 2;

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
     * {@inheritDoc}
     * <p>
     * On H2 the reading and formatting run on a platform thread ({@link PlatformWriter}; H2 reads its file inside
     * locks, pinning a virtual thread's carrier) and reach {@code out} in chunks of {@value #H2_CHUNK_BYTES} bytes.
     *
     */
    @Override
    public long writeTo(OutputStream out, Function<OutputStream, ExportFormat.RowSink> format) {
        if (settings == Settings.H2_LAZY) {
            long[] count = {0};
            new PlatformWriter("keel-export-h2", H2_CHUNK_BYTES, H2_CHUNKS_QUEUED)
                    .run(chunks -> count[0] = copy(chunks, format), out);
            return count[0];
        }
        return copy(out, format);
    }

    private long copy(OutputStream out, Function<OutputStream, ExportFormat.RowSink> format) {
        ExportFormat.RowSink sink = format.apply(out);
        long count = fetch(sink);
        sink.close(); // only on success: after a failure, its buffered rows must not reach the client
        return count;
    }

    private long fetch(ExportFormat.RowSink each) {
        long fetched = 0;
        try {
            while (rows.next()) {
                each.row(new ExportRow(rows.getLong(1), rows.getLong(2),
                        rows.getObject(3, OffsetDateTime.class).toInstant(), rows.getString(4), rows.getString(5),
                        rows.getLong(6), rows.getInt(7)));
                fetched++;
            }
        } catch (SQLException e) {
            throw Jdbc.failure("reading the order export after " + fetched + " rows", e);
        }
        return fetched;
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

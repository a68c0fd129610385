package io.keel.store.exports;

import io.keel.store.db.Jdbc;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A PostgreSQL export read as {@code COPY (<the export's SELECT>) TO STDOUT (FORMAT binary)} through the driver's
 * copy API. PostgreSQL streams the rows without waiting for the client to ask for each batch (a cursor fetches
 * {@code fetchSize} rows per round trip and the server idles in between), and the binary form spares both sides the
 * text conversions; the rows are formatted by the same {@link ExportFormat} writers as every other export, so the
 * bytes are those of the cursor path (PostgreSQL's own CSV quoting differs from the export's and is not used).
 * <p>
 * Backpressure: each message is read only after the previous row was written, so a slow client leaves the server's
 * rows in the socket buffers and PostgreSQL waits. {@link #close()} before the end cancels the COPY (a cancel
 * request, then the rest of the stream is read and dropped) and returns the connection to the pool. A connection
 * that may not be clean (the cancel failed, the stream ended in anything but the cancellation, or reading failed)
 * is evicted from the pool instead: the failure came through the driver's copy API, which the pool does not wrap,
 * so the pool would not know the connection is broken and would hand it to the next request. Not thread-safe;
 * blocks on the database.
 */
final class PgCopyRows implements OrderRows {
    private static final Logger LOG = LoggerFactory.getLogger(PgCopyRows.class);

    /** PostgreSQL's SQLSTATE for "canceling statement due to user request": the COPY ended as asked. */
    static final String QUERY_CANCELED = "57014";

    private final Connection connection;
    private final PGConnection pg;
    private final CopyOut copy;
    private final Consumer<Connection> evict;
    private boolean readFailed;
    private boolean closed;

    private PgCopyRows(Connection connection, PGConnection pg, CopyOut copy, Consumer<Connection> evict) {
        this.connection = connection;
        this.pg = pg;
        this.copy = copy;
        this.evict = evict;
    }

    /**
     * Starts the COPY of {@code select} (literal values only: COPY takes no parameters) on {@code connection};
     * {@code evict} takes the connection out of its pool when it cannot be handed back clean.
     */
    static PgCopyRows start(Connection connection, String select, Consumer<Connection> evict) throws SQLException {
        PGConnection pg = connection.unwrap(PGConnection.class);
        CopyOut copy = pg.getCopyAPI().copyOut("COPY (" + select + ") TO STDOUT (FORMAT binary)");
        return new PgCopyRows(connection, pg, copy, evict);
    }

    @Override
    public long writeTo(OutputStream out, Function<OutputStream, ExportFormat.RowSink> format) {
        ExportFormat.RowSink sink = format.apply(out);
        PgBinaryRows rows = new PgBinaryRows();
        long count = 0;
        try {
            byte[] message;
            while ((message = copy.readFromCopy()) != null) {
                count += rows.feed(message, sink);
            }
        } catch (SQLException e) {
            readFailed = true;
            throw Jdbc.failure("reading the order export (COPY) after " + count + " rows", e);
        }
        rows.finish();
        sink.close(); // only on success: after a failure, its buffered rows must not reach the client
        return count;
    }

    /** The server process running this COPY (what {@code pg_stat_activity} and {@code pg_terminate_backend} name). */
    int backendPid() {
        return pg.getBackendPID();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean clean = !readFailed && (!copy.isActive() || cancel());
        if (!clean) {
            LOG.warn("export COPY connection evicted from the pool: it could not be ended cleanly");
            evict.accept(connection);
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            // Logged, not thrown: the export's own outcome is what the caller must report.
            LOG.warn("Could not return the export COPY connection", e);
        }
    }

    /**
     * Stops the server and reads the rest of the stream up to its end. The driver's {@code cancelCopy} only sends
     * the cancel request and gives the connection back with the rest of the COPY still unread, and the next query on
     * that pooled connection would then receive this COPY's cancellation error; reading to the error here leaves the
     * connection clean. What is left to read is at most what the socket buffers held when the cancel arrived.
     *
     * @return whether the connection is clean: the stream ended, or ended in the cancellation
     */
    private boolean cancel() {
        try {
            pg.cancelQuery();
        } catch (SQLException e) {
            LOG.warn("Could not cancel the export COPY: {}", e.toString());
            return false;
        }
        try {
            while (copy.readFromCopy() != null) {
                // discarded: nobody reads this export any more
            }
            return true;
        } catch (SQLException e) {
            if (QUERY_CANCELED.equals(e.getSQLState())) {
                LOG.debug("export COPY cancelled: {}", e.getMessage());
                return true;
            }
            LOG.warn("The cancelled export COPY ended in {} instead of its cancellation", e.toString());
            return false;
        }
    }
}

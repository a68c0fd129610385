package io.keel.store.exports;

import io.keel.store.db.Jdbc;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
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
 * request, then the rest of the stream is read and dropped) and returns the connection to the pool. Not thread-safe; blocks
 * on the database.
 */
final class PgCopyRows implements OrderRows {
    private static final Logger LOG = LoggerFactory.getLogger(PgCopyRows.class);

    private final Connection connection;
    private final PGConnection pg;
    private final CopyOut copy;
    private boolean closed;

    private PgCopyRows(Connection connection, PGConnection pg, CopyOut copy) {
        this.connection = connection;
        this.pg = pg;
        this.copy = copy;
    }

    /** Starts the COPY of {@code select} (literal values only: COPY takes no parameters) on {@code connection}. */
    static PgCopyRows start(Connection connection, String select) throws SQLException {
        PGConnection pg = connection.unwrap(PGConnection.class);
        CopyOut copy = pg.getCopyAPI().copyOut("COPY (" + select + ") TO STDOUT (FORMAT binary)");
        return new PgCopyRows(connection, pg, copy);
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
            throw Jdbc.failure("reading the order export (COPY) after " + count + " rows", e);
        }
        rows.finish();
        sink.close(); // only on success: after a failure, its buffered rows must not reach the client
        return count;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (connection) {
            if (copy.isActive()) {
                cancel();
            }
        } catch (SQLException e) {
            // Logged, not thrown: the export's own outcome is what the caller must report.
            LOG.warn("Could not end the export COPY cleanly", e);
        }
    }

    /**
     * Stops the server and reads the rest of the stream up to its end. The driver's {@code cancelCopy} only sends
     * the cancel request and gives the connection back with the rest of the COPY still unread, and the next query on
     * that pooled connection would then receive this COPY's cancellation error; reading to the error here leaves the
     * connection clean. What is left to read is at most what the socket buffers held when the cancel arrived.
     */
    private void cancel() throws SQLException {
        pg.cancelQuery();
        try {
            while (copy.readFromCopy() != null) {
                // discarded: nobody reads this export any more
            }
        } catch (SQLException expected) {
            // "canceling statement due to user request": the end of the COPY, as asked
            LOG.debug("export COPY cancelled: {}", expected.getMessage());
        }
    }
}

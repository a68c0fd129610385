package io.keel.store.exports;

import java.io.OutputStream;
import java.util.function.Function;

/**
 * The rows of one started export, read from the database as they are written out. {@link #close()} ends the query
 * and returns the connection to the pool at once, also when the rows were not all read (a client that went away).
 * Not thread-safe; blocks on the database.
 */
public interface OrderRows extends AutoCloseable {
    /**
     * Formats every remaining row into {@code out} through the sink {@code format} opens on it and closes the sink
     * (writing out what it buffers) only when every row was read. An exception (a client that went away, a database
     * failure) ends the loop and propagates with the sink's buffered rows dropped; close this then. {@code out} is
     * neither flushed nor closed.
     *
     * @return rows written
     * @throws io.keel.store.db.DataAccessException when the database fails mid-way
     */
    long writeTo(OutputStream out, Function<OutputStream, ExportFormat.RowSink> format);

    /** Ends the query and releases the connection; never throws. */
    @Override
    void close();
}

package io.keel.store.seed;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/** Writes generated rows the fastest way a database offers. Not thread-safe: one per seeding run. */
interface BulkWriter {
    void accounts(Connection connection, int count, String passwordHash, Instant createdAt) throws SQLException;

    void products(Connection connection, DemoCatalog catalog) throws SQLException;

    /** Writes the chunk's orders, then its items, and commits. */
    void orders(Connection connection, OrderChunk chunk, DemoCatalog catalog) throws SQLException;
}

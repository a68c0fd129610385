package io.keel.store.seed;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Writes generated rows the fastest way a database offers, on a connection with auto-commit off. Not thread-safe:
 * one per seeding run.
 */
interface BulkWriter {
    /** Runs before any row is written, inside the seeding transaction. */
    void beforeLoad(Connection connection) throws SQLException;

    void accounts(Connection connection, int count, String passwordHash, Instant createdAt) throws SQLException;

    void products(Connection connection, DemoCatalog catalog) throws SQLException;

    void orders(Connection connection, OrderChunk chunk, DemoCatalog catalog) throws SQLException;

    /** Runs after all rows are written, before the seeder's final commit. */
    void afterLoad(Connection connection) throws SQLException;

    /** Leaves the database empty with its schema whole after a failure anywhere in the load. */
    void afterFailure(Connection connection) throws SQLException;
}

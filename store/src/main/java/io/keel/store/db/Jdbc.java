package io.keel.store.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Small JDBC helpers shared by the repositories. Stateless.
 *
 * <p>Timestamps are {@code TIMESTAMP(6) WITH TIME ZONE} on both databases and travel as UTC
 * {@link OffsetDateTime}, which both drivers map without the JVM time zone getting involved. Both databases keep
 * microseconds, so instants are truncated to microseconds before they are written: what a repository returns after
 * an insert then equals what a later read returns, and keyset cursors compare exactly.
 */
public final class Jdbc {
    /** SQLState for a unique constraint violation; H2 and PostgreSQL both use the standard code. */
    public static final String UNIQUE_VIOLATION = "23505";

    private Jdbc() {
    }

    /** True when the exception, or one chained to it, is a unique constraint violation. */
    public static boolean isUniqueViolation(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException next = sql; next != null; next = next.getNextException()) {
                    if (UNIQUE_VIOLATION.equals(next.getSQLState())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The instant as the database stores it (microsecond precision). */
    public static Instant truncate(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    /** Microseconds since the epoch: the unit of timestamps inside cursors and bulk loads. */
    public static long toMicros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    public static Instant fromMicros(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    public static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        statement.setObject(index, OffsetDateTime.ofInstant(truncate(instant), ZoneOffset.UTC));
    }

    public static Instant getInstant(ResultSet rows, String column) throws SQLException {
        return rows.getObject(column, OffsetDateTime.class).toInstant();
    }

    /** By position: hot-path reads skip the driver's name-to-index map (H2 builds it per result set). */
    public static Instant getInstant(ResultSet rows, int column) throws SQLException {
        return rows.getObject(column, OffsetDateTime.class).toInstant();
    }

    /** Wraps a driver exception with what was being done, keeping the SQLState visible in the message. */
    public static DataAccessException failure(String action, SQLException e) {
        return new DataAccessException(action + " failed (SQLState " + e.getSQLState() + "): " + e.getMessage(), e);
    }
}

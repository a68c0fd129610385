package io.keel.store.seed;

import io.keel.store.db.DataAccessException;
import io.keel.store.db.Database;
import io.keel.store.db.Dialect;
import io.keel.store.db.Jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Fills an empty database with deterministic demo data: customers, a catalog and orders over the last 90 days.
 *
 * <p>Built for speed (a million orders in about a minute): rows get explicit ids and go in as large multi-row
 * batches (H2, see {@link JdbcBatchWriter}) or COPY streams in one transaction (PostgreSQL, see
 * {@link PgCopyWriter}) on one connection, generated {@value #CHUNK_ORDERS} orders at a time so memory stays
 * bounded. Afterwards the identity columns are restarted past the seeded ids, so later inserts do not collide.
 * Blocks for the whole run; not meant to run concurrently with itself on one database. A failure leaves the
 * database empty with its schema whole (best effort on H2, see {@link JdbcBatchWriter}), so the next start retries.
 */
public final class Seeder {
    static final int CHUNK_ORDERS = 20_000;

    private final Clock clock;

    public Seeder(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Seeds the plan into {@code db} if it has no accounts, products or orders yet; otherwise writes nothing and
     * returns a report with {@code skipped == true}.
     *
     * @throws DataAccessException when the database fails
     */
    public SeedReport seed(Database db, SeedPlan plan) {
        return seed(db, () -> plan);
    }

    /**
     * As {@link #seed(Database, SeedPlan)}, with the plan made only when the database is empty: a plan holds a
     * password hash, which costs tens of milliseconds of CPU that a restart of a seeded store must not spend.
     */
    public SeedReport seed(Database db, Supplier<SeedPlan> plans) {
        long started = System.nanoTime();
        try (Connection connection = db.dataSource().getConnection()) {
            if (!isEmpty(connection)) {
                return SeedReport.skipped(Duration.ofNanos(System.nanoTime() - started));
            }
            SeedPlan plan = plans.get();
            BulkWriter writer = db.dialect() == Dialect.POSTGRESQL ? new PgCopyWriter() : new JdbcBatchWriter();
            connection.setAutoCommit(false);
            try {
                writer.beforeLoad(connection);
                long items = write(connection, writer, plan);
                writer.afterLoad(connection);
                restartIdentity(connection, "accounts", plan.customers());
                restartIdentity(connection, "products", plan.products());
                restartIdentity(connection, "orders", plan.orders());
                connection.commit();
                return new SeedReport(false, plan.customers(), plan.products(), plan.orders(), items,
                        Duration.ofNanos(System.nanoTime() - started));
            } catch (SQLException | RuntimeException e) {
                try {
                    writer.afterFailure(connection);
                } catch (SQLException | RuntimeException undo) {
                    e.addSuppressed(undo);
                }
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw Jdbc.failure("seeding demo data", e);
        }
    }

    private long write(Connection connection, BulkWriter writer, SeedPlan plan) throws SQLException {
        Instant now = Jdbc.truncate(clock.instant());
        SplittableRandom random = new SplittableRandom(plan.randomSeed());
        DemoCatalog catalog = DemoCatalog.generate(plan.products(), random);
        // Accounts predate the oldest seeded order.
        writer.accounts(connection, plan.customers(), plan.customerPasswordHash(), now.minus(Duration.ofDays(91)));
        writer.products(connection, catalog);
        long items = 0;
        long nowMicros = Jdbc.toMicros(now);
        for (long first = 1; first <= plan.orders(); first += CHUNK_ORDERS) {
            int count = (int) Math.min(CHUNK_ORDERS, plan.orders() - first + 1);
            OrderChunk chunk = OrderChunk.generate(first, count, plan.customers(), catalog, nowMicros, random);
            writer.orders(connection, chunk, catalog);
            items += chunk.items;
        }
        return items;
    }

    private static boolean isEmpty(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String table : new String[] {"accounts", "products", "orders"}) {
                try (ResultSet rows = statement.executeQuery("SELECT 1 FROM " + table + " LIMIT 1")) {
                    if (rows.next()) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Same statement on H2 and PostgreSQL for identity columns. */
    private static void restartIdentity(Connection connection, String table, long seeded) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE " + table + " ALTER COLUMN id RESTART WITH " + (seeded + 1));
        }
    }
}

package io.keel.store.db;

import com.zaxxer.hikari.HikariDataSource;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The data source of a database that opens later (issue 10, the hand-over of an embedded H2 file): a caller of
 * {@link #getConnection()} blocks until the gate is {@linkplain #release released} and then borrows from the pool; one
 * that waits longer than the pool's connection timeout gets a {@link SQLTransientConnectionException}, as from an
 * exhausted pool (the store answers it 503 with Retry-After). Between the pool's {@linkplain #open open} and the
 * release only code run by {@link #whileOpening} passes (the start steps that need the database: requests must not
 * see it before they ran, as they never do on a normal start). Once released, a caller pays two volatile reads and
 * goes straight to the pool. A gate that {@linkplain #fail fails} (the open failed, or the database closed first)
 * turns every waiting and later caller away at once.
 *
 * <p>Thread-safe. Blocking is meant for virtual threads; the number of waiting callers is bounded by the requests the
 * server admits, and shown in the timeout's message.
 */
final class DatabaseGate implements DataSource {
    /** Bound while the start steps run: the gate lets them through before it is released. */
    private static final ScopedValue<DatabaseGate> OPENING = ScopedValue.newInstance();
    private final Duration timeout;
    private final CountDownLatch decided = new CountDownLatch(1);
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile HikariDataSource pool;
    private volatile boolean released;
    private volatile String failure = "";

    DatabaseGate(Duration timeout) {
        this.timeout = timeout;
    }

    /** The pool is open: {@link #whileOpening} callers may use it; the others wait for {@link #release}. Once. */
    void open(HikariDataSource opened) {
        pool = opened;
    }

    /** Runs {@code startSteps} on this thread, its connections passing the gate before the release. */
    void whileOpening(Runnable startSteps) {
        ScopedValue.where(OPENING, this).run(startSteps);
    }

    /** Lets every waiting and later caller through to the pool. Once, after {@link #open}. */
    void release() {
        if (pool == null) {
            throw new IllegalStateException("release before open");
        }
        released = true;
        decided.countDown();
    }

    /** Turns every waiting and later caller away with {@code why}; does nothing once released. */
    void fail(String why) {
        if (!released) {
            failure = why;
            decided.countDown();
        }
    }

    /** Whether callers go through to the pool. */
    boolean released() {
        return released;
    }

    /** The pool, once open. */
    Optional<HikariDataSource> pool() {
        return Optional.ofNullable(pool);
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (released || (OPENING.isBound() && OPENING.get() == this && pool != null)) {
            return pool.getConnection();
        }
        return awaitPool().getConnection();
    }

    private HikariDataSource awaitPool() throws SQLException {
        long start = System.nanoTime();
        int queued = waiting.incrementAndGet();
        try {
            if (!decided.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new SQLTransientConnectionException("the database is not open yet (the previous worker is "
                        + "handing it over); waited " + timeout.toMillis() + " ms (waiting=" + queued + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException("interrupted while waiting for the database to open", e);
        } finally {
            waiting.decrementAndGet();
        }
        HikariDataSource opened = pool;
        if (!released || opened == null) {
            throw new SQLTransientConnectionException("the database did not open: " + failure + " (after "
                    + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms at the gate)");
        }
        return opened;
    }

    /** Callers blocked at the gate now. */
    int waiting() {
        return waiting.get();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the pool's user is fixed by the settings");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null; // DataSource's contract: null means logging is off
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        throw new SQLFeatureNotSupportedException("setLogWriter");
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        throw new SQLFeatureNotSupportedException("setLoginTimeout");
    }

    @Override
    public int getLoginTimeout() {
        return (int) timeout.toSeconds();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("getParentLogger");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper for " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}

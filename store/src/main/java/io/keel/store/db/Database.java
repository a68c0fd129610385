package io.keel.store.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.keel.runtime.dashboard.Dashboard;
import io.keel.runtime.dashboard.Figure;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The store's database: a fixed-size HikariCP pool with its schema migrated by Flyway.
 *
 * <p>Thread-safe. The pool is the bound on concurrent database work ({@link DbSettings#poolSize()}); a caller that
 * finds it exhausted blocks (fine on virtual threads) up to {@link DbSettings#connectionTimeout()} and then gets a
 * {@link java.sql.SQLTransientConnectionException}. Pool metrics are published as {@code hikaricp_connections_*}
 * (active, idle, pending, max, min, timeout_total, acquire/usage/creation seconds) with tag {@code pool=keel-db}.
 */
public final class Database implements AutoCloseable {
    public static final String POOL_NAME = "keel-db";
    private static final Pattern CURRENT_SCHEMA = Pattern.compile("[?&]currentSchema=([A-Za-z0-9_]+)");

    private final DbSettings settings;
    private final MeterRegistry registry;
    private final Dialect dialect;
    private final HeldConnections heldConnections;
    private final List<Runnable> whenClosed = new CopyOnWriteArrayList<>();
    /** Holds the pool once open; {@link #dataSource()} is the pool itself, or this gate while it is not open yet. */
    private final DatabaseGate gate;
    private final boolean gated;
    private volatile Optional<H2Housekeeping> housekeeping = Optional.empty();

    private Database(DbSettings settings, MeterRegistry registry, boolean gated) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.dialect = settings.dialect();
        this.gated = gated;
        this.gate = new DatabaseGate(settings.connectionTimeout());
        this.heldConnections = HeldConnections.install(registry);
        if (gated) {
            Gauge.builder("keel.db.open.waiting", gate, DatabaseGate::waiting)
                    .description("Callers waiting for a database that opens when the previous worker has closed it "
                            + "(a hand-over); bounded by the requests the server admits")
                    .register(registry);
        }
    }

    /** The pool's tiles on the dashboard: connections in use, idle and at most, and threads waiting for one. */
    public void showOn(Dashboard dashboard) {
        String group = "Database pool";
        dashboard.addFigure(pool("dbActive", "active", "Connections in use", "connections", group))
                .addFigure(pool("dbPending", "pending", "Threads waiting for a connection", "threads", group))
                .addFigure(pool("dbIdle", "idle", "Idle connections", "connections", group))
                .addFigure(pool("dbMax", "max", "Pool size", "connections", group));
    }

    private static Figure pool(String name, String meter, String label, String unit, String group) {
        return Figure.gauge(name, "hikaricp.connections." + meter).tag("pool", POOL_NAME).label(label).unit(unit)
                .group(group);
    }

    /**
     * Opens the pool (connecting once, so an unreachable database fails here) and applies pending migrations.
     * An embedded H2 file that was not closed cleanly is first checked, and repaired or fully scanned where H2's own
     * recovery would lose commits ({@link H2FileRecovery}). Blocks for as long as that takes.
     *
     * @throws DataAccessException when the database cannot be reached or a migration fails
     */
    public static Database open(DbSettings settings, MeterRegistry registry) {
        return open(settings, registry, StartSteps.begin());
    }

    /** Like {@link #open(DbSettings, MeterRegistry)}, recording its steps (file check, pool, migrations). */
    public static Database open(DbSettings settings, MeterRegistry registry, StartSteps steps) {
        Objects.requireNonNull(steps, "steps");
        Database db = new Database(settings, registry, false);
        try {
            db.openPool(steps);
            db.gate.release();
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /**
     * A database not opened yet (issue 10, the hand-over of an embedded H2 file the previous worker still holds):
     * nothing is touched until {@link #openPending}; meanwhile {@link #dataSource()} is a gate whose callers wait for
     * the open, at most the connection timeout, and {@link #ping} says false.
     */
    public static Database pending(DbSettings settings, MeterRegistry registry) {
        return new Database(settings, registry, true);
    }

    /**
     * Opens a {@linkplain #pending pending} database as {@link #open} would, runs {@code startSteps} on this thread
     * (their connections pass the gate; nobody else's do yet), then lets the callers waiting at the gate through.
     * When the open or a step fails, they and every later caller are turned away at once. Blocks for all of it.
     *
     * @throws DataAccessException   when the database cannot be reached or a migration fails
     * @throws IllegalStateException when this database was not pending, or is open already
     */
    public void openPending(StartSteps steps, Runnable startSteps) {
        if (!gated || gate.pool().isPresent()) {
            throw new IllegalStateException("openPending on a database that was not pending: " + this);
        }
        try {
            openPool(steps);
            gate.whileOpening(startSteps);
            gate.release();
        } catch (RuntimeException e) {
            gate.fail(e.toString());
            throw e;
        }
    }

    /** Callers waiting at the gate of a {@linkplain #pending pending} database now; for tests and the gauge. */
    int waitingForOpen() {
        return gate.waiting();
    }

    /** Whether the pool is open (always, but for a {@linkplain #pending pending} database until its open). */
    public boolean isOpen() {
        return gate.released() && gate.pool().filter(pool -> !pool.isClosed()).isPresent();
    }

    private void openPool(StartSteps steps) {
        H2FileRecovery.Outcome recovery = H2FileRecovery.recoverIfUnclean(settings);
        if (recovery != H2FileRecovery.Outcome.NOT_H2_FILE) {
            steps.lap("h2 file check", recovery.toString());
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName(POOL_NAME);
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.jdbcUser());
        config.setPassword(settings.jdbcPassword());
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(settings.poolSize());
        config.setConnectionTimeout(settings.connectionTimeout().toMillis());
        config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        config.setLeakDetectionThreshold(settings.leakThreshold().toMillis());
        if (dialect == Dialect.POSTGRESQL) {
            // Lets the driver send a JDBC batch of inserts as multi-row INSERTs: one round trip instead of N.
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new DataAccessException("cannot open database " + DbSettings.maskUrl(settings.jdbcUrl())
                    + " as user '" + settings.jdbcUser() + "': " + rootMessage(e), e);
        }
        steps.lap("pool");
        try {
            migrate(pool, settings.jdbcUrl());
            steps.lap("migrations");
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        housekeeping = H2Housekeeping.appliesTo(settings)
                ? Optional.of(H2Housekeeping.start(pool, settings.compactInterval(), registry)) : Optional.empty();
        gate.open(pool);
    }

    /** The H2 compaction task, when this is an embedded H2 database and it is on; for tests. */
    Optional<H2Housekeeping> housekeeping() {
        return housekeeping;
    }

    /**
     * A standby's rehearsal of the open after a kill (issue 10): copies the embedded H2 file of {@code live}, which
     * must be open (the copy is what a SIGKILL leaves), into {@code scratch} and opens and closes the copy as
     * {@link #open} would, so the unclean-file check, H2's own recovery and the file store are loaded and run once.
     * Does nothing when {@code live} is not an embedded H2 file. Blocks for the copy and the open.
     *
     * @return the steps of the copy's open, the file check's outcome among them; empty when nothing was rehearsed
     *
     * @throws UncheckedIOException when the copy cannot be made, also when a file is already where the copy goes
     *                              (it is never overwritten)
     * @throws DataAccessException  when the copy does not open
     */
    public static Optional<StartSteps> rehearseOpenAfterKill(DbSettings live, Path scratch) {
        Optional<Path> file = H2FileRecovery.file(live).filter(Files::isRegularFile);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        DbSettings killed = new DbSettings("", live.user(), live.password(), live.poolSize(),
                live.connectionTimeout(), scratch, live.leakThreshold());
        try {
            Path copy = H2FileRecovery.file(killed).orElseThrow();
            Files.createDirectories(copy.getParent());
            Files.copy(file.get(), copy); // never over an existing file: scratch is the rehearsal's own
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + file.get() + " for the rehearsal", e);
        }
        StartSteps steps = StartSteps.begin();
        open(killed, new SimpleMeterRegistry(), steps).close();
        return Optional.of(steps);
    }

    private static void migrate(DataSource dataSource, String jdbcUrl) {
        var flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true);
        // A PostgreSQL url may pin a schema (tests give each class its own); migrate that schema, not "public".
        currentSchema(jdbcUrl).ifPresent(schema -> flyway.schemas(schema).defaultSchema(schema));
        try {
            flyway.load().migrate();
        } catch (FlywayException e) {
            throw new DataAccessException("database migration failed: " + e.getMessage(), e);
        }
    }

    static Optional<String> currentSchema(String jdbcUrl) {
        if (!jdbcUrl.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:")) {
            return Optional.empty();
        }
        Matcher matcher = CURRENT_SCHEMA.matcher(jdbcUrl);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** The pooled data source. Connections must be closed (try-with-resources) to return to the pool. */
    public DataSource dataSource() {
        return gated ? gate : hikari();
    }

    private HikariDataSource hikari() {
        return gate.pool().orElseThrow(() -> new IllegalStateException("the database is not open yet: " + this));
    }

    /**
     * Takes a borrowed connection out of the pool for good, closing it, instead of returning it: for a connection
     * left in a state the next borrower must not see (a COPY still streaming, a broken socket the pool was not told
     * about because the failure came through a driver API it does not wrap). Do not close it afterwards.
     */
    public void evict(Connection connection) {
        hikari().evictConnection(connection);
    }

    public Dialect dialect() {
        return dialect;
    }

    /**
     * Whether a pooled connection can be obtained and answers within {@code timeout}: the readiness check.
     * Blocks at most {@code timeout}; an exhausted pool counts as not ready (work would queue behind it). The probe
     * runs on its own virtual thread, which ends by itself within the pool's connection timeout if abandoned.
     */
    public boolean ping(Duration timeout) {
        if (!isOpen()) {
            return false; // a pending database answers nothing yet: readiness stays false until it opens
        }
        HikariDataSource pool = hikari();
        var probe = new CompletableFuture<Boolean>();
        Thread.ofVirtual().name("keel-db-ping").start(() -> {
            try (Connection connection = pool.getConnection()) {
                int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
                probe.complete(connection.isValid(seconds));
            } catch (SQLException | RuntimeException e) {
                probe.complete(false);
            }
        });
        try {
            return probe.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Runs {@code hook} on the closing thread once {@link #close} has closed an open pool: for an embedded H2 file,
     * H2 closed the file (the last connection's close runs H2's close, which releases the file lock) and nothing of
     * this process writes it any more. Not run when the database never opened. Register before {@code close}.
     */
    public void whenClosed(Runnable hook) {
        whenClosed.add(hook);
    }

    /**
     * Stops the H2 housekeeping, then closes every pooled connection and removes the pool's meters; callers still
     * waiting for a pending database are turned away; then runs the {@link #whenClosed} hooks. Idempotent.
     */
    @Override
    public void close() {
        gate.fail("the database was closed before it opened");
        housekeeping.ifPresent(H2Housekeeping::close); // first: no run may touch the store the pool closes
        Optional<HikariDataSource> pool = gate.pool().filter(p -> !p.isClosed());
        pool.ifPresent(HikariDataSource::close);
        heldConnections.close();
        if (pool.isPresent()) {
            whenClosed.forEach(Runnable::run);
        }
    }

    @Override
    public String toString() {
        return "Database[" + dialect + ", " + DbSettings.maskUrl(settings.jdbcUrl()) + (isOpen() ? "" : ", not open")
                + "]";
    }

    @SuppressWarnings("ReferenceEquality") // a cause that is itself ends the chain: identity is the point
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}

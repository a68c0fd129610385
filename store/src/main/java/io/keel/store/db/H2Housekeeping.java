package io.keel.store.db;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import javax.sql.DataSource;

/**
 * Compacts an embedded H2 file's chunks on a schedule, the housekeeping H2's background writer would do.
 *
 * <p>Why: H2 2.5.252's MVStore writes each commit as a chunk and keeps an in-heap entry per chunk (an
 * {@code SFChunk} in its chunk map) until every page in the chunk is dead. A page that is not written again (a full
 * leaf of an append-only table, a row nobody updates) keeps its whole chunk alive. The background writer thread
 * rewrites such pages together into a new chunk so the sparse ones die ({@code FileStore.doHousekeeping}), but H2
 * starts that thread only when {@code WRITE_DELAY > 0}, and the store runs with {@code WRITE_DELAY=0} for durability
 * ({@link DbSettings}). Without this, the chunk count, its heap and the file grow with every commit (issue 14).
 *
 * <p>What it calls: {@link MVStore#compact(int, int)}, H2's public form of the background writer's chunk rewrite. It
 * takes the store lock with a 10 ms try (skipping the run if a commit holds it), marks the live pages of the sparsest
 * chunks older than H2's retention time as changed, and writes nothing itself: the next commit writes those pages in
 * its own chunk, and only then are the old chunks dead and, after the retention time, dropped. So a commit is as
 * durable as without it (the file never holds a page only this task wrote). H2's other housekeeping step, moving
 * chunks to shrink the file ({@code compactMoveChunks}), is left out: it overwrites chunks regardless of the retention
 * time, which {@link H2FileRecovery} relies on; the freed space is reused by later chunks instead.
 *
 * <p>Threading: one daemon platform thread, runs never overlap. {@link #close()} waits for a run in progress, so no run
 * touches a closed store; call it before the pool closes. Meters: {@code keel_db_h2_housekeeping_seconds} (runs and
 * their time), {@code keel_db_h2_chunks}, {@code keel_db_h2_file_size_bytes} and the page cache's
 * {@code keel_db_h2_cache_used_bytes} / {@code keel_db_h2_cache_max_bytes}, its entries
 * ({@code keel_db_h2_cache_entries{state="resident"|"nonresident"}}) and the bound on the non-resident ones
 * ({@code keel_db_h2_cache_nonresident_max_entries}, {@link H2CacheEntries}) as of the last run.
 */
final class H2Housekeeping implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(H2Housekeeping.class);
    /**
     * Rewrite while the live share of all chunks is below this: H2's background writer uses its auto-compact fill
     * rate (90 %) squared while the store is busy.
     */
    static final int TARGET_FILL_RATE = 81;
    /**
     * Live bytes moved per run at most; they ride along with the next commit, so this bounds what one commit may have
     * to write extra (H2 allows 4 MB, a latency spike for that commit with {@code WRITE_DELAY=0}). A soak-like
     * experiment (50 commits/s) left the same chunk count with 256 KiB as with 4 MB per run.
     */
    static final int WRITE_LIMIT = 256 << 10;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final DataSource pool;
    private final ScheduledExecutorService scheduler;
    private final MeterRegistry registry;
    private final Timer runs;
    private final List<Meter> meters;
    private final AtomicLong chunks = new AtomicLong();
    private final AtomicLong fileSize = new AtomicLong();
    private final AtomicLong cacheUsed = new AtomicLong();
    private final AtomicLong cacheMax = new AtomicLong();
    /** The page cache's entry counts of the last run, one object so a scrape reads a count with its own bound. */
    private final AtomicReference<H2CacheEntries.Counts> cacheEntries = new AtomicReference<>();
    /** The store of the H2 database the pool's connections are open on; only the scheduler thread touches it. */
    private MVStore store;
    private String lastFailure = "";

    private H2Housekeeping(DataSource pool, MeterRegistry registry) {
        this.pool = pool;
        this.registry = registry;
        this.runs = Timer.builder("keel.db.h2.housekeeping")
                .description("Compaction runs of the embedded H2 file's chunks (KEEL_DB_COMPACT_INTERVAL)")
                .register(registry);
        this.meters = List.of(runs,
                Gauge.builder("keel.db.h2.chunks", chunks, AtomicLong::get)
                        .description("Chunks of the embedded H2 file as of the last compaction run; each is held "
                                + "in memory too").register(registry),
                Gauge.builder("keel.db.h2.file.size", fileSize, AtomicLong::get).baseUnit("bytes")
                        .description("Size of the embedded H2 file as of the last compaction run").register(registry),
                // H2's page cache fills as the data grows, up to its bound: a soak's live heap rises with it (issue
                // 14), and these two tell that filling from a leak
                Gauge.builder("keel.db.h2.cache.used", cacheUsed, AtomicLong::get).baseUnit("bytes")
                        .description("Heap the embedded H2's page cache holds (whole MiB, H2's unit)").register(registry),
                Gauge.builder("keel.db.h2.cache.max", cacheMax, AtomicLong::get).baseUnit("bytes")
                        .description("Bound of the embedded H2's page cache (CACHE_SIZE)").register(registry),
                // ... and its bookkeeping of evicted pages, which the used bytes leave out (H2CacheEntries)
                entries(registry, "resident", H2CacheEntries.Counts::resident,
                        "Pages the embedded H2's page cache holds"),
                entries(registry, "nonresident", H2CacheEntries.Counts::nonResident, "Entries the embedded H2's "
                        + "page cache keeps for evicted pages (an entry and a weak reference each, bounded by H2)"),
                Gauge.builder("keel.db.h2.cache.nonresident.max", cacheEntries,
                                ref -> known(ref, H2CacheEntries.Counts::nonResidentBound))
                        .baseUnit("entries").description("H2's bound on the non-resident entries at the current "
                                + "resident count").register(registry));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("keel-h2-housekeeping").factory());
    }

    private Gauge entries(MeterRegistry registry, String state, ToDoubleFunction<H2CacheEntries.Counts> count,
                          String description) {
        return Gauge.builder("keel.db.h2.cache.entries", cacheEntries, ref -> known(ref, count)).tag("state", state)
                .baseUnit("entries").description(description).register(registry);
    }

    /** The count of the last run, or NaN before the first and where this H2 does not give it. */
    private static double known(AtomicReference<H2CacheEntries.Counts> ref,
                                ToDoubleFunction<H2CacheEntries.Counts> count) {
        H2CacheEntries.Counts counts = ref.get();
        return counts == null ? Double.NaN : count.applyAsDouble(counts);
    }

    /**
     * Whether {@code settings} get housekeeping: an embedded H2 database (its MVStore lives in this JVM; PostgreSQL and
     * an H2 server do their own in their own process) with a non-zero {@link DbSettings#compactInterval()}.
     */
    static boolean appliesTo(DbSettings settings) {
        return settings.dialect() == Dialect.H2 && settings.exclusive() && !settings.compactInterval().isZero();
    }

    /** Starts compacting every {@code interval}, the first run one interval from now. */
    @SuppressWarnings("FutureReturnValueIgnored") // runOnce never throws, so the future has nothing to report
    static H2Housekeeping start(DataSource pool, Duration interval, MeterRegistry registry) {
        Objects.requireNonNull(pool, "pool");
        H2Housekeeping housekeeping = new H2Housekeeping(pool, registry);
        long nanos = interval.toNanos();
        housekeeping.scheduler.scheduleWithFixedDelay(housekeeping::runOnce, nanos, nanos, TimeUnit.NANOSECONDS);
        return housekeeping;
    }

    /** One run; package-private so tests can run it between commits. Never throws: a failure is logged. */
    void runOnce() {
        long start = System.nanoTime();
        try {
            MVStore mvStore = store();
            mvStore.compact(TARGET_FILL_RATE, WRITE_LIMIT);
            sample(mvStore);
            lastFailure = "";
        } catch (SQLException | RuntimeException e) {
            store = null; // the database may have been closed and reopened under the pool: look it up again
            // Logged when it changes, not every run: a lasting failure would otherwise log once per interval.
            if (!e.toString().equals(lastFailure)) {
                lastFailure = e.toString();
                LOG.warn("H2 housekeeping run failed; the file's chunks are not compacted until it succeeds: {}",
                        lastFailure);
            }
        } finally {
            runs.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private MVStore store() throws SQLException {
        if (store == null || store.isClosed()) {
            try (Connection connection = pool.getConnection()) {
                // Only an embedded connection has the H2 engine (and so its MVStore) in this JVM.
                if (!(connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
                    throw new IllegalStateException("the H2 database is not embedded in this process");
                }
                store = session.getDatabase().getStore().getMvStore();
            }
        }
        return store;
    }

    private void sample(MVStore mvStore) {
        FileStore<?> file = mvStore.getFileStore();
        if (file == null) {
            return; // an in-memory database: no file, no chunks
        }
        Map<String, String> info = new HashMap<>();
        file.populateInfo(info::put);
        cacheUsed.set((long) file.getCacheSizeUsed() << 20);
        cacheMax.set((long) file.getCacheSize() << 20);
        H2CacheEntries.of(file).ifPresent(cacheEntries::set);
        chunks.set(Long.parseLong(info.getOrDefault("info.CHUNK_COUNT", "0")));
        fileSize.set(file.size());
    }

    /** Stops the schedule and waits (up to 10 s) for a run in progress; removes the meters. Idempotent. */
    @Override
    public void close() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(CLOSE_WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.warn("H2 housekeeping run still going after {}; closing the database anyway", CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        meters.forEach(registry::remove);
    }
}

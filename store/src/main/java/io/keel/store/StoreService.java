package io.keel.store;

import io.keel.runtime.Keel;
import io.keel.runtime.KeelConfig;
import io.keel.runtime.admin.OperatorToken;
import io.keel.runtime.config.ConfigException;
import io.keel.runtime.config.Settings;
import io.keel.runtime.cpu.CpuWork;
import io.keel.runtime.health.HealthCheck;
import io.keel.runtime.http.Params;
import io.keel.runtime.http.ProblemException;
import io.keel.runtime.stream.ChecksumMismatchException;
import io.keel.runtime.stream.MalformedChecksumException;
import io.keel.runtime.stream.RowStreams;
import io.keel.runtime.stream.StreamLimitExceededException;
import io.keel.runtime.stream.UploadOrphans;
import io.keel.runtime.stream.UploadSink;
import io.keel.store.accounts.AccountRepository;
import io.keel.store.accounts.AccountRoutes;
import io.keel.store.accounts.Authenticator;
import io.keel.store.accounts.Passwords;
import io.keel.store.accounts.SessionCache;
import io.keel.store.accounts.SessionRepository;
import io.keel.store.accounts.SignInThrottle;
import io.keel.store.catalog.CatalogRoutes;
import io.keel.store.catalog.ProductRepository;
import io.keel.store.db.DataAccessException;
import io.keel.store.db.Database;
import io.keel.store.db.Dialect;
import io.keel.store.db.InvalidCursorException;
import io.keel.store.db.StartSteps;
import io.keel.store.docs.ApiDocs;
import io.keel.store.events.OrderEvents;
import io.keel.store.exports.ExportRoutes;
import io.keel.store.exports.OrderExporter;
import io.keel.store.images.ImageLimits;
import io.keel.store.images.ImageRejectedException;
import io.keel.store.images.ImageRoutes;
import io.keel.store.images.InvalidThumbnailSpecException;
import io.keel.store.images.Thumbnailer;
import io.keel.store.invoices.InvoiceRenderer;
import io.keel.store.invoices.InvoiceRoutes;
import io.keel.store.orders.ActiveUsers;
import io.keel.store.orders.BusinessMetrics;
import io.keel.store.orders.IdempotencyKeyReusedException;
import io.keel.store.orders.OrderRepository;
import io.keel.store.orders.OrderRoutes;
import io.keel.store.seed.SeedPlan;
import io.keel.store.seed.SeedReport;
import io.keel.store.seed.Seeder;
import io.keel.store.uploads.BlobStore;
import io.keel.store.uploads.DatabaseBlobStore;
import io.keel.store.uploads.DiskBlobStore;
import io.keel.store.uploads.Downloads;
import io.keel.store.uploads.UploadRepository;
import io.keel.store.uploads.UploadRoutes;
import io.keel.store.uploads.UploadSweep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;

/**
 * The reference store: every part wired onto one {@link Keel} server. {@link #start(Settings)} returns once the
 * service is listening and ready; {@link #close()} stops it gracefully. Two stores can run in one JVM (tests do).
 */
public final class StoreService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreService.class);
    /** Every demo customer's password; printed at start so a newcomer can sign in. */
    public static final String DEMO_PASSWORD = "keel-demo-password";
    /**
     * Logged by a worker taking over the database from the previous one once it listens with the database not open
     * yet ({@link #listenHolding}); the supervisor reads it, as it reads the ready line.
     */
    static final String HOLDING_LINE = "store listening; database opens when the previous worker has closed it";

    private final Keel keel;
    private final Database db;
    private final String host;
    /** Set once by {@link #prepare}, run by {@link #listen} after ready. */
    private Runnable loadNativeLibraries = () -> { };
    /** Set once by {@link #prepare}: the start steps that need the database, run once it is open. */
    private Runnable atOpen = () -> { };
    /** Set once by {@link #prepare} for a pending database: lets the requests held in front of admission through. */
    private Runnable openHeldRequests = () -> { };

    private StoreService(Keel keel, Database db, String host) {
        this.keel = keel;
        this.db = db;
        this.host = host;
    }

    public static StoreService start(Settings settings) {
        return start(settings, StoreParts.SHIPPED);
    }

    /** The store assembled with {@code parts}: only the benchmark's baseline passes anything but the shipped parts. */
    public static StoreService start(Settings settings, StoreParts parts) {
        return start(settings, parts, StartSteps.begin());
    }

    /**
     * Like {@link #start(Settings, StoreParts)}, the ready line counting from {@code steps} (a standby's
     * activation).
     */
    static StoreService start(Settings settings, StoreParts parts, StartSteps steps) {
        return prepare(settings, parts, steps, true).listen(steps);
    }

    /**
     * The first step of a hand-over (issue 10): everything a start does but listening, with the database not opened
     * (the previous worker still holds the embedded H2 file). Go on with {@link #listenHolding}.
     */
    static StoreService prepareHolding(Settings settings, StoreParts parts, StartSteps steps) {
        return prepare(settings, parts, steps, false);
    }

    /**
     * The second step of a hand-over: listens (beside the previous worker, under SO_REUSEPORT) and logs
     * {@link #HOLDING_LINE}. Requests that arrive wait at the database's gate; readiness is false. Finish with
     * {@link #openDatabase}. Blocks while it binds; on failure closes everything.
     */
    StoreService listenHolding(StartSteps steps) {
        bind(steps);
        LOG.info(HOLDING_LINE + " (http://{}:{}/, database {})", displayHost(host), keel.port(), db.dialect());
        return this;
    }

    /**
     * The second half of a hand-over: opens the database (the previous worker has closed it), runs the start steps
     * that need it (upload sweep, seeding), lets the held requests through and logs the ready line. On failure closes
     * everything (held requests get 503) and throws. Call once, after {@link #listenHolding}.
     */
    StoreService openDatabase(StartSteps steps) {
        try {
            db.openPending(steps, atOpen);
            openHeldRequests.run(); // the gate is released: the held requests now find the database open
            steps.lap("start steps");
        } catch (RuntimeException e) {
            keel.close();
            throw e;
        }
        return ready(steps);
    }

    /**
     * Everything a start does except listening: settings checked, database opened and migrated, every part wired,
     * routes built. A standby worker stops here until it is activated; {@link #listen(StartSteps)} finishes,
     * {@link #close()} gives up (closing the database). Blocks while the database opens.
     */
    static StoreService prepare(Settings settings, StoreParts parts) {
        return prepare(settings, parts, StartSteps.begin(), true);
    }

    /** {@code openNow} false: the database stays {@linkplain Database#pending pending}, and so do its start steps. */
    private static StoreService prepare(Settings settings, StoreParts parts, StartSteps steps, boolean openNow) {
        KeelConfig config = KeelConfig.from(settings);
        StoreConfig store = StoreConfig.from(settings, config.dataDir());
        if (store.maxUploadSize() > config.maxStreamSize()) {
            throw new ConfigException("invalid setting max-upload-size='" + store.maxUploadSize()
                    + "': must not exceed max-stream-size (" + config.maxStreamSize() + ")");
        }
        settings.requireAllKnown();
        Keel keel = Keel.create(config).settings(settings);
        steps.lap("server");
        try {
            Database db = openNow ? Database.open(store.db(), keel.metrics(), steps)
                    : Database.pending(store.db(), keel.metrics());
            keel.closeOnStop(db);
            StoreService service = new StoreService(keel, db, config.host());
            if (!openNow) {
                // Held in front of admission, not at the database's gate: a held request must take no concurrency
                // permit and teach the adaptive limit nothing. Bounded by the wait a pool borrower has.
                service.openHeldRequests = keel.holdRequests(store.db().connectionTimeout())::open;
            }
            service.wire(config, store, parts);
            steps.lap("wiring");
            if (openNow) {
                service.atOpen.run();
                steps.lap("start steps");
            }
            return service;
        } catch (RuntimeException e) {
            keel.close();
            throw e;
        }
    }

    /**
     * Binds the port and logs the ready line with the start's {@code steps} (a prepared standby's count from its
     * activation); on failure closes everything. Call once, after {@link #prepare}.
     */
    StoreService listen(StartSteps steps) {
        bind(steps);
        return ready(steps);
    }

    /** Binds the port (closing everything when that fails) and records the step. */
    private void bind(StartSteps steps) {
        try {
            keel.start();
        } catch (RuntimeException e) {
            keel.close();
            throw e;
        }
        steps.lap("listen");
    }

    private StoreService ready(StartSteps steps) {
        // After ready: loading OpenCV and libargon2 costs about 0.5 s of CPU that a restarting worker must not
        // spend first. A thumbnail or password hash asked for meanwhile waits for the same load.
        Thread.ofPlatform().daemon().name("keel-native-load").start(loadNativeLibraries);
        LOG.info("store ready at http://{}:{}/ (database {}) in {}", displayHost(host), keel.port(), db.dialect(),
                steps);
        return this;
    }

    /**
     * Wires every part onto the server without touching the database or the data directory's files; sets what loads
     * the native libraries and reports which paths are active (one log line and gauge per feature), to run after
     * start, and the start steps that need the database (and may touch files the previous worker of a hand-over
     * still uses), to run once it is open.
     */
    private void wire(KeelConfig config, StoreConfig store, StoreParts parts) {
        Clock clock = Clock.systemUTC();
        AccountRepository accounts = new AccountRepository(db.dataSource());
        SessionRepository sessions = new SessionRepository(db.dataSource());
        ProductRepository products = new ProductRepository(db.dataSource());
        OrderRepository orders = new OrderRepository(db.dataSource(), db.dialect());
        CpuWork cpu = parts.cpuWork(keel.cpuPool());
        Passwords passwords = new Passwords(cpu, store.passwordMemoryKib(), store.passwordIterations());
        ActiveUsers activeUsers = new ActiveUsers(clock, Duration.ofMinutes(5));
        BusinessMetrics business = new BusinessMetrics(keel.metrics(), activeUsers);
        business.showOn(keel.dashboard());
        db.showOn(keel.dashboard());
        SessionCache sessionCache = SessionCache.create(sessions, store.sessionCacheSize(), store.db().exclusive(),
                clock, keel.metrics());
        LOG.info("session cache {}", sessionCache.enabled() ? "on, at most " + store.sessionCacheSize() + " sessions"
                : store.db().exclusive() ? "off (session-cache-size=0)"
                : "off: other processes may share the database, so every request reads its session");
        Authenticator auth = new Authenticator(new OperatorToken(config.adminToken()), sessionCache,
                activeUsers::seen);
        // Issue 11: on PostgreSQL the failure counts are shared by every instance.
        SignInThrottle throttle = db.dialect() == Dialect.POSTGRESQL
                ? SignInThrottle.shared(store.loginMaxFailures(), store.loginAddressMaxFailures(), store.loginWindow(),
                        store.loginMaxDelay(), config.trustedProxies(), db.dataSource(), clock)
                : SignInThrottle.inMemory(store.loginMaxFailures(), store.loginAddressMaxFailures(),
                        store.loginWindow(), store.loginMaxDelay(), config.trustedProxies(), 100_000, clock);
        throttle.report(keel.metrics());
        ImageLimits imageLimits = new ImageLimits(store.maxImagePixels(), store.maxImageSize());
        Thumbnailer thumbnailer = Thumbnailer.create(imageLimits);
        // Streams (issue 4): live order events, exports, uploads.
        // Issue 11: on PostgreSQL every instance's orders reach every instance's subscribers through the database.
        OrderEvents events = db.dialect() == Dialect.POSTGRESQL
                ? OrderEvents.shared(store.sse(), store.events(), store.db(), orders, auth, keel.json(), clock,
                        keel.metrics())
                : OrderEvents.inProcess(store.sse(), auth, keel.json(), keel.metrics());
        keel.beforeStop(events::close);
        OrderRoutes orderRoutes = new OrderRoutes(orders, products, auth, business, events::placed, keel.json(),
                config.maxBodySize(), clock);
        ExportRoutes exportRoutes = new ExportRoutes(new OrderExporter(db, store.exportFetchSize()), auth,
                RowStreams.create(RowStreams.Config.defaults(), keel.metrics()), keel.json().mapper(), clock,
                keel.metrics());
        Path uploadDir = config.dataDir().resolve("uploads");
        UploadRepository uploadRows = new UploadRepository(db.dataSource());
        UploadSink uploadSink = UploadSink.create(uploadDir, UploadSink.Config.ofMaxBytes(store.maxUploadSize()),
                keel.metrics());
        BlobStore blobs = switch (store.uploadStorage()) {
            case DISK -> new DiskBlobStore(uploadSink, uploadDir, uploadRows);
            case DATABASE -> new DatabaseBlobStore(uploadSink, db.dataSource(), uploadRows, store.uploadChunkSize());
        };
        UploadRoutes uploadRoutes = new UploadRoutes(blobs, uploadRows, auth, new Downloads(blobs, keel.metrics()),
                keel.json(), clock);

        keel.cpuPool().declareTasks(Passwords.TASK, ImageRoutes.TASK, InvoiceRoutes.TASK);
        atOpen = () -> {
            // What a killed process left: never kept half, never lost. A database upload's part file is only
            // staging. After the open: in a hand-over the previous worker may be writing part files until it exits.
            switch (store.uploadStorage()) {
                case DISK -> UploadSweep.atStart(uploadDir, uploadRows);
                case DATABASE -> UploadOrphans.clean(uploadDir, name -> false);
            }
            seedIfEmpty(store, passwords);
        };
        mapProblems();
        keel.adminGuard(auth);
        keel.health().add("database", () -> db.ping(Duration.ofSeconds(1))
                ? HealthCheck.Result.up(db.dialect().toString())
                : HealthCheck.Result.down("no answer within 1 s"));
        keel.routes(routes -> {
            parts.routesFirst(routes, this, store);
            new AccountRoutes(accounts, sessions, passwords, auth, throttle, keel.json(), config.maxBodySize(),
                    store.sessionTtl(), clock).register(routes);
            new CatalogRoutes(products, keel.json()).register(routes);
            new InvoiceRoutes(InvoiceRenderer.create(), cpu, auth, orderRoutes, accounts, products)
                    .register(routes);
            exportRoutes.register(routes); // before orderRoutes: /api/orders/{id} would take "export" as an id
            orderRoutes.register(routes);
            uploadRoutes.register(routes);
            events.register(routes);
            new ImageRoutes(thumbnailer, imageLimits, cpu, auth).register(routes);
            ApiDocs.load(keel.json().mapper()).register(routes);
        });
        loadNativeLibraries = () -> {
            passwords.path().report(keel.metrics());
            thumbnailer.path().report(keel.metrics());
        };
    }

    private void seedIfEmpty(StoreConfig store, Passwords passwords) {
        if (store.seedOrders() == 0) {
            return;
        }
        int customers = (int) Math.max(10, Math.min(10_000, store.seedOrders() / 20));
        SeedReport report = new Seeder(Clock.systemUTC()).seed(db, () -> new SeedPlan(customers, 200,
                store.seedOrders(), passwords.hashInline(DEMO_PASSWORD), 42));
        if (report.skipped()) {
            LOG.info("database already holds data; not seeding");
        } else {
            LOG.info("seeded {} customers, {} products, {} orders ({} items) in {} ms; demo sign-in: "
                            + "customer1@example.com / {}", report.customers(), report.products(), report.orders(),
                    report.items(), report.took().toMillis(), DEMO_PASSWORD);
        }
    }

    private void mapProblems() {
        keel.problems()
                .register(ImageRejectedException.class, e -> switch (e.reason()) {
                    case UNSUPPORTED_TYPE -> ProblemException.unsupportedMediaType(e.getMessage());
                    case EMPTY -> ProblemException.badRequest(e.getMessage());
                    case TOO_MANY_PIXELS, INPUT_TOO_LARGE -> ProblemException.tooLarge(e.getMessage());
                    case CORRUPT -> ProblemException.unprocessable(e.getMessage());
                })
                .register(IdempotencyKeyReusedException.class,
                        e -> ProblemException.unprocessable(e.getMessage()))
                .register(InvalidThumbnailSpecException.class, e -> Params.field(e.field(),
                        e.getMessage()))
                .register(InvalidCursorException.class, e -> Params.field("after",
                        "is not a cursor from a previous page"))
                .register(DataAccessException.class, e -> e.getCause() instanceof SQLTransientConnectionException
                        ? ProblemException.unavailable("the database is busy; retry later", Duration.ofSeconds(1))
                        : new ProblemException(500, "Internal Server Error",
                        "the server failed to answer this request; quote the request id when reporting it"))
                // Streams (issue 4)
                .register(StreamLimitExceededException.class, e -> ProblemException.tooLarge(e.getMessage()))
                .register(ChecksumMismatchException.class, e -> ProblemException.unprocessable(
                        "the body does not match the declared SHA-256; nothing was stored"))
                .register(MalformedChecksumException.class, e -> ProblemException.badRequest(e.getMessage()));
    }

    private static String displayHost(String host) {
        return host.equals("0.0.0.0") ? "localhost" : host;
    }

    public int port() {
        return keel.port();
    }

    public Keel keel() {
        return keel;
    }

    public Database database() {
        return db;
    }

    /** Makes {@link #awaitShutdownSignal()} return and stop gracefully, as SIGTERM would. */
    public void requestStop() {
        keel.requestStop();
    }

    /** Blocks until SIGTERM/SIGINT, then stops gracefully. */
    public void awaitShutdownSignal() throws InterruptedException {
        keel.awaitShutdownSignal();
    }

    @Override
    public void close() {
        keel.close();
    }
}

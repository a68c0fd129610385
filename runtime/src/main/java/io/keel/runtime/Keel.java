package io.keel.runtime;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.keel.runtime.admin.AdminEndpoints;
import io.keel.runtime.admin.AdminGuard;
import io.keel.runtime.admin.OperatorToken;
import io.keel.runtime.config.Settings;
import io.keel.runtime.cpu.CpuPool;
import io.keel.runtime.cpu.CpuPoolRejectedException;
import io.keel.runtime.cpu.CpuPoolSettings;
import io.keel.runtime.cpu.CpuTaskTimeoutException;
import io.keel.runtime.dashboard.Dashboard;
import io.keel.runtime.health.Health;
import io.keel.runtime.http.Admission;
import io.keel.runtime.http.HttpLayer;
import io.keel.runtime.http.Json;
import io.keel.runtime.http.ProblemException;
import io.keel.runtime.http.ProblemMapper;
import io.keel.runtime.http.RequestHold;
import io.keel.runtime.http.Routes;
import io.keel.runtime.http.StopWait;
import io.keel.runtime.lag.PinnedThreadMonitor;
import io.keel.runtime.lag.SchedulerLagMonitor;
import io.keel.runtime.limit.ConcurrencyLimiter;
import io.keel.runtime.memory.DumpDirectory;
import io.keel.runtime.memory.HeapAfterGc;
import io.keel.runtime.memory.MemoryGuard;
import io.keel.runtime.memory.VmOptions;
import io.keel.runtime.metrics.RuntimeMetrics;
import io.keel.runtime.process.Signals;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A Keel service: Helidon's virtual-thread web server with the production basics already wired - request ids,
 * problem documents for every error, request limits, Prometheus metrics on {@code /metrics}, health on
 * {@code /health/live} and {@code /health/ready}, a bounded CPU pool, admin endpoints and graceful shutdown.
 *
 * <pre>{@code
 * Keel keel = Keel.create(KeelConfig.defaults());
 * keel.routes(r -> r.get("/hello", (req, res) -> res.send("hi")));
 * keel.start();
 * keel.awaitShutdownSignal();   // SIGTERM/SIGINT: drain, finish in-flight requests, close pools
 * }</pre>
 *
 * <p>Configure (routes, checks, resources) before {@link #start()}; not thread-safe until then. Two instances can run in
 * one JVM: nothing here is static. Somewhat over 300 lines: this is the one place where the parts are wired together
 * and stopped in order, which reads better whole than split.
 */
public final class Keel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Keel.class);

    private final KeelConfig config;
    private final RuntimeMetrics metrics;
    private final Json json = Json.create();
    private final ProblemMapper problemMapper = new ProblemMapper();
    private final Health health = new Health(json);
    private final CpuPool cpuPool;
    private final HttpRouting.Builder routing = HttpRouting.builder();
    private final Routes routes;
    private static final String MANAGEMENT = "management";
    private static final String SERVICE = "service";
    /**
     * The connection drain ends early once no connection opened or closed this long: a client told to close
     * reconnects at once, but on a loaded machine its thread may wait for a core (a reload lost a request to a
     * reconnect that came after 100 ms; see ConnectionGuard#awaitNoConnections).
     */
    private static final Duration CONNECTION_QUIET = Duration.ofMillis(500);

    private final HttpLayer http;
    private final Admission admission;
    private final MemoryGuard memory;
    private final Dashboard dashboard;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final List<Runnable> beforeStop = new ArrayList<>();
    private final List<Runnable> beforeListenerCloses = new CopyOnWriteArrayList<>();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private Settings settings = Settings.of(Map.of());
    private AdminGuard adminGuard;
    private WebServer server;
    private boolean stopped;

    private Keel(KeelConfig config) {
        this.config = config;
        this.metrics = RuntimeMetrics.create();
        this.cpuPool = CpuPool.create(new CpuPoolSettings(config.cpuThreads(), config.cpuQueue(),
                config.cpuMaxQueueWait(), config.cpuTaskTimeouts(), Map.of(),
                config.cpuTaskTimeout(), config.cpuNice(), config.cpuFairQuantum()), metrics.registry());
        this.http = new HttpLayer(metrics.registry(), json, problemMapper, config.maxHeaderSize());
        this.memory = new MemoryGuard(config.heapLimitPercent() / 100.0, config.rssLimit(), metrics.registry());
        this.admission = new Admission(ConcurrencyLimiter.create(config.limit(), metrics.registry()), memory,
                config.maxStreams(), config.holdMaxRequests(), metrics.registry());
        this.routes = http.install(routing, admission);
        resources.push(SchedulerLagMonitor.start(metrics.registry()));
        resources.push(PinnedThreadMonitor.start(metrics.registry()));
        health.add("memory", memory.healthCheck());
        resources.push(HeapAfterGc.start(config.memory(), metrics.registry()));
        this.dashboard = Dashboard.create(metrics.registry(), json);
        this.adminGuard = new OperatorToken(config.adminToken());
        problemMapper.register(CpuPoolRejectedException.class, e -> ProblemException.unavailable(
                        "the server is busy with CPU work (" + e.reason() + "); retry later", e.retryAfter()))
                .register(CpuTaskTimeoutException.class, e -> ProblemException.unavailable(
                        "the work took too long and was stopped; retry later", Duration.ofSeconds(2)));
        LoggingSafety.installUncaughtHandler();
    }

    /** Creates the service's shared parts (metrics, CPU pool, health); nothing listens until {@link #start()}. */
    public static Keel create(KeelConfig config) {
        return new Keel(config);
    }

    public KeelConfig config() {
        return config;
    }

    public MeterRegistry metrics() {
        return metrics.registry();
    }

    public CpuPool cpuPool() {
        return cpuPool;
    }

    public Json json() {
        return json;
    }

    public Health health() {
        return health;
    }

    /** Where applications map their own exceptions to problems. */
    public ProblemMapper problems() {
        return problemMapper;
    }

    /** The live dashboard ({@code GET /}, {@code GET /api/stats}); a service adds its own figures to it. */
    public Dashboard dashboard() {
        return dashboard;
    }

    /** Adds application routes. */
    public Keel routes(Consumer<Routes> configurer) {
        configurer.accept(routes);
        return this;
    }

    /** Replaces the default admin guard (operator token only), e.g. to also admit users with an admin role. */
    public Keel adminGuard(AdminGuard guard) {
        this.adminGuard = guard;
        return this;
    }

    /** The settings the configuration was read from, shown (masked) by {@code GET /admin/config}. */
    public Keel settings(Settings settings) {
        this.settings = settings;
        return this;
    }

    /** A resource closed on shutdown after the server stopped, in reverse registration order (e.g. a DB pool). */
    public Keel closeOnStop(AutoCloseable resource) {
        resources.push(resource);
        return this;
    }

    /**
     * Runs when shutdown begins, after readiness turned false and before the listener stops: the place to end
     * long-lived responses (event streams) that would otherwise hold shutdown for the whole grace period.
     */
    public Keel beforeStop(Runnable hook) {
        beforeStop.add(hook);
        return this;
    }

    /**
     * Runs during shutdown after the connection drain, just before the listener closes; it may block (bounded by the
     * hook) to keep the listener open, e.g. until a successor process listens on the same port. May be registered
     * after {@link #start()}, from any thread.
     */
    public Keel beforeListenerCloses(Runnable hook) {
        beforeListenerCloses.add(hook);
        return this;
    }

    /**
     * Holds every request but the critical ones (health, metrics, admin) until the service opens the returned hold,
     * e.g. while it waits for a database another process hands over. Held requests wait before admission: they take
     * no concurrency permit and their wait is no latency sample for the adaptive limit. At most
     * {@code hold-max-requests} wait at once, each at most {@code maxWait}; beyond either, 503 with Retry-After.
     * Shutdown opens the hold. Once per service; call before {@link #start()} so no request slips through.
     *
     * @throws IllegalStateException when requests were held before
     */
    public RequestHold holdRequests(Duration maxWait) {
        return admission.holdRequests(maxWait);
    }

    /** Binds and starts serving. Blocks until the listener (and the management listener, if set) is up. */
    public Keel start() {
        // On the service's listener, metrics and stats carry business figures: operator token or admin user only.
        AdminGuard guard = adminGuard;
        registerOperations(routes, handler -> (req, res) -> {
            guard.authorize(req);
            handler.handle(req, res);
        });
        http.finish(routes);
        resources.push(http);
        WebServerConfig.Builder builder = http.listener(WebServer.builder(), SERVICE, config)
                .host(config.host())
                .port(config.port())
                .shutdownHook(false)
                .routing(routing);
        if (config.reusePort()) {
            // several worker JVMs bind one port; the kernel spreads new connections over their listeners
            builder.putListenerSocketOption(StandardSocketOptions.SO_REUSEPORT, true);
        }
        if (config.management().port().isPresent()) {
            // The management listener serves the same figures without a token: it listens on loopback by default,
            // where only the operator's own scraper can reach it. Admin routes still need the token there.
            HttpRouting.Builder managementRouting = HttpRouting.builder();
            Routes management = http.install(managementRouting, admission);
            registerOperations(management, handler -> handler);
            http.finish(management);
            builder.putSocket(MANAGEMENT, http.listener(ListenerConfig.builder(), MANAGEMENT, config)
                    .host(config.management().host())
                    .port(config.management().port().getAsInt())
                    .routing(managementRouting)
                    .build());
        }
        DumpDirectory.of(config.dataDir()).prune(config.memory().heapDumpsKept()); // e.g. the last crash's dump
        LOG.info("memory: max heap {} MiB, max metaspace {}, max direct {}", Runtime.getRuntime().maxMemory() >> 20,
                VmOptions.value("MaxMetaspaceSize"), VmOptions.value("MaxDirectMemorySize"));
        server = builder.build().start();
        if (!server.isRunning() || (config.management().port().isPresent() && server.port(MANAGEMENT) <= 0)) {
            // Helidon logs a bind failure and returns; a service that is not listening must not look started
            Optional.ofNullable(server).ifPresent(WebServer::stop);
            throw new KeelException("could not start listening on " + config.host() + ":" + config.port()
                    + " or the management listener " + config.management() + " (is the port in use?)");
        }
        config.management().port().ifPresent(p -> LOG.info("management listener (metrics, stats, dashboard without "
                + "a token) at http://{}:{}/", config.management().host(), server.port(MANAGEMENT)));
        return this;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.port();
    }

    /** The management listener's bound port; empty when it is off. */
    public OptionalInt managementPort() {
        return config.management().port().isPresent()
                ? OptionalInt.of(server.port(MANAGEMENT)) : OptionalInt.empty();
    }

    /** Metrics, health, admin and dashboard routes; {@code protect} wraps the ones that show business figures. */
    private void registerOperations(Routes target, UnaryOperator<Handler> protect) {
        target.route(Method.GET, "/metrics", Routes.Kind.CRITICAL, protect.apply((req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            res.send(metrics.scrape());
        }));
        target.route(Method.GET, "/health/live", Routes.Kind.CRITICAL, health::live)
                .route(Method.GET, "/health/ready", Routes.Kind.CRITICAL, health::ready);
        new AdminEndpoints(adminGuard, json, config.dataDir(), settings::effective, config.memory().heapDumpsKept())
                .register(target);
        dashboard.register(target, protect);
    }


    /**
     * Blocks until SIGTERM or SIGINT (or {@link #requestStop()}), then stops gracefully. Replaces the JVM's default
     * handling of those signals, so the caller decides the exit code once this returns.
     */
    public void awaitShutdownSignal() throws InterruptedException {
        for (String name : List.of("TERM", "INT")) {
            Signals.handle(name, () -> {
                LOG.info("received SIG{}, shutting down", name);
                stopSignal.countDown();
            });
        }
        stopSignal.await();
        close();
    }

    /** Makes {@link #awaitShutdownSignal()} return as if a signal had arrived. */
    public void requestStop() {
        stopSignal.countDown();
    }

    /**
     * Graceful stop: readiness turns false and responses say {@code Connection: close}; the listener closes after the
     * drain delay and the connection drain, a connection it accepted whose first request has not arrived gets up to
     * the stop request wait for it, in-flight requests get up to the grace period, then the CPU pool and registered
     * resources close. Every part is stopped even when one fails.
     */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        long start = System.nanoTime();
        health.drain();
        http.closeConnections();
        admission.hold().open(); // a stopping service holds nobody: they go on and get their answer
        KeelException failure = new KeelException("shutdown was not clean");
        try {
            if (server != null && !config.drainDelay().isZero()) { // nothing to drain where nothing listened
                Thread.sleep(config.drainDelay());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Runnable hook : beforeStop) {
            attempt(failure, hook::run);
        }
        int open = drainConnections();
        if (server != null) {
            for (Runnable hook : beforeListenerCloses) {
                attempt(failure, hook::run);
            }
        }
        int inFlight = http.inFlight();
        LOG.info("draining: {} request(s) in flight, {} connection(s) still open, grace period {}", inFlight, open,
                config.shutdownGrace());
        // Each step timed: after the listener closes, the time to exit is what a successor waits (H2 hand-over).
        long listenerClosing = System.nanoTime();
        attempt(failure, () -> Optional.ofNullable(server).ifPresent(this::stopServer));
        long serverStopped = System.nanoTime();
        attempt(failure, () -> cpuPool.close(config.shutdownGrace()));
        long cpuClosed = System.nanoTime();
        while (!resources.isEmpty()) {
            attempt(failure, resources.pop()::close);
        }
        long resourcesClosed = System.nanoTime();
        attempt(failure, metrics::close);
        long end = System.nanoTime();
        LOG.info("stopped in {} ms (server {} ms, CPU pool {} ms, resources {} ms, metrics {} ms)",
                millis(end - start), millis(serverStopped - listenerClosing), millis(cpuClosed - serverStopped),
                millis(resourcesClosed - cpuClosed), millis(end - resourcesClosed));
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    /**
     * Keeps the listener serving while kept-alive clients move away: closing it at once would cut the connections
     * waiting in its accept queue and race every client about to reuse an idle connection (the request meets a
     * closing socket). Each response now says {@code Connection: close}, so clients close and reconnect, under
     * {@code SO_REUSEPORT} to the other workers' listeners too; once none is open and none arrived for a moment, the
     * listener closes. Returns the connections still open when the connection drain ran out.
     */
    private int drainConnections() {
        if (server == null || config.connectionDrain().isZero()) {
            return 0;
        }
        try {
            return http.awaitNoConnections(SERVICE, config.connectionDrain(), CONNECTION_QUIET);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Helidon's stop closes the listening socket first, then each open connection: one in a request finishes it, one
     * waiting for a request line would be cut at once. A connection accepted an instant before (any time a
     * {@link #beforeListenerCloses} hook waits, the listener still accepts) has its first request on the way; it gets
     * the stop request wait for it ({@link StopWait}), the rest of the stop goes on as Helidon does it.
     */
    private void stopServer(WebServer webServer) {
        StopWait wait = http.stopping(SERVICE, config.stopRequestWait());
        webServer.stop();
        LOG.info("listener closed: {} connection(s) had no request line read yet; {} read one within the stop request "
                + "wait ({}) and were served, {} were closed still waiting, the rest by their clients", wait.held(),
                wait.served(), config.stopRequestWait(), wait.closedWaiting());
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void attempt(KeelException failure, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            LOG.error("shutdown step failed", e);
            failure.addSuppressed(e);
        }
    }
}

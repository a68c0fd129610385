package io.keel.supervisor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One worker JVM. Its output is pumped line by line into the shared log by one platform thread per worker; the line
 * the store logs once it listens and its readiness is true ("store ready at") marks it ready. Its standard input is a
 * pipe: when the supervisor dies the pipe closes and the worker stops itself. A standby worker (slot 0 until it is
 * activated) logs {@link #STANDBY_LINE} once prepared and waits for the one line the supervisor writes to that pipe,
 * {@code activate}; its start-up time then counts from the activation.
 *
 * <p>Thread-safe: state is volatile and written by the supervisor thread and the pump thread only as documented.
 */
final class Worker {
    /**
     * {@code STANDBY}: a standby worker prepared and waiting for activation (one still preparing is STARTING).
     * {@code HOLDING}: a worker taking over an embedded H2 database, listening and holding its requests until the
     * old worker has closed the file.
     */
    enum State { STARTING, STANDBY, HOLDING, READY, DRAINING, EXITED }

    /** How a standby is woken into a slot: the line written to its standard input. */
    enum Wake {
        /** Start at once: the slot's worker is gone. */
        ACTIVATE("activate"),
        /**
         * Replace a live worker: on an exclusive database prepare for a hand-over ({@link #TAKEOVER_LINE}), then
         * {@link #listen} and {@link #openDatabase} on the supervisor's word; on a shared one the same as
         * {@code ACTIVATE}.
         */
        HANDOVER("handover");

        final String line;

        Wake(String line) {
            this.line = line;
        }
    }

    /** The store logs this once it listens; in JSON logs the slashes after it are escaped. */
    static final String READY_LINE = "store ready at http";
    /** A standby store logs this once prepared (io.keel.store.Standby#WAITING_LINE). */
    static final String STANDBY_LINE = "store standby prepared";
    /** A standby woken for a hand-over on an exclusive database logs this once prepared (Standby#TAKEOVER_LINE). */
    static final String TAKEOVER_LINE = "store prepared to take over the database";
    /** It logs this once it {@linkplain #listen listens}, holding requests (io.keel.store.StoreService#HOLDING_LINE). */
    static final String HOLDING_LINE = "store listening; database opens when the previous worker has closed it";
    /** A worker told {@link #stepDown} logs this when its listener is about to close (Standby#SUCCESSOR_LINE). */
    static final String SUCCESSOR_LINE = "store listener closes once the next worker listens";
    /**
     * A worker that {@linkplain #stepDown stepped down} logs this once its database's close returned
     * (Standby#DATABASE_CLOSED_LINE).
     */
    static final String DATABASE_CLOSED_LINE = "store database closed for the next worker";
    /** The worker's command-line flag that makes it a standby. */
    static final String STANDBY_FLAG = "--standby=true";
    /** The runtime logs its management listener's address at start (slashes escaped in JSON logs). */
    private static final Pattern MANAGEMENT_LINE = Pattern.compile(
            "management listener .*? at http:(?:\\\\?/){2}([^:/\\\\]+):(\\d+)");

    private volatile int slot;
    private final Process process;
    private final long startedNanos;
    private final Consumer<Worker> onPrepared;
    private final Consumer<Worker> onReady;
    private final CountDownLatch ready = new CountDownLatch(1);
    /** Counted down by the take-over line or the ready line, whichever comes first. */
    private final CountDownLatch prepared = new CountDownLatch(1);
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch successorAwaited = new CountDownLatch(1);
    private final CountDownLatch databaseClosed = new CountDownLatch(1);
    /** Set by {@link #stepDown}: only then does {@link #DATABASE_CLOSED_LINE} count (not from a standby's rehearsal). */
    private volatile boolean steppedDown;
    private volatile boolean takesOver;
    private volatile State state = State.STARTING;
    private volatile long preparedNanos;
    private volatile long activatedNanos;
    /** Whether it had logged {@link #STANDBY_LINE} when it was activated: only then is its start a warm one. */
    private volatile boolean preparedWhenActivated;
    private volatile long readyNanos;
    private volatile Duration cpuToReady = Duration.ZERO;
    private volatile String managementHost = "";
    private volatile int managementPort = -1;
    private volatile WorkerStats stats = WorkerStats.NONE;
    private final AtomicBoolean polling = new AtomicBoolean();

    private Worker(int slot, Process process, long startedNanos, Consumer<Worker> onPrepared,
                   Consumer<Worker> onReady) {
        this.slot = slot;
        this.process = process;
        this.startedNanos = startedNanos;
        this.onPrepared = onPrepared;
        this.onReady = onReady;
    }

    /**
     * Spawns the worker; {@code onReady} runs once on its log thread when it logs its ready line (it must not block).
     * Start-up time counts from just before the spawn.
     */
    static Worker start(int slot, List<String> command, Map<String, String> env, RotatingLog log,
                        Consumer<Worker> onReady) {
        return spawn(slot, command, env, log, worker -> { }, onReady);
    }

    /**
     * Spawns a standby worker: {@code command} plus {@link #STANDBY_FLAG}. {@code onPrepared} runs once on its log
     * thread when it logs {@link #STANDBY_LINE}, {@code onReady} once it is ready after {@link #activate}.
     */
    static Worker standby(List<String> command, Map<String, String> env, RotatingLog log,
                          Consumer<Worker> onPrepared, Consumer<Worker> onReady) {
        List<String> standby = new ArrayList<>(command);
        standby.add(STANDBY_FLAG);
        return spawn(0, standby, env, log, onPrepared, onReady);
    }

    private static Worker spawn(int slot, List<String> command, Map<String, String> env, RotatingLog log,
                                Consumer<Worker> onPrepared, Consumer<Worker> onReady) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start worker " + slot + ": " + command.getFirst(), e);
        }
        Worker worker = new Worker(slot, process, started, onPrepared, onReady);
        Thread.ofPlatform().daemon().name("keel-worker-" + process.pid() + "-log").start(() -> worker.pump(log));
        return worker;
    }

    /** {@link #wake} with {@link Wake#ACTIVATE}. */
    boolean activate(int slot) {
        return wake(slot, Wake.ACTIVATE);
    }

    /**
     * Wakes a standby into {@code slot}: writes {@code how}'s line to its standard input. False when the pipe is
     * broken (the standby just died). Supervisor thread only; once per standby.
     */
    boolean wake(int slot, Wake how) {
        synchronized (this) { // against the pump's STANDBY and READY transitions: neither is undone by a wake
            this.slot = slot;
            activatedNanos = System.nanoTime();
            preparedWhenActivated = preparedNanos != 0;
            if (ready.getCount() > 0) { // a worker that said it was ready before the wake line stays READY
                state = State.STARTING;
            }
        }
        return write(how.line);
    }

    /** Tells a worker that {@linkplain #takesOver() takes over} to bind and hold requests. False: broken pipe. */
    boolean listen() {
        return write("listen");
    }

    /**
     * Tells a worker that {@linkplain #takesOver() takes over} that the old worker has exited: it opens the database.
     * False when the pipe is broken. Supervisor thread only.
     */
    boolean openDatabase() {
        return write("open-database");
    }

    /**
     * Drains a worker that hands its database over: {@code await-successor} (its listener then stays open until
     * {@link #closeListener}), then SIGTERM as {@link #drain}. A worker that does not know the line ignores it and
     * drains as usual.
     */
    void stepDown() {
        steppedDown = true;
        write("await-successor");
        drain();
    }

    /** Lets a worker that {@linkplain #stepDown stepped down} close its listener. False: broken pipe. */
    boolean closeListener() {
        return write("close-listener");
    }

    private boolean write(String line) {
        try {
            OutputStream stdin = process.getOutputStream();
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void pump(RotatingLog log) {
        String pid = process.pid() + " ";
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                int current = slot;
                log.line((current == 0 ? "s:" : "w" + current + ":") + pid + line);
                if (line.contains(STANDBY_LINE) && prepared()) {
                    notify(onPrepared, "prepared", log);
                }
                if (managementPort < 0) {
                    Matcher management = MANAGEMENT_LINE.matcher(line);
                    if (management.find()) {
                        String host = management.group(1);
                        managementHost = "0.0.0.0".equals(host) ? "127.0.0.1" : host;
                        managementPort = Integer.parseInt(management.group(2));
                    }
                }
                if (prepared.getCount() > 0 && line.contains(TAKEOVER_LINE)) {
                    takesOver = true;
                    prepared.countDown();
                }
                if (holding.getCount() > 0 && line.contains(HOLDING_LINE)) {
                    state = State.HOLDING;
                    holding.countDown();
                }
                if (steppedDown && databaseClosed.getCount() > 0 && line.contains(DATABASE_CLOSED_LINE)) {
                    databaseClosed.countDown();
                }
                if (successorAwaited.getCount() > 0 && line.contains(SUCCESSOR_LINE)) {
                    successorAwaited.countDown();
                }
                if (ready.getCount() > 0 && line.contains(READY_LINE)) {
                    readyNanos = System.nanoTime();
                    cpuToReady = cpu();
                    notify(onReady, "ready", log); // first, so whoever sees READY also sees its figures counted
                    becameReady();
                }
            }
        } catch (IOException e) {
            log.line("w" + slot + ":" + pid + "(output lost: " + e.getMessage() + ")");
        }
    }

    /**
     * Runs a supervisor callback on the pump thread. One that throws is logged and the pump goes on: were the pump to
     * end, the worker's output pipe would fill and the worker would block on its next log line.
     */
    private void notify(Consumer<Worker> callback, String event, RotatingLog log) {
        try {
            callback.accept(this);
        } catch (RuntimeException e) {
            log.line("supervisor: the " + event + " callback for worker " + slot + " (pid " + process.pid()
                    + ") failed: " + e);
        }
    }

    private synchronized void becameReady() {
        state = State.READY;
        ready.countDown();
        prepared.countDown();
    }

    /** Records the standby line: true the first time, and only for a standby not activated yet. */
    private synchronized boolean prepared() {
        if (preparedNanos != 0 || activatedNanos != 0) {
            return false;
        }
        preparedNanos = System.nanoTime();
        state = State.STANDBY;
        return true;
    }

    /** Waits until the worker is ready; false when it died or did not get ready within {@code timeout}. */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        return await(ready, timeout);
    }

    /**
     * Waits until a woken standby is ready, or prepared to {@linkplain #takesOver() take over}; false when it died or
     * did neither within {@code timeout}.
     */
    boolean awaitPrepared(Duration timeout) throws InterruptedException {
        return await(prepared, timeout);
    }

    /** Waits until it logged the holding line after {@link #listen}; false when it died or timed out. */
    boolean awaitHolding(Duration timeout) throws InterruptedException {
        return await(holding, timeout);
    }

    /**
     * Waits until a worker that {@linkplain #stepDown stepped down} waits to close its listener; false when it exited
     * first (e.g. it did not know the line) or timed out.
     */
    boolean awaitSuccessorAwaited(Duration timeout) throws InterruptedException {
        return await(successorAwaited, timeout);
    }

    /**
     * Waits until a worker that {@linkplain #stepDown stepped down} has closed its database (it logged
     * {@link #DATABASE_CLOSED_LINE}) or exited, whichever comes first; false when it did neither within
     * {@code timeout}.
     */
    boolean awaitDatabaseClosedOrExit(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (databaseClosed.await(50, TimeUnit.MILLISECONDS) || !process.isAlive()) {
                return true;
            }
        }
        return false;
    }

    private boolean await(CountDownLatch latch, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (latch.await(50, TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (!process.isAlive()) {
                return false;
            }
        }
        return false;
    }

    /** Whether it takes over an exclusive database: it waits for {@link #listen}, then {@link #openDatabase}. */
    boolean takesOver() {
        return takesOver;
    }

    /** Why {@link #awaitReady} said false, for messages: it exited, or it took too long. */
    String notReadyReason(Duration timeout) {
        return process.isAlive() ? "did not become ready within " + timeout.toSeconds() + " s"
                : "exited with code " + process.exitValue() + " before it was ready";
    }

    /**
     * SIGTERM: the worker turns unready, waits its drain delay, lets in-flight requests finish and exits. Sent through
     * the process handle: {@link Process#destroy()} would also close the pipes, and the worker's shutdown lines
     * (how many requests and connections it drained) would never reach the log.
     */
    void drain() {
        state = State.DRAINING;
        process.toHandle().destroy();
    }

    void kill() {
        process.destroyForcibly();
    }

    boolean awaitExit(Duration timeout) throws InterruptedException {
        boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (exited) {
            state = State.EXITED;
        }
        return exited;
    }

    int slot() {
        return slot;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    int exitCode() {
        return process.exitValue();
    }

    State state() {
        return process.isAlive() ? state : State.EXITED;
    }

    Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /**
     * From spawn to ready, or for a {@linkplain #warm() warm} standby from its activation to ready; empty while not
     * ready. A standby activated before it was prepared counts from its spawn, as a cold start.
     */
    Optional<Duration> startup() {
        return readyNanos == 0 ? Optional.empty()
                : Optional.of(Duration.ofNanos(readyNanos - (warm() ? activatedNanos : startedNanos)));
    }

    /** Whether this worker was a standby, activated into its slot. */
    boolean activated() {
        return activatedNanos != 0;
    }

    /** Whether it was a prepared standby when activated: its start skipped the JVM's cold start. */
    boolean warm() {
        return activatedNanos != 0 && preparedWhenActivated;
    }

    /** From spawn to its standby line; empty for a worker that never was a prepared standby. */
    Optional<Duration> preparation() {
        return preparedNanos == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(preparedNanos - startedNanos));
    }

    /** How long it has been starting or serving in its slot: since its activation, or its spawn. */
    Duration inSlot() {
        return Duration.ofNanos(System.nanoTime() - startOfServing());
    }

    private long startOfServing() {
        long activated = activatedNanos;
        return activated != 0 ? activated : startedNanos;
    }

    /** The worker's CPU time (user + system) when it logged its ready line; zero while not ready. */
    Duration cpuToReady() {
        return cpuToReady;
    }

    Duration cpu() {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** The worker's management listener port (loopback, no token), or -1 until it logged it. */
    int managementPort() {
        return managementPort;
    }

    /** The last figures read from the worker ({@link WorkerStats#NONE} before the first). */
    WorkerStats stats() {
        return stats;
    }

    /** The worker's {@code /metrics}, if it has a management listener and answers. Blocks up to the probe timeout. */
    Optional<String> scrape(WorkerProbe probe) {
        return managementPort < 0 ? Optional.empty() : probe.metrics(managementHost, managementPort);
    }

    /**
     * Reads fresh figures on a virtual thread; does nothing while the previous read is still running, so a worker
     * that stopped answering never piles up readers.
     */
    void refreshStats(WorkerProbe probe) {
        if (managementPort < 0 || !polling.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("keel-stats-" + process.pid()).start(() -> {
            try {
                probe.stats(managementHost, managementPort).ifPresent(s -> stats = s);
            } finally {
                polling.set(false);
            }
        });
    }

    /** Resident set size from /proc (Linux), or -1 where there is none. */
    long rssBytes() {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1; // the process just exited, or no /proc
        }
        return -1;
    }
}

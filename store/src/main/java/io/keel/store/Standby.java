package io.keel.store;

import io.keel.runtime.KeelConfig;
import io.keel.runtime.config.Settings;
import io.keel.store.db.Database;
import io.keel.store.db.StartSteps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A standby worker's start (issue 10: a restarted worker ready in a second): it does, while the serving workers run,
 * all the start-up that does not clash with them, logs {@link #WAITING_LINE}, waits for the supervisor's
 * {@code activate} line on standard input, and only then finishes and logs the ready line.
 * <ul>
 *   <li>PostgreSQL (any shared database): the real start up to the bind: pool open, migrations validated, parts
 *   wired, routes built. Activation binds the port.</li>
 *   <li>Embedded H2: one process at a time may open the file, and the serving worker holds it. The standby rehearses
 *   the start on an H2 file of its own in a scratch data directory, listening on a loopback port of its own, opens a
 *   copy of that file taken while it was open (what a SIGKILL leaves, so the unclean-file check runs too), and
 *   stops (same classes loaded, same code run once, so the JIT has seen it); after activation (the supervisor
 *   activates it once the old worker is gone) it starts for real on the file.</li>
 * </ul>
 * Instead of {@code activate} the supervisor may write {@code handover} (issue 10: replacing a live worker). On a
 * shared database that is an activation. On embedded H2 (a hand-over) the steps are, each on the supervisor's word:
 * <ol>
 *   <li>the standby prepares with the database not open yet and logs {@link #TAKEOVER_LINE};</li>
 *   <li>the old worker, told {@code await-successor} and SIGTERM, drains (readiness false, its connections closed
 *   after their answers) still serving everything, and before its listener closes logs {@link #SUCCESSOR_LINE} and
 *   waits ({@link #awaitSuccessor});</li>
 *   <li>{@code listen}: the standby binds beside it and logs {@link StoreService#HOLDING_LINE}; the requests it
 *   gets wait at the database's gate;</li>
 *   <li>{@code close-listener}: the old worker closes its listener, finishes its requests, closes the file, logs
 *   {@link #DATABASE_CLOSED_LINE} and exits;</li>
 *   <li>{@code open-database} (sent on that line, or on the old worker's exit): the standby opens the file and gets
 *   ready.</li>
 * </ol>
 * So requests are held only from step 3 to 5, not during the old worker's whole drain, and a port always has a
 * listener. The supervisor, not the file lock, says when to open: an open that polled the lock would run the
 * unclean-file check on a file the old worker may still be writing.
 * The supervisor closing standard input ends every wait: nothing more is started. Thread-safe: the watch thread calls
 * {@link #command} and {@link #parentGone}; the main thread {@link #run}s.
 */
final class Standby {
    private static final Logger LOG = LoggerFactory.getLogger(Standby.class);
    /** Logged once the standby is prepared; the supervisor reads it (as it reads the ready line). */
    static final String WAITING_LINE = "store standby prepared";
    /** Logged by a standby prepared for a hand-over (step 1); the supervisor reads it. */
    static final String TAKEOVER_LINE = "store prepared to take over the database";
    /** Logged by a serving worker told {@code await-successor} when its listener is about to close (step 2). */
    static final String SUCCESSOR_LINE = "store listener closes once the next worker listens";
    /**
     * Logged by a worker handing its database over right after the database's close returned (step 4): the file is
     * closed and unlocked, and nothing of this process writes it again. The supervisor sends {@code open-database}
     * on it, or on the process's exit if that comes first.
     */
    static final String DATABASE_CLOSED_LINE = "store database closed for the next worker";
    /** What the supervisor wrote, or that it went away ({@code GONE}). */
    enum Command {
        ACTIVATE("activate"), HANDOVER("handover"), LISTEN("listen"), OPEN_DATABASE("open-database"),
        AWAIT_SUCCESSOR("await-successor"), CLOSE_LISTENER("close-listener"), GONE("");

        final String line;

        Command(String line) {
            this.line = line;
        }
    }

    /** Unbounded, but the supervisor writes at most six lines to a worker. */
    private final BlockingQueue<Command> commands = new LinkedBlockingQueue<>();
    private StoreService serving; // guarded by this
    private boolean gone; // guarded by this

    /** A line from the supervisor, queued for {@link #run}; an unknown one is logged and ignored. */
    void command(String line) {
        for (Command command : Command.values()) {
            if (command != Command.GONE && command.line.equals(line)) {
                commands.add(command);
                return;
            }
        }
        if (!line.isEmpty()) {
            LOG.warn("unknown supervisor command '{}' ignored", line);
        }
    }

    /** The supervisor is gone: a waiting standby gives up, a serving worker stops. */
    synchronized void parentGone() {
        gone = true;
        commands.add(Command.GONE);
        if (serving != null) {
            serving.requestStop();
        }
    }

    /** The started service, stopped at once if the supervisor is already gone. */
    synchronized void serving(StoreService service) {
        serving = service;
        if (gone) {
            service.requestStop();
        }
    }

    /** The next of {@code expected} the supervisor writes; GONE once it went away. Others are logged and skipped. */
    private Command await(Command... expected) throws InterruptedException {
        while (true) {
            Command next = commands.take();
            if (next == Command.GONE || List.of(expected).contains(next)) {
                return next;
            }
            LOG.warn("supervisor command '{}' is out of place now; ignored", next.line);
        }
    }

    /**
     * Prepares, waits for activation and starts; empty when the supervisor went away first.
     *
     * @param flags    the worker's command-line flags
     * @param settings {@code flags} and the environment read into settings; {@code load} reads other flags the same way
     */
    Optional<StoreService> run(Settings settings, Map<String, String> flags,
                               Function<Map<String, String>, Settings> load) throws InterruptedException {
        KeelConfig config = KeelConfig.from(settings);
        boolean exclusive = StoreConfig.from(settings, config.dataDir()).db().exclusive();
        if (!exclusive) {
            StoreService prepared = StoreService.prepare(settings, StoreParts.SHIPPED);
            LOG.info(WAITING_LINE + " (database open, routes built); waiting for activation");
            if (await(Command.ACTIVATE, Command.HANDOVER) == Command.GONE) {
                prepared.close();
                return Optional.empty();
            }
            // A hand-over is an activation here: the database is shared, the old worker drains once this is ready.
            return Optional.of(prepared.listen(StartSteps.begin()));
        }
        Path scratch = scratchDir(config.dataDir());
        try {
            // The whole start once, listening too (Helidon's start costs 0.1-0.4 s the first time in a JVM), and the
            // stop: activation then finds it all loaded and has nothing of the rehearsal left to close.
            Settings rehearsalSettings = load.apply(rehearsalFlags(flags, scratch));
            try (StoreService rehearsal = StoreService.prepare(rehearsalSettings, StoreParts.SHIPPED)) {
                rehearsal.keel().start();
                rehearseOpenAfterKill(rehearsalSettings, scratch);
            }
            LOG.info(WAITING_LINE + " (rehearsed on a scratch database; the file opens on activation); "
                    + "waiting for activation");
            Command command = await(Command.ACTIVATE, Command.HANDOVER);
            return switch (command) {
                case ACTIVATE -> Optional.of(StoreService.start(settings, StoreParts.SHIPPED, StartSteps.begin()));
                case HANDOVER -> handOver(settings);
                default -> Optional.empty();
            };
        } finally {
            delete(scratch);
        }
    }

    /**
     * Steps 1, 3 and 5 of a hand-over (see the class comment); empty (after closing what it started) when the
     * supervisor went away first.
     */
    private Optional<StoreService> handOver(Settings settings) throws InterruptedException {
        StoreService holding = StoreService.prepareHolding(settings, StoreParts.SHIPPED, StartSteps.begin());
        LOG.info(TAKEOVER_LINE + "; it listens once the previous worker is about to close its listener");
        if (await(Command.LISTEN) == Command.GONE) {
            holding.close();
            return Optional.empty();
        }
        holding.listenHolding(StartSteps.begin());
        if (await(Command.OPEN_DATABASE) == Command.GONE) {
            holding.close();
            return Optional.empty();
        }
        LOG.info("the previous worker has closed the database; opening it");
        // counts from here: the ready line's figure is the gap the held requests waited after the old worker exited
        return Optional.of(holding.openDatabase(StartSteps.begin()));
    }

    /**
     * Step 2 of a hand-over, on the serving worker's shutdown just before its listener closes: when the supervisor
     * wrote {@code await-successor}, logs {@link #SUCCESSOR_LINE} and waits for {@code close-listener} (the next
     * worker listens), the supervisor going away, or {@code max}. Else returns at once.
     */
    void awaitSuccessor(Duration max) {
        if (!commands.remove(Command.AWAIT_SUCCESSOR)) {
            return;
        }
        synchronized (this) {
            if (serving != null) {
                long closing = System.nanoTime();
                serving.database().whenClosed(() -> LOG.info(DATABASE_CLOSED_LINE + " ({} ms after its listener "
                        + "was about to close)", (System.nanoTime() - closing) / 1_000_000));
            }
        }
        LOG.info(SUCCESSOR_LINE);
        long deadline = System.nanoTime() + max.toNanos();
        try {
            while (true) {
                Command next = commands.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (next == null) {
                    LOG.warn("no word from the supervisor within {} that the next worker listens; closing the "
                            + "listener", max);
                    return;
                }
                if (next == Command.CLOSE_LISTENER || next == Command.GONE) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The open of a killed worker's file, which is what activation usually finds. Only a warm-up: when it fails the
     * standby logs it and goes on, since activation opens the real file anyway.
     *
     * @return the rehearsed open's steps; empty when there was nothing to rehearse or it failed
     */
    static Optional<StartSteps> rehearseOpenAfterKill(Settings rehearsalSettings, Path scratch) {
        try {
            Optional<StartSteps> steps = Database.rehearseOpenAfterKill(
                    StoreConfig.from(rehearsalSettings, scratch).db(), scratch.resolve("killed"));
            steps.ifPresent(s -> LOG.info("standby rehearsed the open of a killed worker's file: {}", s));
            return steps;
        } catch (RuntimeException e) {
            LOG.warn("the standby's rehearsal of the open after a kill failed; it goes on without: {}", e.toString());
            return Optional.empty();
        }
    }

    /**
     * The worker's flags with an embedded H2 file in a scratch data directory and a loopback listener on a free
     * port: nothing the rehearsal does (the upload sweep, seeding, listening) touches the real data or the worker's
     * ports; no drain on its close.
     */
    static Map<String, String> rehearsalFlags(Map<String, String> flags, Path scratch) {
        Map<String, String> rehearsal = new HashMap<>(flags);
        rehearsal.put("data-dir", scratch.toString());
        rehearsal.put("db-url", ""); // the default: an H2 file under the scratch data directory, like the real one
        rehearsal.put("seed-orders", "0");
        rehearsal.put("drain-delay", "0s");
        rehearsal.put("connection-drain", "0s");
        rehearsal.put("shutdown-grace", "1s");
        // its own listener: never the worker's port or management port, never shared with the serving workers
        rehearsal.put("host", "127.0.0.1");
        rehearsal.put("port", "0");
        rehearsal.put("reuse-port", "false");
        rehearsal.put("management-port", "-1");
        return rehearsal;
    }

    /**
     * {@code <data-dir>/standby/<pid>}, after deleting those of standbys no longer running: a standby stopped by a
     * signal (SIGKILL at a reload, SIGTERM while it waits) never reaches its own clean-up.
     */
    static Path scratchDir(Path dataDir) {
        Path parent = dataDir.resolve("standby");
        try {
            Files.createDirectories(parent);
            try (Stream<Path> dirs = Files.list(parent)) {
                dirs.filter(dir -> !running(dir.getFileName().toString())).forEach(Standby::delete);
            }
            return Files.createDirectories(parent.resolve(Long.toString(ProcessHandle.current().pid())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the standby's scratch directory under " + parent, e);
        }
    }

    private static boolean running(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false; // not one of ours: the folder is Keel's
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            LOG.warn("cannot delete the standby's scratch directory {}: {}", dir, e.toString());
        }
    }
}

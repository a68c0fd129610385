package io.keel.supervisor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps {@code workers} store JVMs running on one port: restarts a dead one with exponential backoff (reset once it
 * ran a stable period; a slot that crash-loops past the limit is given up and the service goes on with the rest),
 * replaces one over its memory limit, and replaces all one at a time on reload. On a shared database each new worker
 * is gated on readiness and the old one drained only after it; on an exclusive one (embedded H2, which one process
 * at a time opens) the new worker listens holding requests, the old one is drained, and the new one then opens the
 * file (a hand-over, {@link #replace}). A new worker that never gets ready (or never listens) is stopped: rollback.
 * A dead worker's replacement is a {@link StandbyPool standby} activated at once, without the backoff, when one is
 * alive, else a cold start; a live worker's is a standby woken for a hand-over, or one spawned for it.
 *
 * <p>Threading: every decision runs on one scheduler thread ({@code keel-supervisor}), so slots need no locks; a
 * reload or recycle blocks that thread while the new worker starts (bounded by the ready timeout). Status reads
 * volatile fields from any thread.
 */
final class Supervisor implements AutoCloseable {
    private static final Duration TICK = Duration.ofMillis(100);
    private static final int MEMORY_CHECK_TICKS = 10; // once a second
    private static final long MB = 1024 * 1024;
    /**
     * A worker's stats or metrics must answer within this (a loaded worker's first scrape took over 1 s on the shared
     * test machine; deploy/prometheus scrapes with a 4 s timeout); status shows the last figures it got, a scrape
     * leaves out a worker that did not answer.
     */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final SupervisorSettings settings;
    private final Supplier<List<String>> command;
    private final Map<String, String> env;
    private final RotatingLog log;
    private final Consumer<String> say;
    private final List<Slot> slots = new ArrayList<>();
    private final List<Worker> draining = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("keel-supervisor").factory());
    private final SupervisorMetrics metrics;
    private final StandbyPool standbys;
    private final WorkerProbe probe = new WorkerProbe(PROBE_TIMEOUT);
    private long ticks;
    /** Why the last {@link #replace} failed; written and read on the supervisor thread only. */
    private String lastFailure = "";

    /** One worker position; replaced workers keep the slot's restart count and backoff. */
    static final class Slot {
        final int id;
        volatile Worker worker;
        volatile int restarts;
        volatile boolean givenUp;
        int consecutiveCrashes;
        long recycleRetryNanos;
        long heapOverSinceNanos;
        Duration backoff;
        long restartAtNanos;

        Slot(int id, Duration backoff) {
            this.id = id;
            this.backoff = backoff;
        }
    }

    Supervisor(SupervisorSettings settings, Supplier<List<String>> command, Map<String, String> env, RotatingLog log,
               Consumer<String> say) {
        this.settings = settings;
        this.command = command;
        this.env = env;
        this.log = log;
        this.say = say;
        for (int i = 1; i <= settings.workers(); i++) {
            slots.add(new Slot(i, settings.backoffInitial()));
        }
        metrics = new SupervisorMetrics(() -> (int) slots.stream().filter(s -> s.worker != null && s.worker.alive())
                .count(), () -> (int) slots.stream().filter(s -> s.givenUp).count(), this::preparedStandbys);
        standbys = new StandbyPool(settings, command, env, log, say, this::workerReady, metrics,
                () -> slots.stream().noneMatch(s -> s.worker != null && (s.worker.state() == Worker.State.STARTING
                        || s.worker.state() == Worker.State.HOLDING)));
    }

    /**
     * Starts the workers and waits until all are ready; false (with a message) when one is not. The first starts
     * alone: it migrates and seeds an empty database, which the others must not race on. The standbys start after
     * all are ready, so they neither slow the first start nor race on the database.
     */
    boolean start() throws InterruptedException {
        for (Slot slot : slots) {
            slot.worker = Worker.start(slot.id, command.get(), env, log, this::workerReady);
            if (slot.id == 1 && !ready(slot)) {
                return false;
            }
        }
        for (Slot slot : slots) {
            if (!ready(slot)) {
                return false;
            }
        }
        standbys.renew();
        // Closing the loop ends the ticks; tick() catches its own failures, so the future never holds one.
        Future<?> _ = loop.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        return true;
    }

    private boolean ready(Slot slot) throws InterruptedException {
        if (slot.worker.awaitReady(settings.readyTimeout())) {
            return true;
        }
        say.accept("worker " + slot.id + " (pid " + slot.worker.pid() + ") "
                + slot.worker.notReadyReason(settings.readyTimeout()) + "; see " + logFile());
        return false;
    }

    /** On a worker's log thread once it is ready: the start-up figures operators and the benchmark read. */
    private void workerReady(Worker worker) {
        if (worker.takesOver()) {
            return; // a hand-over: its time to ready includes the old worker's drain; handOver logs and times the gap
        }
        Duration took = worker.startup().orElseThrow();
        metrics.workerStarted(worker.warm() ? SupervisorMetrics.STANDBY : SupervisorMetrics.COLD, took);
        say.accept("worker " + worker.slot() + " (pid " + worker.pid() + ") ready in " + took.toMillis() + " ms"
                + (worker.warm() ? " after its activation (standby for " + (worker.uptime().toMillis()
                - took.toMillis()) + " ms; CPU since its spawn " : " (CPU ") + worker.cpuToReady().toMillis() + " ms)");
    }

    private Path logFile() {
        return settings.dataDir().resolve("logs").resolve("keel.log");
    }

    private void tick() {
        try {
            boolean checkMemory = ++ticks % MEMORY_CHECK_TICKS == 0;
            for (Slot slot : slots) {
                if (!slot.givenUp) {
                    watch(slot, checkMemory);
                }
            }
            standbys.tick();
        } catch (RuntimeException e) {
            say.accept("supervisor tick failed: " + e); // keep supervising
        }
    }

    @SuppressWarnings("NonAtomicVolatileUpdate") // only the loop thread writes a slot; volatile is for readers
    private void watch(Slot slot, boolean checkMemory) {
        Worker worker = slot.worker;
        if (worker == null) {
            // A standby prepared during the backoff is used at once: it is already paid for.
            boolean due = System.nanoTime() >= slot.restartAtNanos;
            Optional<Worker> standby = standbys.activate(slot.id, !due);
            if (standby.isPresent()) {
                slot.worker = standby.get();
                slot.restarts++;
                say.accept("worker " + slot.id + ": activated standby (pid " + standby.get().pid() + ")");
            } else if (due) {
                slot.worker = Worker.start(slot.id, command.get(), env, log, this::workerReady);
                slot.restarts++;
            }
            return;
        }
        if (!worker.alive()) {
            crashed(slot, worker);
            return;
        }
        if (!checkMemory || worker.state() != Worker.State.READY) {
            return;
        }
        worker.refreshStats(probe);
        Optional<Overuse> over = memoryOver(slot, worker);
        if (over.isPresent() && System.nanoTime() >= slot.recycleRetryNanos) {
            say.accept("worker " + slot.id + " (pid " + worker.pid() + ") " + over.get().why() + "; recycling");
            Replaced replaced = replace(slot);
            if (replaced != Replaced.ROLLED_BACK) {
                metrics.recycle(over.get().limit());
            } else {
                // e.g. embedded H2, which one process at a time can open: retry later, do not spin on it
                slot.recycleRetryNanos = System.nanoTime() + settings.readyTimeout().toNanos();
                say.accept("recycling worker " + slot.id + " failed: its replacement " + lastFailure + "; the old "
                        + "one keeps serving; next try in " + settings.readyTimeout().toSeconds() + " s");
            }
        }
    }

    /** A memory limit a worker is over: {@code limit} names it for the metric, {@code why} for the log. */
    private record Overuse(String limit, String why) {
    }

    /**
     * The memory limit the worker is over, if any: RSS at once; heap after GC only once it stayed over the limit for
     * the sustain period, since one reading can precede a collection that frees most of it.
     */
    private Optional<Overuse> memoryOver(Slot slot, Worker worker) {
        long rss = worker.rssBytes();
        if (settings.workerRssLimit() > 0 && rss > settings.workerRssLimit()) {
            return Optional.of(new Overuse("rss", "RSS " + rss / MB + " MiB is over the limit of "
                    + settings.workerRssLimit() / MB + " MiB"));
        }
        double heap = worker.stats().heapAfterGcBytes();
        if (settings.workerHeapLimit() <= 0 || !(heap > settings.workerHeapLimit())) {
            slot.heapOverSinceNanos = 0;
            return Optional.empty();
        }
        long now = System.nanoTime();
        if (slot.heapOverSinceNanos == 0) {
            slot.heapOverSinceNanos = now;
        }
        if (now - slot.heapOverSinceNanos < settings.workerHeapSustain().toNanos()) {
            return Optional.empty();
        }
        slot.heapOverSinceNanos = 0;
        return Optional.of(new Overuse("heap", "heap after GC " + (long) heap / MB + " MiB stayed over the limit of "
                + settings.workerHeapLimit() / MB + " MiB for " + settings.workerHeapSustain().toMillis() + " ms"));
    }

    @SuppressWarnings("NonAtomicVolatileUpdate") // only the loop thread writes a slot; volatile is for readers
    private void crashed(Slot slot, Worker worker) {
        if (worker.inSlot().compareTo(settings.stablePeriod()) >= 0) {
            slot.consecutiveCrashes = 0;
            slot.backoff = settings.backoffInitial();
        }
        slot.consecutiveCrashes++;
        slot.worker = null;
        int code = worker.exitCode();
        String reason = code >= 128 ? "signal" : code == 0 ? "exit" : "crash";
        if (slot.consecutiveCrashes > settings.crashLoopLimit()) {
            slot.givenUp = true;
            long left = slots.stream().filter(s -> !s.givenUp).count();
            say.accept("worker " + slot.id + " crash-looped (" + settings.crashLoopLimit() + " restarts, each up less "
                    + "than " + settings.stablePeriod().toSeconds() + " s); giving it up; serving on " + left
                    + " worker(s). Fix the cause and run ./keel reload");
            return;
        }
        metrics.restart(reason);
        String exited = "worker " + slot.id + " (pid " + worker.pid() + ") exited with code " + code + " after "
                + worker.inSlot().toMillis() + " ms; ";
        Optional<Worker> standby = standbys.activate(slot.id, false);
        if (standby.isPresent()) {
            slot.worker = standby.get();
            slot.restarts++;
            say.accept(exited + "activated standby (pid " + standby.get().pid() + ")");
        } else {
            say.accept(exited + "restarting in " + slot.backoff.toMillis() + " ms");
        }
        slot.restartAtNanos = System.nanoTime() + slot.backoff.toNanos();
        Duration doubled = slot.backoff.multipliedBy(2);
        slot.backoff = doubled.compareTo(settings.backoffMax()) > 0 ? settings.backoffMax() : doubled;
    }

    /** How a {@link #replace} ended. */
    enum Replaced {
        /** The new worker serves the slot. */
        OK,
        /** The new worker never got ready (or never listened, in a hand-over): stopped; the old one keeps serving. */
        ROLLED_BACK,
        /** A hand-over failed after the old worker was drained: no worker to return to; the slot restarts. */
        FAILED_AFTER_DRAIN
    }

    /**
     * Replaces the worker of {@code slot} by a standby woken with {@link Worker.Wake#HANDOVER} (or, with none alive,
     * a standby spawned and woken at once). The worker decides how: on a shared database it gets ready, and the old
     * worker drains afterwards; on an exclusive one (embedded H2) it listens holding requests and the old worker is
     * drained first ({@link #handOver}). Runs on the supervisor thread; blocks up to the ready timeout (a hand-over:
     * twice that plus the old worker's stop grace).
     */
    private Replaced replace(Slot slot) {
        lastFailure = "";
        Worker old = slot.worker;
        Worker fresh = standbys.wake(slot.id, false, Worker.Wake.HANDOVER).orElseGet(() -> {
            Worker spawned = Worker.standby(command.get(), env, log, worker -> { }, this::workerReady);
            spawned.wake(slot.id, Worker.Wake.HANDOVER); // read once it is prepared
            return spawned;
        });
        boolean prepared;
        try {
            prepared = fresh.awaitPrepared(settings.readyTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            prepared = false;
        }
        if (!prepared) {
            lastFailure = fresh.notReadyReason(settings.readyTimeout());
            fresh.kill();
            return Replaced.ROLLED_BACK;
        }
        if (fresh.takesOver()) {
            return handOver(slot, old, fresh);
        }
        slot.worker = fresh;
        if (old != null) {
            drainInBackground(old);
        }
        return Replaced.OK;
    }

    /** {@link HandOver}: from the step-down on, {@code fresh} is the slot's worker; a failure is its crash. */
    private Replaced handOver(Slot slot, Worker old, Worker fresh) {
        slot.worker = fresh;
        Optional<String> failure = new HandOver(settings, say, metrics, draining, this::drainInBackground, logFile())
                .run(slot.id, old, fresh);
        failure.ifPresent(why -> lastFailure = why);
        return failure.isEmpty() ? Replaced.OK : Replaced.FAILED_AFTER_DRAIN;
    }

    private void drainInBackground(Worker old) {
        draining.add(old);
        old.drain();
        Thread.ofVirtual().name("keel-drain-" + old.pid()).start(() -> {
            try {
                if (!old.awaitExit(settings.stopWithin().plusSeconds(5))) {
                    say.accept("worker pid " + old.pid() + " did not stop within its grace; killing it");
                    old.kill();
                }
            } catch (InterruptedException e) {
                old.kill();
            } finally {
                draining.remove(old);
            }
        });
    }

    /** What a reload did. */
    record Reload(boolean ok, String message) {
    }

    /**
     * Replaces every worker, one at a time; stops at the first new worker that does not get ready. The standbys,
     * started from the old jars and config, are replaced first, and each new worker is a new standby activated.
     */
    Reload reload() throws InterruptedException {
        try {
            return loop.submit(() -> {
                standbys.renew();
                for (Slot slot : slots) {
                    Replaced replaced = replace(slot);
                    if (replaced == Replaced.ROLLED_BACK) {
                        metrics.reload("rolled_back");
                        return new Reload(false, "reload rolled back: the new worker " + slot.id + " " + lastFailure
                                + "; it was stopped and the running workers keep serving (see " + logFile() + ")");
                    }
                    if (replaced == Replaced.FAILED_AFTER_DRAIN) {
                        metrics.reload("failed");
                        return new Reload(false, "reload failed: the new worker " + slot.id + " " + lastFailure
                                + " after the old one had handed the database over; the slot restarts as after a "
                                + "crash (see " + logFile() + ")");
                    }
                    slot.givenUp = false;
                    slot.consecutiveCrashes = 0;
                    slot.backoff = settings.backoffInitial();
                    standbys.tick(); // the next slot's standby
                }
                metrics.reload("ok");
                return new Reload(true, "reloaded " + slots.size() + " worker(s)");
            }).get();
        } catch (ExecutionException e) {
            metrics.reload("failed");
            return new Reload(false, "reload failed: " + e.getCause());
        }
    }

    List<Slot> slots() {
        return slots;
    }

    List<Worker> draining() {
        return draining;
    }

    private int preparedStandbys() {
        return standbys.prepared();
    }

    /** The standby workers, prepared or still preparing. */
    List<Worker> standbys() {
        return standbys.workers();
    }

    SupervisorMetrics metrics() {
        return metrics;
    }

    /**
     * The supervisor's own figures, then every current worker's series labelled {@code worker="<slot>"} (a worker
     * that does not answer within the probe timeout is left out of this scrape). Blocks while the workers answer, in
     * parallel.
     */
    String scrape() {
        Map<Integer, String> scrapes = new ConcurrentSkipListMap<>();
        try (ExecutorService scrapers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Slot slot : slots) {
                Worker worker = slot.worker;
                if (worker != null) {
                    scrapers.execute(() -> worker.scrape(probe).ifPresent(text -> scrapes.put(slot.id, text)));
                }
            }
        }
        return metrics.scrape() + MetricsMerge.merge(scrapes);
    }

    /** SIGTERM to every worker at once; waits for all (drain delay + grace + 5 s), then kills what is left. */
    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(settings.readyTimeout().toSeconds() + 1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Worker> all = new ArrayList<>(draining);
        all.addAll(standbys.workers());
        slots.stream().map(s -> s.worker).filter(w -> w != null && w.alive()).forEach(all::add);
        all.forEach(Worker::drain);
        for (Worker worker : all) {
            try {
                if (!worker.awaitExit(settings.stopWithin().plusSeconds(5))) {
                    worker.kill();
                }
            } catch (InterruptedException e) {
                worker.kill();
            }
        }
    }
}

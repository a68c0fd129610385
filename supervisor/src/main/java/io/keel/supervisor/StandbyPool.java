package io.keel.supervisor;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The standby workers (issue 10): store JVMs started with {@link Worker#STANDBY_FLAG} that did their start-up and
 * wait for {@code activate}, so a dead, recycled or reloaded worker is replaced in well under a second instead of a
 * cold JVM start. Keeps {@code size} of them; a standby that exits before activation is replaced after a backoff
 * (doubling from {@code restart-backoff} to {@code restart-backoff-max}, reset by one that lived
 * {@code restart-stable}) and never counts against a slot's crash limit. A new standby is started only while no
 * worker is starting ({@code quiet}): a JVM start takes seconds of CPU, and on a small machine it would slow the
 * activated standby it replaces (measured on H2: 3.1 s from activation to ready with the new standby starting
 * beside it).
 *
 * <p>Threading: every method but {@link #workers()} and {@link #prepared()} runs on the supervisor thread; those two
 * read a copy-on-write list from any thread.
 */
final class StandbyPool {
    private final int size;
    private final SupervisorSettings settings;
    private final Supplier<List<String>> command;
    private final Map<String, String> env;
    private final RotatingLog log;
    private final Consumer<String> say;
    private final Consumer<Worker> onReady;
    private final SupervisorMetrics metrics;
    private final BooleanSupplier quiet;
    private final List<Worker> standbys = new CopyOnWriteArrayList<>();
    private Duration backoff;
    private long spawnAtNanos;

    StandbyPool(SupervisorSettings settings, Supplier<List<String>> command, Map<String, String> env,
                RotatingLog log, Consumer<String> say, Consumer<Worker> onReady, SupervisorMetrics metrics,
                BooleanSupplier quiet) {
        this.size = settings.standbyWorkers();
        this.settings = settings;
        this.command = command;
        this.env = env;
        this.log = log;
        this.say = say;
        this.onReady = onReady;
        this.metrics = metrics;
        this.quiet = quiet;
        this.backoff = settings.backoffInitial();
    }

    /** Replaces standbys that exited (after the backoff) and starts a missing one while no worker is starting. */
    void tick() {
        for (Worker standby : standbys) {
            if (!standby.alive()) {
                exited(standby);
            }
        }
        if (standbys.size() < size && System.nanoTime() >= spawnAtNanos && quiet.getAsBoolean()) {
            spawn();
        }
    }

    private void exited(Worker standby) {
        standbys.remove(standby);
        metrics.standbyExit();
        if (standby.uptime().compareTo(settings.stablePeriod()) >= 0) {
            backoff = settings.backoffInitial();
        }
        say.accept("standby (pid " + standby.pid() + ") exited with code " + standby.exitCode() + " after "
                + standby.uptime().toMillis() + " ms; replacing it in " + backoff.toMillis() + " ms");
        spawnAtNanos = System.nanoTime() + backoff.toNanos();
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(settings.backoffMax()) > 0 ? settings.backoffMax() : doubled;
    }

    private void spawn() {
        standbys.add(Worker.standby(command.get(), env, log, this::prepared, onReady));
    }

    private void prepared(Worker standby) {
        say.accept("standby (pid " + standby.pid() + ") prepared in "
                + standby.preparation().orElseThrow().toMillis() + " ms (CPU " + standby.cpu().toMillis() + " ms)");
    }

    /** {@link #wake} with {@link Worker.Wake#ACTIVATE}. */
    Optional<Worker> activate(int slot, boolean preparedOnly) {
        return wake(slot, preparedOnly, Worker.Wake.ACTIVATE);
    }

    /**
     * Wakes a standby into {@code slot} ({@code how}: activation, or a hand-over): a prepared one first, else (unless {@code preparedOnly}) the one
     * furthest along (it finishes its preparation and goes on at once, still sooner than a cold start). Its
     * replacement starts on a later {@link #tick}, once the activated one is ready. Empty when there is no such
     * standby.
     */
    Optional<Worker> wake(int slot, boolean preparedOnly, Worker.Wake how) {
        List<Worker> candidates = standbys.stream().filter(Worker::alive)
                .filter(w -> !preparedOnly || w.state() == Worker.State.STANDBY)
                .sorted(Comparator.comparing((Worker w) -> w.state() != Worker.State.STANDBY)
                        .thenComparing(Worker::uptime, Comparator.reverseOrder()))
                .toList();
        for (Worker standby : candidates) {
            standbys.remove(standby);
            if (standby.wake(slot, how)) {
                metrics.activation();
                return Optional.of(standby);
            }
            standby.kill(); // its pipe broke: it is dying anyway
        }
        return Optional.empty();
    }

    /**
     * A reload: the standbys run the old jars and config, so they are stopped and new ones started at once (the
     * backoff starts over).
     */
    void renew() {
        List<Worker> old = List.copyOf(standbys);
        standbys.clear();
        old.forEach(Worker::kill); // a standby serves nothing: no drain needed
        backoff = settings.backoffInitial();
        spawnAtNanos = 0;
        for (int i = 0; i < size; i++) {
            spawn();
        }
    }

    /** Every standby, prepared or still preparing. */
    List<Worker> workers() {
        return standbys;
    }

    /** Standbys prepared and waiting. */
    int prepared() {
        return (int) standbys.stream().filter(w -> w.state() == Worker.State.STANDBY).count();
    }
}

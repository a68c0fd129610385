package io.keel.supervisor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One hand-over of an exclusive (embedded H2) database from a serving worker to its replacement (issue 10;
 * {@code io.keel.store.Standby} has the worker's side). {@code fresh} is prepared with the database not open;
 * {@code old} steps down (drains, still serving everything) and, just before its listener closes, waits; {@code fresh}
 * then listens, holding the requests it gets; {@code old} closes its listener, finishes its requests, closes the file
 * and exits (killed after its stop grace plus 5 s); {@code fresh} opens the file as soon as {@code old} logged that
 * the file is closed (or exited, whichever first) and gets ready. Requests are held only
 * from {@code fresh}'s listen to its ready line, and the port always has a listener. There is no going back once
 * {@code old} was told to stop: a failure is reported, {@code fresh} killed, and the caller leaves the slot to the crash
 * path.
 *
 * <p>Not thread-safe: the supervisor thread runs it. Blocks up to the old worker's stop grace plus 5 s, plus twice the
 * ready timeout.
 */
final class HandOver {
    private final SupervisorSettings settings;
    private final Consumer<String> say;
    private final SupervisorMetrics metrics;
    private final List<Worker> draining;
    private final Consumer<Worker> drainInBackground;
    private final Path logFile;

    HandOver(SupervisorSettings settings, Consumer<String> say, SupervisorMetrics metrics, List<Worker> draining,
             Consumer<Worker> drainInBackground, Path logFile) {
        this.settings = settings;
        this.say = say;
        this.metrics = metrics;
        this.draining = draining;
        this.drainInBackground = drainInBackground;
        this.logFile = logFile;
    }

    /**
     * Hands the database of slot {@code slot} from {@code old} (null or dead: nobody holds it) to {@code fresh}, which
     * logged that it is prepared to take over.
     *
     * @return empty when {@code fresh} is ready; else why it failed (it was killed)
     */
    Optional<String> run(int slot, Worker old, Worker fresh) {
        long stepDown = System.nanoTime();
        boolean oldServes = old != null && old.alive();
        String failure;
        try {
            if (oldServes) {
                draining.add(old);
                old.stepDown();
                // false: it exited first (a worker from before hand-overs drains as usual): a moment without listener
                old.awaitSuccessorAwaited(settings.stopWithin().plusSeconds(5));
            }
            long listening = System.nanoTime();
            if (!fresh.listen() || !fresh.awaitHolding(settings.readyTimeout())) {
                if (oldServes) {
                    old.closeListener(); // it is stopping anyway; there is no going back once it drained
                }
                return failed(slot, old, fresh, fresh.notReadyReason(settings.readyTimeout()) + " (it never listened)");
            }
            long deadline = System.nanoTime() + settings.stopWithin().plusSeconds(5).toNanos();
            if (oldServes) {
                old.closeListener();
                // Safe before the exit: H2 releases the file lock in its close, and the old worker logs the line
                // after that close returned (its housekeeping stopped first), so nothing of it writes the file again.
                // The exit is the fallback for a worker that never logs it (its close failed, or it is older).
                if (!old.awaitDatabaseClosedOrExit(remaining(deadline))) {
                    stopForcibly(old);
                }
            }
            long closed = System.nanoTime();
            boolean ready = fresh.openDatabase() && fresh.awaitReady(settings.readyTimeout());
            long readyAt = System.nanoTime();
            if (oldServes) {
                if (!old.awaitExit(remaining(deadline))) {
                    stopForcibly(old);
                }
                draining.remove(old);
            }
            if (ready) {
                metrics.handover("ok");
                metrics.handoverGap(Duration.ofNanos(readyAt - closed));
                say.accept("worker " + slot + " (pid " + fresh.pid() + ") took over the database"
                        + (oldServes ? " from pid " + old.pid() + ": its drain took " + millis(listening - stepDown)
                        + " ms; the new worker listened and held requests for " + millis(readyAt - listening)
                        + " ms (the old one's database close " + millis(closed - listening) + " ms, then open to "
                        + "ready " + millis(readyAt - closed) + " ms)" : ": no worker held it") + "; none refused");
                return Optional.empty();
            }
            failure = fresh.notReadyReason(settings.readyTimeout()) + " when told to open the database";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "was interrupted (the supervisor is stopping)";
        }
        return failed(slot, old, fresh, failure);
    }

    private Optional<String> failed(int slot, Worker old, Worker fresh, String failure) {
        metrics.handover("failed");
        fresh.kill();
        if (old != null && old.alive()) {
            draining.remove(old);
            drainInBackground.accept(old); // already told to stop: this bounds its exit
        }
        say.accept("hand-over of worker " + slot + " failed after the old worker was told to stop: the new worker "
                + "(pid " + fresh.pid() + ") " + failure + "; there is no old worker to return to, so the slot "
                + "restarts as after a crash (see " + logFile + ")");
        return Optional.of(failure);
    }

    private void stopForcibly(Worker old) throws InterruptedException {
        say.accept("worker pid " + old.pid() + " did not stop within its grace; killing it");
        old.kill();
        old.awaitExit(Duration.ofSeconds(5));
    }

    /** What is left until {@code deadline}, at least nothing. */
    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}

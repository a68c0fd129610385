package io.keel.supervisor;

import io.keel.runtime.config.Settings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The supervisor's side of a hand-over of an exclusive database (issue 10), with shell workers that speak the
 * store's line protocol (io.keel.store.Standby): the order of the steps, a rollback before the old worker was told
 * to stop, and a failure after it, which the crash path handles. Workers ignore SIGTERM and stop on
 * {@code close-listener}, as a store waiting for its successor does.
 */
class HandOverSupervisorTest {
    /**
     * A standby woken with {@code handover} takes over: prepared line, then {@code listen}, then
     * {@code open-database} (exit 7 there once when {@code $DIR/fail-open} exists; exit 3 at once when
     * {@code $DIR/die-early} exists). A serving worker waits for {@code await-successor}, logs that its listener waits,
     * and exits on {@code close-listener}; when {@code $DIR/hold-exit} exists it first logs that its database is closed
     * and stays alive until {@code $DIR/may-exit} exists.
     */
    private static final String EXCLUSIVE = "trap '' TERM; "
            + "if [ \"$0\" = --standby=true ]; then echo 'store standby prepared'; read cmd || exit 0; "
            + "if [ \"$cmd\" = handover ]; then [ -f \"$DIR/die-early\" ] && exit 3; "
            + "echo 'store prepared to take over the database'; "
            + "read cmd || exit 0; [ \"$cmd\" = listen ] || exit 5; "
            + "echo 'store listening; database opens when the previous worker has closed it'; "
            + "read cmd || exit 0; [ \"$cmd\" = open-database ] || exit 6; "
            + "if [ -f \"$DIR/fail-open\" ]; then rm \"$DIR/fail-open\"; exit 7; fi; fi; fi; "
            + "echo 'store ready at http://x'; "
            + "read cmd || exit 0; [ \"$cmd\" = await-successor ] || exit 8; "
            + "echo 'store listener closes once the next worker listens'; "
            + "read cmd || exit 0; [ \"$cmd\" = close-listener ] || exit 9; "
            + "if [ -f \"$DIR/hold-exit\" ]; then echo 'store database closed for the next worker'; "
            + "while [ ! -f \"$DIR/may-exit\" ]; do sleep 0.05; done; fi; exit 0";

    @TempDir
    Path dir;
    private final Queue<String> said = new ConcurrentLinkedQueue<>();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable closeable : cleanup.reversed()) {
            closeable.close();
        }
    }

    private Supervisor supervisor() {
        Map<String, String> flags = new HashMap<>(Map.of("workers", "1", "standby-workers", "1",
                "data-dir", dir.toString(), "restart-backoff", "100ms", "restart-backoff-max", "400ms",
                "restart-stable", "5s", "worker-ready-timeout", "5s", "shutdown-grace", "0s"));
        SupervisorSettings settings = SupervisorSettings.from(Settings.of(flags));
        RotatingLog log = new RotatingLog(dir.resolve("logs/keel.log"), 1 << 20, 2);
        Supervisor supervisor = new Supervisor(settings, () -> List.of("sh", "-c", EXCLUSIVE),
                Map.of("DIR", dir.toString()), log, said::add);
        cleanup.add(log);
        cleanup.add(supervisor);
        return supervisor;
    }

    private Supervisor startedWithAPreparedStandby() throws InterruptedException {
        Supervisor supervisor = supervisor();
        assertThat(supervisor.start()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> supervisor.standbys().stream()
                .anyMatch(w -> w.state() == Worker.State.STANDBY));
        return supervisor;
    }

    private List<String> log() throws Exception {
        return Files.readAllLines(dir.resolve("logs/keel.log"));
    }

    private static int indexOf(List<String> lines, String prefix, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix) && lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no line starting '" + prefix + "' with '" + text + "' in " + lines);
    }

    @Test
    void aRecycleOrReloadOnAnExclusiveDatabaseDrainsTheOldWorkerBeforeTheNewOneListensAndOpens() throws Exception {
        Supervisor supervisor = startedWithAPreparedStandby();
        Worker old = supervisor.slots().getFirst().worker;

        Supervisor.Reload reload = supervisor.reload();

        assertThat(reload.ok()).as(reload.message()).isTrue();
        Worker fresh = supervisor.slots().getFirst().worker;
        assertThat(fresh.pid()).isNotEqualTo(old.pid());
        assertThat(fresh.state()).isEqualTo(Worker.State.READY);
        assertThat(old.alive()).isFalse();
        List<String> lines = log();
        String newPid = "w1:" + fresh.pid() + " ";
        int prepared = indexOf(lines, newPid, "store prepared to take over the database");
        int oldWaits = indexOf(lines, "w1:" + old.pid() + " ", "store listener closes once the next worker listens");
        int listening = indexOf(lines, newPid, "store listening; database opens");
        int ready = indexOf(lines, newPid, "store ready at");
        assertThat(List.of(prepared, oldWaits, listening, ready)).isSorted();
        assertThat(said).anyMatch(line -> line.startsWith("worker 1 (pid " + fresh.pid() + ") took over the "
                + "database from pid " + old.pid() + ": its drain took"));
        assertThat(supervisor.metrics().scrape()).contains("keel_supervisor_handovers_total{outcome=\"ok\"} 1")
                .contains("keel_supervisor_handover_gap_seconds_count 1")
                .contains("keel_supervisor_reloads_total{result=\"ok\"} 1");
    }

    @Test
    void theNewWorkerOpensTheDatabaseOnceTheOldOneLoggedItClosedWithoutWaitingForItsExit() throws Exception {
        Supervisor supervisor = startedWithAPreparedStandby();
        Worker old = supervisor.slots().getFirst().worker;
        Files.writeString(dir.resolve("hold-exit"), "");

        CompletableFuture<Supervisor.Reload> reload = CompletableFuture.supplyAsync(() -> {
            try {
                return supervisor.reload();
            } catch (InterruptedException e) {
                throw new CompletionException(e);
            }
        });

        // the old worker is still alive (it waits for may-exit), yet the new one was told to open and got ready
        await().atMost(Duration.ofSeconds(10)).until(() -> log().stream()
                .anyMatch(line -> !line.startsWith("w1:" + old.pid() + " ") && line.contains("store ready at")
                        && !line.startsWith("s:")));
        assertThat(old.alive()).isTrue();
        Files.writeString(dir.resolve("may-exit"), "");
        Supervisor.Reload done = reload.get(20, TimeUnit.SECONDS);
        assertThat(done.ok()).as(done.message()).isTrue();
        assertThat(old.alive()).isFalse();
        Worker fresh = supervisor.slots().getFirst().worker;
        List<String> lines = log();
        int closed = indexOf(lines, "w1:" + old.pid() + " ", "store database closed for the next worker");
        int ready = indexOf(lines, "w1:" + fresh.pid() + " ", "store ready at");
        assertThat(closed).isLessThan(ready);
    }

    @Test
    void aNewWorkerThatDiesBeforeItIsPreparedToTakeOverRollsBackAndTheOldWorkerServesOn() throws Exception {
        Supervisor supervisor = startedWithAPreparedStandby();
        Worker old = supervisor.slots().getFirst().worker;
        Files.writeString(dir.resolve("die-early"), "");

        Supervisor.Reload reload = supervisor.reload();

        assertThat(reload.ok()).isFalse();
        assertThat(reload.message()).contains("reload rolled back").contains("exited with code 3 before it was ready");
        assertThat(supervisor.slots().getFirst().worker).isSameAs(old);
        assertThat(old.alive()).isTrue();
        assertThat(old.state()).isEqualTo(Worker.State.READY);
        assertThat(log()).noneMatch(line -> line.contains("store listener closes once the next worker listens"));
    }

    @Test
    void aNewWorkerThatFailsToOpenTheDatabaseAfterTheOldOneStoppedIsHandledAsACrashOfTheSlot() throws Exception {
        Supervisor supervisor = startedWithAPreparedStandby();
        Worker old = supervisor.slots().getFirst().worker;
        Files.writeString(dir.resolve("fail-open"), "");

        Supervisor.Reload reload = supervisor.reload();

        assertThat(reload.ok()).isFalse();
        assertThat(reload.message()).contains("reload failed").contains("exited with code 7")
                .contains("the slot restarts as after a crash");
        assertThat(said).anyMatch(line -> line.startsWith("hand-over of worker 1 failed after the old worker was "
                + "told to stop"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !old.alive());
        // the crash path: a standby (or a cold start) takes the slot, with the database free
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Worker worker = supervisor.slots().getFirst().worker;
            return worker != null && worker.state() == Worker.State.READY && worker.pid() != old.pid();
        });
        assertThat(supervisor.metrics().scrape()).contains("keel_supervisor_handovers_total{outcome=\"failed\"} 1")
                .contains("keel_supervisor_reloads_total{result=\"failed\"} 1");
    }
}

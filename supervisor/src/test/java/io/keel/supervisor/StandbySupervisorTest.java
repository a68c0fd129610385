package io.keel.supervisor;

import io.keel.runtime.config.ConfigException;
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
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Standby workers over real processes, with shell scripts as workers that speak the store's standby protocol: given
 * {@code --standby=true} (their {@code $0} under {@code sh -c}) they log the standby line, wait for {@code activate}
 * on standard input, then log the ready line. Assertions are on the path taken (log lines, metrics, pids), never on
 * timing. The store's side is covered by SupervisedStoreContract.
 */
class StandbySupervisorTest {
    /**
     * A standby waits for {@code activate} (or {@code handover}, which a worker on a shared database takes as an
     * activation); a worker (or an activated standby) is ready at once, then sleeps.
     */
    private static final String STANDBY_AWARE = "if [ \"$0\" = --standby=true ]; then echo 'store standby prepared'; "
            + "read cmd || exit 0; case \"$cmd\" in activate|handover) ;; *) exit 4;; esac; fi; "
            + "echo 'store ready at http://x'; exec sleep 600";

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

    private Supervisor supervisor(int workers, int standbys, String script) {
        Map<String, String> flags = new HashMap<>(Map.of("workers", String.valueOf(workers), "standby-workers",
                String.valueOf(standbys), "data-dir", dir.toString(), "restart-backoff", "100ms",
                "restart-backoff-max", "400ms", "restart-stable", "5s", "restart-crash-limit", "3",
                "worker-ready-timeout", "3s", "shutdown-grace", "2s"));
        SupervisorSettings settings = SupervisorSettings.from(Settings.of(flags));
        RotatingLog log = new RotatingLog(dir.resolve("logs/keel.log"), 1 << 20, 2);
        Supervisor supervisor = new Supervisor(settings, () -> List.of("sh", "-c", script),
                Map.of("DIR", dir.toString()), log, said::add);
        cleanup.add(log);
        cleanup.add(supervisor);
        return supervisor;
    }

    private static Worker preparedStandby(Supervisor supervisor) {
        await().atMost(Duration.ofSeconds(10)).until(() -> supervisor.standbys().stream()
                .anyMatch(w -> w.state() == Worker.State.STANDBY));
        return supervisor.standbys().stream().filter(w -> w.state() == Worker.State.STANDBY).findFirst()
                .orElseThrow();
    }

    @Test
    void aSigkilledWorkerIsReplacedByTheStandbyAndAFreshStandbyIsStartedAfterIt() throws Exception {
        Supervisor supervisor = supervisor(2, 1, STANDBY_AWARE);
        assertThat(supervisor.start()).isTrue();
        Worker standby = preparedStandby(supervisor);
        assertThat(supervisor.metrics().scrape()).contains("keel_supervisor_standby_workers 1");
        assertThat(ControlServer.status(supervisor)).containsPattern("(?m)^standby\\s+" + standby.pid()
                + "\\s+STANDBY\\s");
        Worker killed = supervisor.slots().getFirst().worker;

        ProcessHandle.of(killed.pid()).orElseThrow().destroyForcibly();

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Worker now = supervisor.slots().getFirst().worker;
            return now == standby && now.state() == Worker.State.READY;
        });
        assertThat(standby.slot()).isEqualTo(1);
        assertThat(standby.activated()).isTrue();
        assertThat(said).anyMatch(line -> line.matches("worker 1 \\(pid " + killed.pid() + "\\) exited with code "
                + "\\d+ after \\d+ ms; activated standby \\(pid " + standby.pid() + "\\)"));
        assertThat(said).anyMatch(line -> line.startsWith("worker 1 (pid " + standby.pid() + ") ready in ")
                && line.contains("after its activation"));
        assertThat(supervisor.metrics().scrape()).contains("keel_supervisor_standby_activations_total 1")
                .contains("keel_supervisor_restarts_total{reason=\"signal\"} 1")
                .contains("keel_supervisor_worker_start_seconds_count{start=\"standby\"} 1")
                .contains("keel_supervisor_worker_start_seconds_count{start=\"cold\"} 2");
        assertThat(supervisor.slots().getFirst().restarts).isEqualTo(1);

        Worker fresh = preparedStandby(supervisor);
        assertThat(fresh.pid()).isNotEqualTo(standby.pid());
        assertThat(supervisor.standbys()).containsExactly(fresh);
    }

    @Test
    void aStandbyActivatedBeforeItWasPreparedCountsAsAColdStartFromItsSpawn() throws Exception {
        // Standbys prepare only once $DIR/prepare exists: the kill below finds the standby still starting.
        String script = "if [ \"$0\" = --standby=true ]; then while [ ! -f \"$DIR/prepare\" ]; do sleep 0.05; done; "
                + "echo 'store standby prepared'; read cmd || exit 0; [ \"$cmd\" = activate ] || exit 4; fi; "
                + "echo 'store ready at http://x'; exec sleep 600";
        Supervisor supervisor = supervisor(1, 1, script);
        assertThat(supervisor.start()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> !supervisor.standbys().isEmpty());
        Worker standby = supervisor.standbys().getFirst();
        assertThat(standby.state()).isEqualTo(Worker.State.STARTING);

        ProcessHandle.of(supervisor.slots().getFirst().worker.pid()).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(standby::activated);
        Files.createFile(dir.resolve("prepare"));

        await().atMost(Duration.ofSeconds(10)).until(() -> standby.state() == Worker.State.READY);
        assertThat(standby.warm()).isFalse();
        assertThat(supervisor.metrics().scrape()).as("its standby line came after the activation: a cold start")
                .contains("keel_supervisor_worker_start_seconds_count{start=\"cold\"} 2")
                .contains("keel_supervisor_worker_start_seconds_count{start=\"standby\"} 0");
        assertThat(said).anyMatch(line -> line.startsWith("worker 1 (pid " + standby.pid() + ") ready in ")
                && !line.contains("after its activation"));
    }

    @Test
    void theMemoryLimitIsSharedByTheWorkersAndTheStandbys() {
        assertThat(SupervisorMain.jvmsSharingMemory(SupervisorSettings.from(Settings.of(Map.of("workers", "2",
                "standby-workers", "1", "data-dir", dir.toString()))))).isEqualTo(3);
        assertThat(SupervisorMain.jvmsSharingMemory(SupervisorSettings.from(Settings.of(Map.of("workers", "2",
                "standby-workers", "0", "data-dir", dir.toString()))))).isEqualTo(2);
    }

    @Test
    void aStandbyThatKeepsDyingIsReplacedWithBackoffAndNeverCountsAgainstTheServingWorkers() throws Exception {
        // Workers serve; every standby dies right after it says it is prepared.
        String script = "if [ \"$0\" = --standby=true ]; then echo 'store standby prepared'; exit 3; fi; "
                + "echo 'store ready at http://x'; exec sleep 600";
        Supervisor supervisor = supervisor(2, 1, script);
        assertThat(supervisor.start()).isTrue();
        List<Long> serving = supervisor.slots().stream().map(slot -> slot.worker.pid()).toList();

        await().atMost(Duration.ofSeconds(20)).until(() -> said.stream()
                .filter(line -> line.matches("standby \\(pid \\d+\\) exited with code 3 .*")).count() >= 5);

        assertThat(said).filteredOn(line -> line.startsWith("standby (pid")).filteredOn(line -> line.contains("exited"))
                .extracting(line -> line.replaceAll(".*replacing it in (\\d+) ms", "$1"))
                .startsWith("100", "200", "400", "400");
        assertThat(supervisor.slots().stream().map(slot -> slot.worker.pid()).toList()).isEqualTo(serving);
        assertThat(supervisor.slots()).allSatisfy(slot -> {
            assertThat(slot.givenUp).isFalse();
            assertThat(slot.restarts).isZero();
            assertThat(slot.worker.alive()).isTrue();
        });
        assertThat(said).noneMatch(line -> line.contains("crash-looped"));
        assertThat(supervisor.metrics().scrape()).doesNotContain("keel_supervisor_restarts_total{")
                .containsPattern("keel_supervisor_standby_exits_total [5-9]")
                .contains("keel_supervisor_standby_activations_total 0");
    }

    @Test
    void aReloadStopsTheOldStandbysAndActivatesNewOnesIntoEachSlot() throws Exception {
        Supervisor supervisor = supervisor(2, 1, STANDBY_AWARE);
        assertThat(supervisor.start()).isTrue();
        Worker oldStandby = preparedStandby(supervisor);
        List<Long> before = supervisor.slots().stream().map(slot -> slot.worker.pid()).toList();

        Supervisor.Reload reload = supervisor.reload();

        assertThat(reload.ok()).as(reload.message()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> !oldStandby.alive());
        assertThat(supervisor.slots()).allSatisfy(slot -> {
            assertThat(slot.worker.activated()).isTrue();
            assertThat(slot.worker.pid()).isNotIn(before).isNotEqualTo(oldStandby.pid());
            assertThat(slot.worker.state()).isEqualTo(Worker.State.READY);
        });
        assertThat(supervisor.metrics().scrape()).contains("keel_supervisor_standby_activations_total 2")
                .contains("keel_supervisor_reloads_total{result=\"ok\"} 1");
        assertThat(preparedStandby(supervisor).pid()).isNotEqualTo(oldStandby.pid());
    }

    @Test
    void withoutStandbysAKilledWorkerIsStartedColdAsBefore() throws Exception {
        Supervisor supervisor = supervisor(1, 0, STANDBY_AWARE);
        assertThat(supervisor.start()).isTrue();
        Worker killed = supervisor.slots().getFirst().worker;

        ProcessHandle.of(killed.pid()).orElseThrow().destroyForcibly();

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Worker now = supervisor.slots().getFirst().worker;
            return now != null && now.pid() != killed.pid() && now.state() == Worker.State.READY;
        });
        assertThat(supervisor.slots().getFirst().worker.activated()).isFalse();
        assertThat(supervisor.standbys()).isEmpty();
        assertThat(said).anyMatch(line -> line.endsWith("; restarting in 100 ms"));
        assertThat(supervisor.metrics().scrape()).contains("keel_supervisor_standby_activations_total 0")
                .contains("keel_supervisor_standby_workers 0")
                .contains("keel_supervisor_worker_start_seconds_count{start=\"cold\"} 2")
                .contains("keel_supervisor_worker_start_seconds_count{start=\"standby\"} 0");
        assertThat(ControlServer.status(supervisor)).doesNotContain("standby");
    }

    @Test
    void standbyWorkersOutsideZeroToEightOrNotACountAreRefusedNamingTheKey() {
        for (String bad : List.of("-1", "9", "one", "1m")) {
            assertThatThrownBy(() -> SupervisorSettings.from(Settings.of(Map.of("standby-workers", bad))))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("standby-workers")
                    .hasMessageContaining(bad).hasMessageContaining("0..8");
        }
        assertThat(SupervisorSettings.from(Settings.of(Map.of())).standbyWorkers()).isEqualTo(1);
        assertThat(SupervisorSettings.from(Settings.of(Map.of("standby-workers", "0"))).standbyWorkers()).isZero();
    }
}

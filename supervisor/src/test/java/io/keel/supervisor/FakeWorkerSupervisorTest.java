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
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The supervisor's process management over real processes, with shell scripts as workers (they start in
 * milliseconds, so backoff, crash loops, rollback and recycling are observable without JVM start-up time). The store
 * as a worker is covered by SupervisedStoreContract (SupervisedH2Test, SupervisedPostgresTest).
 */
class FakeWorkerSupervisorTest {
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

    private Supervisor supervisor(int workers, String script, Map<String, String> extra) {
        return supervisor(workers, List.of("sh", "-c", script), extra);
    }

    /** Workers that are {@link FakeWorkerMain}: a JVM with a management listener serving stats and metrics. */
    private Supervisor javaSupervisor(int workers, Map<String, String> extra) {
        return supervisor(workers, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                FakeWorkerMain.class.getName()), extra);
    }

    private Supervisor supervisor(int workers, List<String> command, Map<String, String> extra) {
        Map<String, String> flags = new HashMap<>(Map.of("workers", String.valueOf(workers), "data-dir",
                dir.toString(), "restart-backoff", "100ms", "restart-backoff-max", "400ms", "restart-stable", "5s",
                "restart-crash-limit", "3", "worker-ready-timeout", "3s", "shutdown-grace", "2s",
                "standby-workers", "0"));
        flags.putAll(extra);
        SupervisorSettings settings = SupervisorSettings.from(Settings.of(flags));
        RotatingLog log = new RotatingLog(dir.resolve("logs/keel.log"), 1 << 20, 2);
        Supervisor supervisor = new Supervisor(settings, () -> command, Map.of("DIR", dir.toString()), log,
                said::add);
        cleanup.add(log);
        cleanup.add(supervisor);
        return supervisor;
    }

    /** Ready at once, then sleeps; exec so SIGTERM reaches the sleep and the worker exits like a drained store. */
    private static final String HEALTHY = "echo 'store ready at http://x'; exec sleep 600";

    @Test
    void aKilledWorkerIsRestartedAndCountedWithItsReason() throws Exception {
        Supervisor supervisor = supervisor(2, HEALTHY, Map.of());
        assertThat(supervisor.start()).isTrue();
        Worker first = supervisor.slots().getFirst().worker;

        ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Worker now = supervisor.slots().getFirst().worker;
            return now != null && now.pid() != first.pid() && now.state() == Worker.State.READY;
        });
        assertThat(supervisor.slots().getFirst().restarts).isEqualTo(1);
        Worker replacement = supervisor.slots().getFirst().worker;
        assertThat(supervisor.metrics().scrape()).contains("keel_supervisor_restarts_total{reason=\"signal\"} 1")
                .contains("keel_supervisor_workers_alive 2")
                .contains("keel_supervisor_worker_start_seconds_count{start=\"cold\"} 3")
                .contains("keel_supervisor_worker_start_seconds_bucket{start=\"cold\",le=\"+Inf\"} 3")
                .containsPattern("keel_supervisor_worker_last_start_seconds\\{start=\"cold\"} \\d+\\.\\d+");
        assertThat(said).anyMatch(line -> line.matches("worker 1 \\(pid " + replacement.pid()
                + "\\) ready in \\d+ ms \\(CPU \\d+ ms\\)"));
        assertThat(ControlServer.status(supervisor)).contains(" READY ").containsPattern("(?m)^1\\s+\\d+\\s+READY");
    }

    @Test
    void aCrashLoopingWorkerBacksOffExponentiallyThenIsGivenUpWhileTheOthersServe() throws Exception {
        // Slot 1 stays healthy; the others crash 300 ms after getting ready, every time.
        String script = "if [ -f \"$DIR/healthy-taken\" ]; then echo 'store ready at http://x'; sleep 0.3; exit 3; fi; "
                + "touch \"$DIR/healthy-taken\"; " + HEALTHY;
        Supervisor supervisor = supervisor(2, script, Map.of());
        assertThat(supervisor.start()).isTrue();

        await().atMost(Duration.ofSeconds(20)).until(() -> supervisor.slots().get(1).givenUp);
        assertThat(said).anySatisfy(line -> assertThat(line).contains("worker 2 crash-looped")
                .contains("serving on 1 worker(s)"));
        assertThat(said).filteredOn(line -> line.contains("restarting in")).extracting(
                line -> line.replaceAll(".*restarting in (\\d+) ms", "$1")).containsExactly("100", "200", "400");
        assertThat(supervisor.slots().getFirst().worker.alive()).isTrue();
        assertThat(supervisor.metrics().scrape()).contains("keel_supervisor_restarts_total{reason=\"crash\"} 3")
                .contains("keel_supervisor_workers_given_up 1");
        assertThat(ControlServer.status(supervisor)).containsPattern("(?m)^2\\s+-\\s+GIVEN_UP");
    }

    @Test
    void reloadReplacesEveryWorkerOneAtATimeAndDrainsTheOldOnes() throws Exception {
        Supervisor supervisor = supervisor(2, HEALTHY, Map.of());
        assertThat(supervisor.start()).isTrue();
        List<Long> before = supervisor.slots().stream().map(slot -> slot.worker.pid()).toList();

        Supervisor.Reload reload = supervisor.reload();

        assertThat(reload.ok()).as(reload.message()).isTrue();
        List<Long> after = supervisor.slots().stream().map(slot -> slot.worker.pid()).toList();
        assertThat(after).doesNotContainAnyElementsOf(before);
        for (long pid : before) {
            await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive())
                    .orElse(true));
        }
        assertThat(supervisor.metrics().scrape()).contains("keel_supervisor_reloads_total{result=\"ok\"} 1");
    }

    @Test
    void aReloadWhoseNewWorkerNeverGetsReadyRollsBackAndTheOldWorkersKeepServing() throws Exception {
        // A "deploy" that breaks start-up: once the flag file exists, new workers exit before getting ready.
        String script = "if [ -f \"$DIR/broken\" ]; then echo 'bad config'; exit 2; fi; " + HEALTHY;
        Supervisor supervisor = supervisor(2, script, Map.of());
        assertThat(supervisor.start()).isTrue();
        List<Long> before = supervisor.slots().stream().map(slot -> slot.worker.pid()).toList();
        Files.createFile(dir.resolve("broken"));

        Supervisor.Reload reload = supervisor.reload();

        assertThat(reload.ok()).isFalse();
        assertThat(reload.message()).contains("rolled back").contains("new worker 1 exited with code 2 before it was ready");
        assertThat(supervisor.slots().stream().map(slot -> slot.worker.pid()).toList()).isEqualTo(before);
        assertThat(supervisor.slots()).allSatisfy(slot -> assertThat(slot.worker.alive()).isTrue());
        assertThat(supervisor.metrics().scrape()).contains("keel_supervisor_reloads_total{result=\"rolled_back\"} 1");
    }

    @Test
    void aWorkerOverItsRssLimitIsReplacedByAReadyOneBeforeItIsDrained() throws Exception {
        // Any process is over a 1-byte limit; the first replacement proves the order: new ready, then old drained.
        Supervisor supervisor = supervisor(1, HEALTHY, Map.of("worker-rss-limit", "1"));
        assertThat(supervisor.start()).isTrue();
        Worker first = supervisor.slots().getFirst().worker;

        await().atMost(Duration.ofSeconds(10)).until(() -> supervisor.slots().getFirst().worker.pid() != first.pid());

        assertThat(supervisor.slots().getFirst().worker.state()).isEqualTo(Worker.State.READY);
        await().atMost(Duration.ofSeconds(10)).until(() -> !first.alive());
        assertThat(said).anySatisfy(line -> assertThat(line).contains("over the limit").contains("recycling"));
        assertThat(supervisor.metrics().scrape()).containsPattern("keel_supervisor_recycles_total\\{reason=\"rss\"} [1-9]");
    }

    @Test
    void statusShowsEachWorkersHeapRequestRateLatencyAndSchedulerLagAndMetricsCarryTheWorkerLabel() throws Exception {
        Supervisor supervisor = javaSupervisor(2, Map.of());
        assertThat(supervisor.start()).isTrue();

        // The first worker reports a heap after GC of 300 MiB, the second 10 MiB; both 42.5 req/s, p99 7.25 ms.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(ControlServer.status(supervisor))
                .containsPattern("(?m)^1\\s+\\d+\\s+READY\\s+\\S+\\s+0\\s+\\S+\\s+\\d+MiB\\s+305MiB\\s+300MiB\\s+42\\.5\\s+"
                        + "7\\.3ms\\s+0\\.5ms\\s*$")
                .containsPattern("(?m)^2\\s+\\d+\\s+READY\\s.*\\s15MiB\\s+10MiB\\s+42\\.5\\s"));
        assertThat(ControlServer.status(supervisor).lines().findFirst().orElseThrow()).containsSubsequence("worker",
                "pid", "state", "uptime", "restarts", "cpu", "rss", "heap", "heap-gc", "req/s", "p99", "lag-p99");
        assertThat(ControlServer.rows(supervisor)).allSatisfy(row -> assertThat(row.managementPort()).isPositive());

        String metrics = supervisor.scrape();
        assertThat(metrics).contains("keel_supervisor_workers_alive 2")
                .contains("fake_requests_total{worker=\"1\",route=\"/x\"} 3.0")
                .contains("fake_requests_total{worker=\"2\",route=\"/x\"} 3.0")
                .contains("fake_up{worker=\"2\"} 1.0");
        assertThat(metrics.lines().filter(line -> line.equals("# TYPE fake_requests_total counter"))).hasSize(1);
    }

    @Test
    void aWorkerWhoseHeapAfterGcStaysOverTheLimitIsReplacedByAReadyOneBeforeItIsDrained() throws Exception {
        Supervisor supervisor = javaSupervisor(1, Map.of("worker-heap-limit", "100m", "worker-heap-sustain", "2s"));
        assertThat(supervisor.start()).isTrue();
        Worker leaky = supervisor.slots().getFirst().worker;

        await().atMost(Duration.ofSeconds(30)).until(() -> supervisor.slots().getFirst().worker.pid() != leaky.pid());

        Worker fresh = supervisor.slots().getFirst().worker;
        assertThat(fresh.state()).isEqualTo(Worker.State.READY);
        await().atMost(Duration.ofSeconds(10)).until(() -> !leaky.alive());
        assertThat(said).anySatisfy(line -> assertThat(line).contains("heap after GC 300 MiB stayed over the limit "
                + "of 100 MiB for 2000 ms; recycling"));
        assertThat(supervisor.metrics().scrape()).contains("keel_supervisor_recycles_total{reason=\"heap\"} 1");
        // The replacement reports 10 MiB: it stays.
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10))
                .until(() -> supervisor.slots().getFirst().worker == fresh);
    }
}

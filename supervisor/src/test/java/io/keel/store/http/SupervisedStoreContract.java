package io.keel.store.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.keel.store.db.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code ./keel start} with the supervisor and real store workers: status, a worker SIGKILLed under order load,
 * a rolling reload under load, everything SIGKILLed, the supervisor SIGKILLed alone, and SIGTERM. One service per
 * class (starting JVMs is the slow part); the tests run in order and each leaves it running.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SupervisedStoreContract {
    private static final Duration START = Duration.ofSeconds(120);
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private Launcher keel;
    private Process supervisor;
    private int port;
    private OrderLoad.Target target;
    private Path configFile;
    private static final String CONFIG = "\nworker-heap-sustain=5s\nseed-orders=20\n";

    protected abstract Backend backend();

    /** Workers the service runs: the default for the backend (1 on H2, 2 on PostgreSQL). */
    protected abstract int workers();

    @BeforeAll
    void start() throws Exception {
        Path tmp = Files.createTempDirectory("keel-supervised");
        cleanup.add(() -> StoreUnderTest.deleteRecursively(tmp));
        port = Launcher.freePort();
        Map<String, String> env = new HashMap<>(Launcher.baseEnv(port));
        if (backend() == Backend.POSTGRES) {
            TestDatabase schema = TestDatabase.postgres();
            cleanup.add(schema);
            env.put("KEEL_DB_URL", schema.settings().jdbcUrl());
        }
        // The supervisor's own keys in the config file: workers, which refuse unknown keys, never see them.
        configFile = Files.writeString(tmp.resolve("keel.properties"), "workers=" + workers() + CONFIG);
        env.put("KEEL_CONFIG", configFile.toString());
        keel = new Launcher(Files.createDirectory(tmp.resolve("data")), env);
        cleanup.add(keel);
        supervisor = keel.start(START);
        target = OrderLoad.Target.prepare(Api.of(port));
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable closeable : cleanup.reversed()) {
            closeable.close();
        }
    }

    /** The pid of the standby once it is prepared, or -1. */
    private long preparedStandbyPid() throws Exception {
        Launcher.Result status = keel.run(Duration.ofSeconds(30), "status");
        return status.output().lines().map(line -> line.split("\\s+"))
                .filter(cols -> cols[0].equals("standby") && cols[2].equals("STANDBY"))
                .mapToLong(cols -> Long.parseLong(cols[1])).findFirst().orElse(-1);
    }

    private List<Long> workerPids() throws Exception {
        Launcher.Result status = keel.run(Duration.ofSeconds(30), "status");
        assertThat(status.code()).as(status.output()).isZero();
        return status.output().lines().skip(1).map(line -> line.split("\\s+"))
                .filter(cols -> cols[2].equals("READY")).map(cols -> Long.parseLong(cols[1])).toList();
    }

    @Test
    @Order(1)
    void everyWorkerRunsWithTwoMallocArenasFromTheSupervisor() throws Exception {
        // The launcher exports MALLOC_ARENA_MAX only for an unsupervised JVM: here the supervisor sets it.
        await().atMost(START).pollInterval(Duration.ofMillis(500)).until(() -> workerPids().size() == workers());
        for (long pid : workerPids()) {
            assertThat(Launcher.environment(pid)).contains("MALLOC_ARENA_MAX=2");
        }
    }

    @Test
    @Order(1)
    void statusShowsOneReadyLinePerWorkerWithItsPidAndFigures() throws Exception {
        // Heap, request rate, p99 and scheduler lag come from each worker's management listener, read every second.
        await().atMost(START).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Launcher.Result status = keel.run(Duration.ofSeconds(30), "status");
            List<String> lines = status.output().lines().toList();
            assertThat(lines.getFirst()).containsSubsequence("worker", "pid", "state", "uptime", "restarts", "cpu",
                    "rss", "heap", "heap-gc", "req/s", "p99", "lag-p99");
            // plus the standby (KEEL_STANDBY_WORKERS defaults to 1), listed after the workers
            assertThat(lines).hasSize(workers() + 2);
            assertThat(lines.getLast()).matches("standby\\s+\\d+\\s+(STARTING|STANDBY)\\s.*");
            assertThat(lines.get(1)).matches("1\\s+\\d+\\s+READY\\s+[0-9.]+s\\s+0\\s+[0-9.]+s\\s+\\d+MiB\\s+\\d+MiB\\s+"
                    + "\\d+MiB\\s+[0-9.]+\\s+([0-9.]+ms|-)\\s+([0-9.]+ms|-)\\s*");
        });
        List<Long> children = supervisor.children().map(ProcessHandle::pid).toList();
        assertThat(workerPids()).hasSize(workers()).allSatisfy(pid -> assertThat(children).contains(pid));

        Launcher.Result json = keel.run(Duration.ofSeconds(30), "status", "--json");
        assertThat(json.code()).as(json.output()).isZero();
        List<JsonNode> rows = new ArrayList<>();
        Api.JSON.readTree(json.output()).forEach(row -> {
            if (!row.get("worker").asText().equals("standby")) {
                rows.add(row);
            }
        });
        assertThat(rows).hasSize(workers()).allSatisfy(row -> {
            assertThat(row.get("state").asText()).isEqualTo("READY");
            assertThat(row.get("heapUsedBytes").asDouble()).isPositive();
            assertThat(row.get("managementPort").asInt()).isPositive();
        });
        // One scrape of the supervisor: its own figures and every worker's, told apart by the worker label.
        int control = Integer.parseInt(Files.readString(keel.dataDir().resolve("supervisor.port")).strip());
        await().atMost(START).untilAsserted(() -> {
            // a worker that does not answer within the supervisor's probe timeout is left out of one scrape
            String metrics = Api.of(control).get("/metrics").body();
            assertThat(metrics).contains("keel_supervisor_workers_alive " + workers());
            for (int slot = 1; slot <= workers(); slot++) {
                assertThat(metrics).contains("jvm_memory_used_bytes{worker=\"" + slot + "\",");
            }
        });
    }

    @Test
    @Order(2)
    void aWorkerSigkilledUnderOrderLoadIsReplacedAndNoAcknowledgedOrderIsLost() throws Exception {
        long victim = workerPids().getFirst();
        await().atMost(START).pollInterval(Duration.ofMillis(500)).until(() -> preparedStandbyPid() > 0);
        long standby = preparedStandbyPid();
        OrderLoad.Result result;
        long replacedAfterMs;
        try (OrderLoad load = OrderLoad.orders(target, 4)) {
            load.awaitAcknowledged(50);
            long killed = System.nanoTime();
            ProcessHandle.of(victim).orElseThrow().destroyForcibly();
            await().atMost(START).pollInterval(Duration.ofMillis(100)).until(() -> {
                List<Long> ready = workerPids();
                return ready.size() == workers() && !ready.contains(victim);
            });
            replacedAfterMs = (System.nanoTime() - killed) / 1_000_000;
            load.awaitAcknowledged(load.acknowledged().size() + 20);
            result = load.stop();
        }

        System.out.printf("[%s] worker SIGKILL under order load: replacement ready after %d ms; %d acknowledged, "
                + "%d failed requests%n", backend(), replacedAfterMs, result.acknowledged().size(), result.failed());
        assertThat(target.missing(result.acknowledged())).as("acknowledged orders lost").isEmpty();
        assertThat(workerPids()).as("the prepared standby took the killed worker's slot").contains(standby);
        if (workers() > 1) {
            // Only requests in flight on the killed worker may fail: at most one per client.
            assertThat(result.failed()).as("failed requests: %s", result.failures()).isLessThanOrEqualTo(4);
        }
    }

    @Test
    @Order(3)
    void aRollingReloadUnderLoadFailsNoRequest() throws Exception {
        List<Long> before = workerPids();
        Launcher.Result reload;
        OrderLoad.Result result;
        // Order placements, not reads: an HTTP client retries a GET that met a closing kept-alive connection by
        // itself, never a POST, so only a POST load shows every connection a stopping worker cuts.
        try (OrderLoad load = OrderLoad.ordersAndReads(target, 4)) {
            load.awaitAcknowledged(50);
            reload = keel.run(START, "reload");
            load.awaitAcknowledged(load.acknowledged().size() + 50);
            result = load.stop();
        }

        System.out.printf("[%s] reload under order load: %s; %d acknowledged, %d failed, %d retried on a connection "
                + "closed before its answer%n", backend(), reload.output().strip(), result.acknowledged().size(),
                result.failed(), result.retried());
        assertThat(result.failed()).as("failed requests during the reload: %s", result.failures()).isZero();
        assertThat(target.missing(result.acknowledged())).as("acknowledged orders lost").isEmpty();
        assertThat(reload.code()).as(reload.output()).isZero();
        assertThat(reload.output()).contains("reloaded " + workers() + " worker(s)");
        assertThat(workerPids()).hasSize(workers()).doesNotContainAnyElementsOf(before);
        if (backend() == Backend.H2) {
            // One process at a time opens the embedded file: the new worker held its requests while the old drained.
            assertThat(keel.output()).contains("took over the database");
        }
    }

    @Test
    @Order(4)
    void aReloadWhoseNewWorkerCannotStartRollsBackAndTheOldWorkerServesOn() throws Exception {
        List<Long> before = workerPids();
        Files.writeString(configFile, "workers=" + workers() + CONFIG + "db-pool-size=0\n");
        Launcher.Result reload;
        OrderLoad.Result result;
        try (OrderLoad load = OrderLoad.ordersAndReads(target, 2)) {
            load.awaitAcknowledged(20);
            reload = keel.run(START, "reload");
            load.awaitAcknowledged(load.acknowledged().size() + 20);
            result = load.stop();
        } finally {
            Files.writeString(configFile, "workers=" + workers() + CONFIG);
        }

        assertThat(reload.code()).as(reload.output()).isNotZero();
        assertThat(reload.output()).contains("reload rolled back").contains("exited with code 2");
        assertThat(result.failed()).as("failed requests: %s", result.failures()).isZero();
        assertThat(workerPids()).isEqualTo(before);
    }

    @Test
    @Order(5)
    void sigkillOfTheSupervisorAndEveryWorkerLosesNoAcknowledgedOrderAfterAStart() throws Exception {
        OrderLoad.Result result;
        try (OrderLoad load = OrderLoad.orders(target, 4)) {
            load.awaitAcknowledged(50);
            supervisor.descendants().forEach(ProcessHandle::destroyForcibly);
            supervisor.destroyForcibly();
            assertThat(supervisor.waitFor(10, TimeUnit.SECONDS)).isTrue();
            result = load.stop();
        }
        keel.close();
        supervisor = keel.start(START);

        System.out.printf("[%s] SIGKILL of everything: %d acknowledged before%n", backend(),
                result.acknowledged().size());
        assertThat(target.missing(result.acknowledged())).as("acknowledged orders lost").isEmpty();
    }

    @Test
    @Order(6)
    void workersOfASigkilledSupervisorStopByThemselves() throws Exception {
        // every child: the workers, and the AOT cache training JVM while one runs
        List<ProcessHandle> children = supervisor.children().toList();
        assertThat(children.stream().map(ProcessHandle::pid).toList()).containsAll(workerPids()).hasSizeBetween(
                workers(), workers() + 1);

        supervisor.destroyForcibly();

        for (ProcessHandle child : children) {
            assertThat(child.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
        }
        keel.close();
        supervisor = keel.start(START);
    }

    @Test
    @Order(7)
    void sigtermDrainsEveryWorkerAndExitsZero() throws Exception {
        List<ProcessHandle> workers = supervisor.children().toList();

        supervisor.destroy();

        assertThat(supervisor.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(supervisor.exitValue()).as(keel.output()).isZero();
        assertThat(workers).allSatisfy(worker -> assertThat(worker.isAlive()).isFalse());
        assertThat(keel.output()).contains("received SIGTERM, draining").contains("keel: stopped");
        assertThat(keel.pidFile()).doesNotExist();
    }
}

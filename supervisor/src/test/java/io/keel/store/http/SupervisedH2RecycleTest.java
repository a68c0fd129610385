package io.keel.store.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Memory recycling on embedded H2 (issue 10): one process at a time opens the file, so each recycle is a hand-over
 * (the new worker listens holding requests, the old one drains, the new one opens the file). An RSS limit of one
 * byte makes every worker due for recycling as soon as it is ready: the test watches two hand-overs under load.
 */
class SupervisedH2RecycleTest {
    private static final Duration START = Duration.ofSeconds(120);
    private static final Pattern HANDED_OVER_TWICE = Pattern.compile(
            "keel_supervisor_handovers_total\\{outcome=\"ok\"} [2-9]");
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : cleanup.reversed()) {
            closeable.close();
        }
    }

    @Test
    void aWorkerOverItsMemoryLimitOnH2IsHandedOverToANewOneWithoutAFailedRequestOrALostOrder() throws Exception {
        Path tmp = Files.createTempDirectory("keel-recycle");
        cleanup.add(() -> StoreUnderTest.deleteRecursively(tmp));
        int port = Launcher.freePort();
        Map<String, String> env = new HashMap<>(Launcher.baseEnv(port));
        env.put("KEEL_WORKER_RSS_LIMIT", "1");
        Launcher keel = new Launcher(Files.createDirectory(tmp.resolve("data")), env);
        cleanup.add(keel);
        keel.start(START);
        OrderLoad.Target target = OrderLoad.Target.prepare(Api.of(port));
        int control = Integer.parseInt(Files.readString(keel.dataDir().resolve("supervisor.port")).strip());

        Set<Long> serving = ConcurrentHashMap.newKeySet();
        OrderLoad.Result result;
        try (OrderLoad load = OrderLoad.ordersAndReads(target, 3)) {
            load.awaitAcknowledged(20);
            await().atMost(START.multipliedBy(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
                keel.run(Duration.ofSeconds(30), "status").output().lines().skip(1).map(l -> l.split("\\s+"))
                        .filter(cols -> cols[0].equals("1") && cols[2].equals("READY"))
                        .forEach(cols -> serving.add(Long.parseLong(cols[1])));
                return HANDED_OVER_TWICE.matcher(Api.of(control).get("/metrics").body()).find();
            });
            load.awaitAcknowledged(load.acknowledged().size() + 20);
            result = load.stop();
        }

        System.out.printf("[H2] recycling under load: workers %s served in turn; %d acknowledged, %d failed, %d "
                + "retried on a connection closed before its answer%n", serving, result.acknowledged().size(),
                result.failed(), result.retried());
        assertThat(result.failed()).as("failed requests: %s", result.failures()).isZero();
        // The old worker's listener accepts while it waits for its successor; a connection it accepted then gets
        // stop-request-wait for its request when the server stops (StopWait). What is left: with
        // net.ipv4.tcp_migrate_req=0, a connection still in the closing listener's accept queue is reset, which the
        // JDK client reports the same way. A client retries such an idempotent request once (OrderLoad); the
        // hand-overs must not cause more.
        assertThat(result.retried()).as("requests retried after a closed connection").isLessThanOrEqualTo(
                2 * serving.size());
        assertThat(target.missing(result.acknowledged())).as("acknowledged orders lost").isEmpty();
        assertThat(serving).as("a new worker took over each time").hasSizeGreaterThanOrEqualTo(2);
        assertThat(Api.of(control).get("/metrics").body())
                .containsPattern("keel_supervisor_recycles_total\\{reason=\"rss\"} [2-9]")
                .containsPattern("keel_supervisor_handover_gap_seconds_count [2-9]");
        assertThat(keel.output()).contains("recycling").contains("took over the database");
    }
}

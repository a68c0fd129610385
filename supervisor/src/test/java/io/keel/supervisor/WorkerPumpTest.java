package io.keel.supervisor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A worker's output keeps flowing into the log when a supervisor callback fails; its state follows its output. */
class WorkerPumpTest {
    @Test
    void aReadyCallbackThatThrowsIsLoggedAndTheWorkersLaterOutputStillReachesTheLog(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("keel.log");
        RotatingLog log = new RotatingLog(file, 1 << 20, 2);
        // 2,000 lines after the ready line: more than a pipe holds, so a dead pump would block the worker
        Worker worker = Worker.start(1, List.of("sh", "-c", "echo '" + Worker.READY_LINE + "://127.0.0.1:1'; "
                + "i=0; while [ $i -lt 2000 ]; do echo \"after ready $i ................................\"; "
                + "i=$((i+1)); done; echo worker-done"), Map.of(), log, w -> {
                    throw new IllegalStateException("callback bug");
                });

        assertThat(worker.awaitReady(Duration.ofSeconds(10))).as("still ready despite the callback").isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(file).contains("worker-done"));
        assertThat(Files.readString(file)).contains("the ready callback for worker 1",
                "failed: java.lang.IllegalStateException: callback bug", "after ready 1999");
        log.close();
    }

    @Test
    void aWorkerThatSaidItWasReadyBeforeItsWakeLineStaysReady(@TempDir Path dir) throws Exception {
        // A command that ignores the standby flag and is ready at once (as the fake workers are): the supervisor's
        // wake must not turn READY back into STARTING, since no second ready line will come to undo it.
        RotatingLog log = new RotatingLog(dir.resolve("keel.log"), 1 << 20, 2);
        Worker worker = Worker.standby(List.of("sh", "-c", "echo '" + Worker.READY_LINE + "://127.0.0.1:1'; "
                + "exec sleep 60", "sh"), Map.of(), log, w -> { }, w -> { });
        try {
            assertThat(worker.awaitReady(Duration.ofSeconds(10))).isTrue();

            assertThat(worker.wake(1, Worker.Wake.HANDOVER)).isTrue();

            assertThat(worker.state()).isEqualTo(Worker.State.READY);
            assertThat(worker.awaitPrepared(Duration.ofSeconds(1))).isTrue();
        } finally {
            worker.kill();
            log.close();
        }
    }
}

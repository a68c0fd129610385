package io.keel.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SupervisedServiceTest {
    @Test
    void readsEveryWorkerReadyLineTheSupervisorPrints() {
        String out = """
                keel supervisor: memory: 2 workers x 512 MiB
                keel supervisor: worker 1 (pid 4242) ready in 7123 ms (CPU 4051 ms)
                keel supervisor: worker 2 (pid 4250) ready in 6890 ms (CPU 3977 ms)
                store ready at http://127.0.0.1:8080/
                keel supervisor: worker 1 (pid 4301) ready in 5012 ms (CPU 3300 ms)
                worker 2 (pid 4400) ready in 252 ms after its activation (standby for 30 ms; CPU since its spawn 4100 ms)
                keel supervisor: worker 1 (pid x) ready in soon
                """;

        assertThat(SupervisedService.readyLines(out)).containsExactly(
                new SupervisedService.ReadyLine(1, 4242, 7123, 4051, false),
                new SupervisedService.ReadyLine(2, 4250, 6890, 3977, false),
                new SupervisedService.ReadyLine(1, 4301, 5012, 3300, false),
                new SupervisedService.ReadyLine(2, 4400, 252, 4100, true));
        assertThat(SupervisedService.READY.matcher("store ready at http://127.0.0.1:8080/").find()).isTrue();
    }
}
